/**
 * Carrying out a license request: one $batch of writes (group membership, or assignLicense when a
 * kind has no group), then reading each person back until the license is Active (or gone). A
 * license Microsoft could not apply is undone again, so nobody is left in the group without one.
 */
import { LICENSE_INFO, type LicenseKind } from '../../domain/catalog';
import { joinNames } from '../../domain/people';
import type { RequestTarget } from '../../domain/request';
import { explainTenantError } from '../../tenant/errors';
import { TenantError, type LicenseRoute } from '../../tenant/types';
import { auditEntry, SYSTEM_ACTOR } from '../audit';
import type { ExecutionContext, ExecutionOutcome } from '../capability';
import { licenseHolding, type Directory } from '../directory';
import type { GroupsInUse } from '../groupsInUse';
import type { ServiceDeps } from '../types';
import type { LicenseRequest } from './kinds';

export class LicenseExecution {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
    private readonly groups: GroupsInUse,
  ) {}

  async execute(req: LicenseRequest, ctx: ExecutionContext): Promise<ExecutionOutcome> {
    const kind = req.subject as LicenseKind;
    const skuId = await this.directory.skuId(kind);
    if (!skuId)
      return {
        state: 'failed',
        errorCode: 'SkuNotFound',
        errorMessage: `The tenant no longer has a ${LICENSE_INFO[kind].label} subscription.`,
      };
    const groupId = await this.groups.license(kind);
    const todo = req.targets.filter((t) => t.status === 'waiting');
    const assign = req.kind === 'license.assign';

    // One $batch for every write (at most 20 people per request, so one HTTP call).
    const writes = assign
      ? await this.deps.tenant.grantLicenses({
          via: groupId ? 'group' : 'direct',
          groupId,
          skuId,
          userIds: todo.map((t) => t.userId),
        })
      : await this.deps.tenant.revokeLicenses({
          groupId,
          skuId,
          changes: await this.removalPaths(todo, skuId, groupId),
        });
    const failedIds = new Set<string>();
    let transient: TenantError | undefined;
    for (const w of writes) {
      await this.deps.store.audit.append({
        ...auditEntry(
          SYSTEM_ACTOR,
          assign ? 'graph.assign' : 'graph.remove',
          req.tenantId,
          { userId: w.userId, status: w.status, via: w.via },
          w.requestId,
        ),
        requestId: req.id,
      });
      // Still throttled or unavailable after the batch's own retries: not this person's failure.
      if (w.result === 'transient') transient ??= w.error;
      else if (w.result === 'failed' && !failedIds.has(w.userId)) {
        failedIds.add(w.userId);
        await ctx.progress(w.userId, 'failed', w.error!.code, explainTenantError(w.error!));
      }
    }
    // The engine keeps the request executing and a worker resumes it later; the writes that did
    // go through answer "already a member" / "not a member" then, which counts as success.
    if (transient) throw transient;
    const written = todo.filter((t) => !failedIds.has(t.userId));
    // Then check that the license really landed (or really went), in one batched read per round.
    const verified = await this.verify(req, written, skuId, assign, groupId, ctx);
    this.directory.invalidate();
    const fresh = await this.deps.store.requests.get(req.id);
    const targets = fresh?.targets ?? req.targets;
    const failed = targets.filter((t) => t.status === 'failed');
    if (failed.length === 0 && verified) return { state: 'completed' };
    const done = targets.filter((t) => t.status === 'done');
    return {
      state: 'failed',
      errorCode: failed[0]?.errorCode ?? 'NotVerified',
      errorMessage:
        (done.length ? `${joinNames(done.map((d) => d.displayName))} ${done.length === 1 ? 'is' : 'are'} done. ` : '') +
        failed.map((f) => `${f.displayName}: ${f.errorMessage ?? 'failed'}`).join(' '),
    };
  }

  /**
   * How each person holds the license now, read at execution (a resumed execution may find part of
   * it done): through the managed group, directly, or both. A removal undoes each path it finds;
   * none found means it is already gone, and the verification will say so.
   */
  private async removalPaths(
    todo: RequestTarget[],
    skuId: string,
    groupId: string | undefined,
  ): Promise<{ userId: string; via: LicenseRoute }[]> {
    const users = await this.deps.tenant.getUsers(todo.map((t) => t.userId));
    return todo.flatMap((t) => {
      const u = users.find((x) => x.id === t.userId);
      if (!u) return [];
      const states = (u.licenseAssignmentStates ?? []).filter((s) => s.skuId === skuId);
      const out: { userId: string; via: LicenseRoute }[] = [];
      if (groupId && states.some((s) => s.assignedByGroup === groupId)) out.push({ userId: t.userId, via: 'group' });
      const direct =
        states.some((s) => !s.assignedByGroup) ||
        (states.length === 0 && (u.assignedLicenses ?? []).some((l) => l.skuId === skuId));
      if (direct) out.push({ userId: t.userId, via: 'direct' });
      return out;
    });
  }

  private async verify(
    req: LicenseRequest,
    people: RequestTarget[],
    skuId: string,
    assign: boolean,
    groupId: string | undefined,
    ctx: ExecutionContext,
  ): Promise<boolean> {
    let waiting = [...people];
    const deadline = this.deps.clock.now().getTime() + this.deps.config.licenseVerifyTimeoutSeconds * 1000;
    let delayMs = 250;
    const started = Date.now();
    while (waiting.length) {
      // Group-based licensing is asynchronous: reading back at once would usually see nothing yet.
      await sleep(delayMs);
      const read = await this.deps.tenant.readLicensing(waiting.map((t) => t.userId));
      const still: RequestTarget[] = [];
      for (const t of waiting) {
        const user = read.get(t.userId);
        if (!user) {
          still.push(t);
          continue;
        }
        const h = licenseHolding(user, skuId);
        if (assign && h.holds) await ctx.progress(t.userId, 'done');
        else if (!assign && !h.holds) await ctx.progress(t.userId, 'done');
        else if (assign && h.state === 'Error') {
          const seats = h.error === 'CountViolation';
          const why = seats
            ? 'no seat was free when Microsoft applied the group license (CountViolation)'
            : `Microsoft could not apply the license (${h.error ?? 'Error'})`;
          const next = seats
            ? `free a seat or buy more, then ask again. ${LICENSE_INFO[req.subject as LicenseKind].purchase}`
            : 'an administrator can see the details on the group in the Entra admin center.';
          // Leave no half-state: a member without a working license would hold the group slot silently.
          const undone = groupId ? await this.takeOutOfGroup(req, groupId, t.userId) : true;
          const state = undone
            ? 'Dragon Desk took them out of the license group again so nothing is left half-done'
            : 'Dragon Desk could not take them out of the license group again, so an administrator needs to remove them there';
          await ctx.progress(t.userId, 'failed', h.error ?? 'Error', `${why}. ${state}; ${next}`);
        } else still.push(t);
      }
      waiting = still;
      if (
        waiting.length &&
        (this.deps.clock.now().getTime() > deadline ||
          Date.now() - started > this.deps.config.licenseVerifyTimeoutSeconds * 1000)
      ) {
        for (const t of waiting)
          await ctx.progress(
            t.userId,
            'failed',
            'NotVerified',
            `Microsoft had not ${assign ? 'applied' : 'removed'} the license after ${this.deps.config.licenseVerifyTimeoutSeconds} seconds. It may still happen; ask "does ${t.displayName} have a Dragon license?" later.`,
          );
        return false;
      }
      delayMs = Math.min(delayMs * 2, 5000);
    }
    return true;
  }

  /** Undo a group add whose license failed; audited either way, so the trail shows the clean-up. */
  private async takeOutOfGroup(req: LicenseRequest, groupId: string, userId: string): Promise<boolean> {
    try {
      await this.deps.tenant.removeGroupMember(groupId, userId);
      await this.deps.store.audit.append({
        ...auditEntry(SYSTEM_ACTOR, 'graph.undo-assign', req.tenantId, { userId, groupId }),
        requestId: req.id,
      });
      return true;
    } catch (err) {
      await this.deps.store.audit.append({
        ...auditEntry(
          SYSTEM_ACTOR,
          'graph.undo-assign-failed',
          req.tenantId,
          { userId, groupId, error: err instanceof Error ? err.message : String(err) },
          err instanceof TenantError ? err.requestId : undefined,
        ),
        requestId: req.id,
      });
      return false;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
