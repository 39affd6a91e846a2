/**
 * Test and demo hooks under `/_devtenant/` (no auth, not counted, never faulted): arm faults, read
 * and reset the call log, re-seed, wait for license processing, move the clock, approve a GDAP
 * relationship as the customer would in the admin center.
 */
import { badRequest, TenantHttpError } from '../errors';
import type { CallLog, FaultInjector } from '../faults';
import type { AppPermissions } from '../permissions';
import { queryOption } from '../odata';
import type { Route } from '../router';
import type { AdjustableClock } from '../state';
import { relationshipEntity } from './gdap';
import { bodyObject, json, noContent, type RouteDeps } from './shared';

export interface HookDeps extends RouteDeps {
  faults: FaultInjector;
  calls: CallLog;
  permissions: AppPermissions;
  /** Present only when the server owns its clock (no clock was injected). */
  adjustableClock?: AdjustableClock;
  /** Re-seeds from the starting fixture, or from another fixture by name. */
  reset(fixtureName?: string): void;
}

function regexFrom(text: string): RegExp {
  try {
    return new RegExp(text);
  } catch {
    throw badRequest(`Invalid pathRegex '${text}'.`, 'BadRequest');
  }
}

export function testHookRoutes(deps: HookDeps): Route[] {
  const { faults, calls, state } = deps;
  return [
    {
      method: 'POST',
      pattern: '/_devtenant/faults',
      handler: (req) => {
        const b = bodyObject(req);
        const path =
          typeof b.pathRegex === 'string' ? regexFrom(b.pathRegex) : typeof b.path === 'string' ? b.path : undefined;
        if (path === undefined) throw badRequest("Give 'path' or 'pathRegex'.", 'BadRequest');
        try {
          faults.failNext({
            method: typeof b.method === 'string' ? b.method : undefined,
            path,
            count: typeof b.count === 'number' ? b.count : 1,
            status: Number(b.status),
            retryAfterSeconds: typeof b.retryAfterSeconds === 'number' ? b.retryAfterSeconds : undefined,
            code: typeof b.code === 'string' ? b.code : undefined,
            message: typeof b.message === 'string' ? b.message : undefined,
          });
        } catch (e) {
          throw badRequest((e as Error).message, 'BadRequest');
        }
        return json({ pending: faults.pending() }, 201);
      },
    },
    { method: 'GET', pattern: '/_devtenant/faults', handler: () => json({ pending: faults.pending() }) },
    {
      method: 'DELETE',
      pattern: '/_devtenant/faults',
      handler: () => {
        faults.clear();
        return noContent();
      },
    },
    {
      method: 'GET',
      pattern: '/_devtenant/calls',
      handler: (req) => {
        const regex = queryOption(req.query, 'pathRegex');
        const inBatch = queryOption(req.query, 'inBatch');
        const list = calls.list({
          method: queryOption(req.query, 'method'),
          path: regex !== undefined ? regexFrom(regex) : queryOption(req.query, 'path'),
          inBatch: inBatch === undefined ? undefined : inBatch === 'true',
        });
        return json({ count: list.length, calls: list });
      },
    },
    {
      method: 'DELETE',
      pattern: '/_devtenant/calls',
      handler: () => {
        calls.reset();
        return noContent();
      },
    },
    {
      method: 'POST',
      pattern: '/_devtenant/reset',
      handler: (req) => {
        const name = (req.body as { fixture?: unknown } | undefined)?.fixture;
        // Names only: a local HTTP caller must not make the server read arbitrary files.
        if (name !== undefined && (typeof name !== 'string' || !/^[a-z0-9-]+$/.test(name))) {
          throw badRequest("'fixture' must be a fixture name such as 'empty-tenant'.", 'BadRequest');
        }
        try {
          deps.reset(name);
        } catch (e) {
          throw badRequest((e as Error).message, 'BadRequest');
        }
        return noContent();
      },
    },
    {
      method: 'POST',
      pattern: '/_devtenant/settle',
      handler: async () => {
        await state.settle();
        return noContent();
      },
    },
    {
      method: 'POST',
      pattern: '/_devtenant/clock',
      handler: (req) => {
        const clock = deps.adjustableClock;
        if (!clock)
          throw new TenantHttpError(
            409,
            'Conflict',
            'The clock was injected by the host and cannot be moved over HTTP.',
          );
        const b = bodyObject(req);
        if (typeof b.advanceMs === 'number') clock.advance(b.advanceMs);
        else if (typeof b.now === 'string' && !Number.isNaN(Date.parse(b.now))) clock.set(new Date(b.now));
        else throw badRequest("Give 'advanceMs' (number) or 'now' (ISO date).", 'BadRequest');
        state.tick();
        return json({ now: clock.now().toISOString() });
      },
    },
    { method: 'GET', pattern: '/_devtenant/clock', handler: () => json({ now: state.clock.now().toISOString() }) },
    // The application permissions of Dragon Desk's app: what a Microsoft token's `roles` claim lists.
    {
      method: 'GET',
      pattern: '/_devtenant/permissions',
      handler: () => json({ granted: deps.permissions.granted() }),
    },
    {
      method: 'DELETE',
      pattern: '/_devtenant/permissions',
      handler: () => {
        deps.permissions.reset();
        return noContent();
      },
    },
    ...(['revoke', 'grant'] as const).map((action): Route => ({
      method: 'POST',
      pattern: `/_devtenant/permissions/${action}`,
      handler: (req) => {
        const permission = bodyObject(req).permission;
        if (typeof permission !== 'string' || !deps.permissions[action](permission))
          throw badRequest(
            "Give 'permission', the name of a Graph application permission the dev tenant knows (GET /_devtenant/permissions lists them).",
            'BadRequest',
          );
        return json({ granted: deps.permissions.granted() });
      },
    })),
    {
      method: 'POST',
      pattern: '/_devtenant/gdap/:id/approve',
      handler: (_req, p) => json(relationshipEntity(state.approveGdap(p.id))),
    },
  ];
}
