/**
 * One request through the dev tenant, whether it came over HTTP or from inside a `$batch`:
 * call log → authentication → injected fault → ARM api-version → route → error rendering. Inner batch
 * requests go through the same path, so they are counted, throttled and answered exactly like
 * top-level ones.
 */
import { randomUUID } from 'node:crypto';
import { authenticate } from './auth';
import { errorBody, invalidJson, TenantHttpError, type Dialect, type RequestIds } from './errors';
import type { CallLog, FaultInjector } from './faults';
import type { AppPermissions } from './permissions';
import { parseQueryString, queryOption } from './odata';
import type { ApiRequest, ApiResponse, Caller, Router } from './router';
import type { Clock, DirectoryState } from './state';

export interface IncomingCall {
  method: string;
  /** Path and query as received, percent-encoding included. */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body?: { text: string } | { json: unknown };
  inBatch: boolean;
}

export interface OutgoingResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface DispatcherDeps {
  state: DirectoryState;
  faults: FaultInjector;
  calls: CallLog;
  /** What Dragon Desk's own app has been granted; absent = everything. */
  permissions?: AppPermissions;
  clock: Clock;
  graph: Router;
  arm: Router;
  hooks: Router;
}

export const GRAPH_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const ARM_CONTENT_TYPE = 'application/json; charset=utf-8';
const ARM_ROOTS = new Set(['providers', 'subscriptions']);

export function dialectOf(segments: string[]): Dialect {
  return ARM_ROOTS.has((segments[0] ?? '').toLowerCase()) ? 'arm' : 'graph';
}

function splitUrl(url: string): { segments: string[]; rawQuery: string } {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const segments = rawPath
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { segments, rawQuery };
}

/**
 * OData key syntax, `users('{id|upn}')`, as the same two segments as `users/{id|upn}`. Graph documents
 * it for users (user-get: a UPN that begins with $ must be written `/users('$…')`), and it is
 * plain OData for any entity set. A quote inside the key is doubled.
 */
export function expandKeySegments(segments: string[]): string[] {
  return segments.flatMap((seg) => {
    const m = /^([A-Za-z][\w.]*)\('((?:[^']|'')*)'\)$/.exec(seg);
    return m ? [m[1], m[2].replace(/''/g, "'")] : [seg];
  });
}

export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  async handle(call: IncomingCall): Promise<OutgoingResponse> {
    const split = splitUrl(call.url);
    const rawQuery = split.rawQuery;
    const segments = dialectOf(split.segments) === 'graph' ? expandKeySegments(split.segments) : split.segments;
    const path = `/${segments.join('/')}`;
    const ids: RequestIds = {
      requestId: randomUUID(),
      clientRequestId: call.headers['client-request-id'] ?? randomUUID(),
      date: new Date(),
    };
    if ((segments[0] ?? '').toLowerCase() === '_devtenant' && !call.inBatch) {
      return this.hook(call, segments, rawQuery, ids);
    }
    const dialect = dialectOf(segments);
    let caller: Caller | null = null;
    let injected = false;
    let res: OutgoingResponse;
    try {
      caller = authenticate(call.headers.authorization, this.deps.state, dialect);
      const fault = this.deps.faults.take(call.method, path);
      if (fault) {
        injected = true;
        throw new TenantHttpError(fault.status, fault.code, fault.message, fault.headers);
      }
      if (dialect === 'graph' && caller.objectId === this.deps.state.fixture.app.servicePrincipalId) {
        // Graph checks the app's permissions before it looks at the request.
        if (this.deps.permissions?.missingFor(call.method, path))
          throw new TenantHttpError(
            403,
            'Authorization_RequestDenied',
            'Insufficient privileges to complete the operation.',
          );
      }
      this.deps.state.tick();
      const query = parseQueryString(rawQuery);
      if (dialect === 'arm' && !queryOption(query, 'api-version')) {
        throw new TenantHttpError(
          400,
          'MissingApiVersionParameter',
          'The api-version query parameter (?api-version=) is required for all requests.',
        );
      }
      if (dialect === 'graph' && (segments[0] ?? '').toLowerCase() !== 'v1.0') {
        const v = segments[0] ?? '';
        throw new TenantHttpError(
          400,
          'BadRequest',
          v.toLowerCase() === 'beta'
            ? 'Invalid version: beta. The dev tenant serves Graph v1.0 only.'
            : `Invalid version: ${v}`,
        );
      }
      const routed = this.rewriteMe(segments, caller, dialect);
      const router = dialect === 'arm' ? this.deps.arm : this.deps.graph;
      const match = router.match(call.method, routed);
      if ('error' in match) {
        // ARM answers a path it does not serve with 404, not Graph's 400 for an unknown segment.
        if (dialect === 'arm' && match.error.status === 400) {
          throw new TenantHttpError(
            404,
            'InvalidResourceType',
            `The resource path '${path}' is not served by the dev tenant.`,
          );
        }
        throw match.error;
      }
      const req: ApiRequest = {
        method: call.method.toUpperCase(),
        path,
        segments: routed,
        rawQuery,
        query,
        headers: call.headers,
        body: parseBody(call.body),
        caller,
        inBatch: call.inBatch,
      };
      res = this.finish(await match.handler(req, match.params), dialect, ids);
    } catch (err) {
      res = this.renderError(err, dialect, ids);
    }
    this.deps.calls.record({
      at: this.deps.clock.now().toISOString(),
      method: call.method.toUpperCase(),
      path,
      query: rawQuery,
      status: res.status,
      inBatch: call.inBatch,
      callerId: caller?.objectId ?? null,
      injected,
    });
    return res;
  }

  private async hook(
    call: IncomingCall,
    segments: string[],
    rawQuery: string,
    ids: RequestIds,
  ): Promise<OutgoingResponse> {
    try {
      const match = this.deps.hooks.match(call.method, segments);
      if ('error' in match) throw new TenantHttpError(404, 'NotFound', `No dev tenant hook at /${segments.join('/')}.`);
      const req: ApiRequest = {
        method: call.method.toUpperCase(),
        path: `/${segments.join('/')}`,
        segments,
        rawQuery,
        query: parseQueryString(rawQuery),
        headers: call.headers,
        body: parseBody(call.body),
        caller: { objectId: '', tenantId: this.deps.state.tenantId, kind: 'servicePrincipal' },
        inBatch: false,
      };
      return this.finish(await match.handler(req, match.params), 'arm', ids);
    } catch (err) {
      return this.renderError(err, 'arm', ids);
    }
  }

  /** `/me/…` is the calling user; an application has no "me". */
  private rewriteMe(segments: string[], caller: Caller, dialect: Dialect): string[] {
    if (dialect !== 'graph' || (segments[1] ?? '').toLowerCase() !== 'me') return segments;
    if (caller.kind !== 'user') {
      throw new TenantHttpError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    }
    return [segments[0], 'users', caller.objectId, ...segments.slice(2)];
  }

  private finish(r: ApiResponse, dialect: Dialect, ids: RequestIds): OutgoingResponse {
    const headers: Record<string, string> = { ...this.idHeaders(dialect, ids), ...(r.headers ?? {}) };
    if (r.body !== undefined) headers['Content-Type'] = dialect === 'arm' ? ARM_CONTENT_TYPE : GRAPH_CONTENT_TYPE;
    return { status: r.status, headers, body: r.body };
  }

  private idHeaders(dialect: Dialect, ids: RequestIds): Record<string, string> {
    const h: Record<string, string> = { 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId };
    if (dialect === 'arm') h['x-ms-request-id'] = ids.requestId;
    return h;
  }

  private renderError(err: unknown, dialect: Dialect, ids: RequestIds): OutgoingResponse {
    const e =
      err instanceof TenantHttpError
        ? err
        : new TenantHttpError(
            500,
            'InternalServerError',
            `The dev tenant failed: ${err instanceof Error ? err.message : String(err)}`,
          );
    if (!(err instanceof TenantHttpError)) console.error('[devtenant] unhandled error', err);
    return {
      status: e.status,
      headers: {
        ...this.idHeaders(dialect, ids),
        ...e.headers,
        'Content-Type': dialect === 'arm' ? ARM_CONTENT_TYPE : GRAPH_CONTENT_TYPE,
      },
      body: errorBody(dialect, e.code, e.message, ids),
    };
  }
}

function parseBody(body: IncomingCall['body']): unknown {
  if (!body) return undefined;
  if ('json' in body) return body.json;
  if (body.text.trim() === '') return undefined;
  try {
    return JSON.parse(body.text);
  } catch {
    throw invalidJson();
  }
}
