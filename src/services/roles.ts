/**
 * The Dragon Administrator role: "make Sam a Dragon administrator", "give Sam Dragon admin for 4
 * hours", "remove Sam's Dragon admin role". Global and Privileged Role Administrators confirm and
 * it runs; anyone else gives a justification and the owners of the "Dragon Administrators" group
 * decide (the documented best practice: a second security group holds the role and its owner
 * controls membership), or, with no such group, the Global / Privileged Role Administrators.
 * Role changes are higher risk than licenses: cards and audit entries carry the scope and the
 * justification.
 */
import { choosePersonCard } from '../cards';
import { formatTime } from '../cards/text';
import type { CardActionData, CardVerb } from '../cards/verbs';
import { MAX_PEOPLE_PER_REQUEST } from '../domain/catalog';
import { checkGrantDuration, durationWords, isoDurationMs } from '../domain/grantDuration';
import { joinNames } from '../domain/people';
import { licenseAssignerRole, roleAssignerRole } from '../domain/policy';
import { sameKind, type DeskRequest, type RequestApprover, type RequestTarget } from '../domain/request';
import { explainTenantError } from '../tenant/errors';
import type { TenantUser } from '../tenant/types';
import type { Capability, ExecutionContext, ExecutionOutcome, Precheck } from './capability';
import type { Directory, Reads } from './directory';
import { isTransient } from '../tenant/errors';
import { readApprovers } from './approvers';
import type { GroupsInUse } from './groupsInUse';
import { DRAGON_ADMIN_SCOPE, DRAGON_ADMIN_SCOPE_ID, DragonRoleAccess, type GrantVia } from './dragonRole';
import { GrantService, type TimerRegistry } from './grants';
import { applyPersonChoices, notFoundText, resolvePeople, targetOf } from './people';
import type { RequestEngine } from './requests';
import { card, text, type Actor, type ClickResult, type Reply, type ServiceDeps } from './types';
import { auditEntry, SYSTEM_ACTOR } from './audit';

type RoleRequest = DeskRequest<'role.assign' | 'role.remove'>;

export const DRAGON_ADMIN_SUBJECT = 'dragon-admin';
const ROLE_KINDS = ['role.assign', 'role.remove'] as const;
type RoleKind = (typeof ROLE_KINDS)[number];

export interface RoleAsk {
  users?: string[];
  role?: string;
  /** ISO 8601, for time-bound access. */
  duration?: string;
  justification?: string;
}

export class RoleService implements Capability<'role.assign' | 'role.remove'> {
  readonly kinds = ROLE_KINDS;
  readonly access: DragonRoleAccess;
  readonly grants: GrantService;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
    private readonly engine: RequestEngine,
    groups: GroupsInUse,
  ) {
    this.access = new DragonRoleAccess(deps.tenant, deps.config, groups);
    this.grants = new GrantService(deps, directory, this.access, engine.notifications);
    engine.register(this);
    for (const k of this.kinds)
      engine.onDraftChoice(k, (req, actor, data, verb) => this.onChoice(req, actor, data, verb));
  }

  /** The worker runs reminders and ends of time-bound grants. */
  registerTimers(worker: TimerRegistry): void {
    this.grants.registerTimers(worker);
  }

  // ---------------------------------------------------------------- asking

  async ask(actor: Actor, ask: RoleAsk, kind: RoleKind): Promise<Reply[]> {
    if (ask.role && ask.role !== DRAGON_ADMIN_SUBJECT)
      return [
        text(
          'Dragon Desk only handles the Dragon Administrator role. Other admin roles are assigned in the Entra admin center by a Global or Privileged Role Administrator.',
        ),
      ];
    const users = ask.users?.length ? ask.users : ['me'];
    if (users.length > MAX_PEOPLE_PER_REQUEST)
      return [
        text(
          `One request can cover at most ${MAX_PEOPLE_PER_REQUEST} people; you named ${users.length}. Please split them up.`,
        ),
      ];
    let duration: string | undefined;
    if (kind === 'role.assign' && ask.duration) {
      const check = checkGrantDuration(ask.duration);
      if (!check.ok) return [text(`${check.reason} Nothing was requested.`)];
      duration = ask.duration.trim().toUpperCase();
    }
    await this.directory.warmAsker(actor.id);
    const people = await resolvePeople(this.directory, users, actor);
    if (people.notFound.length) return [text(notFoundText(people.notFound, this.deps.config.mode))];
    return this.engine.startDraft(actor, {
      draft: {
        kind,
        subject: DRAGON_ADMIN_SUBJECT,
        justification: ask.justification,
        payload: { questions: people.questions, ...(duration ? { duration } : {}) },
        targets: people.resolved.map(targetOf),
      },
      detail: {
        kind,
        written: users,
        role: 'Dragon Administrator',
        scope: DRAGON_ADMIN_SCOPE_ID,
        duration,
        justification: ask.justification,
      },
      ready: !people.questions.length,
      next: (req) => this.nextStep(req, actor),
    });
  }

  private async onChoice(req: RoleRequest, actor: Actor, data: CardActionData, verb: CardVerb): Promise<ClickResult> {
    if (verb !== 'request.resolve')
      return { message: 'This request is about the Dragon Administrator role; there is no license to choose.' };
    const applied = await applyPersonChoices(this.deps.store, req, actor, data);
    if ('message' in applied) return { message: applied.message };
    const updated = applied.updated;
    const [first, ...rest] = await this.nextStep(updated, actor);
    if (first?.kind === 'card')
      return { card: first.card, followUps: rest, about: { requestId: updated.id, role: 'requester' } };
    return { message: first?.kind === 'text' ? first.text : undefined, followUps: rest };
  }

  /** Ask which person when a name is ambiguous, then check and show the draft card. */
  private async nextStep(req: RoleRequest, actor: Actor): Promise<Reply[]> {
    const questions = req.payload.questions ?? [];
    if (questions.length) return [card(choosePersonCard(req, questions), { requestId: req.id, role: 'requester' })];
    return this.engine.prepareDraft(req, actor);
  }

  /**
   * a Dragon administrator asking for a license hears plainly that their role
   * does not allow assigning one, before the license flow routes the request like anyone else's.
   */
  async licenseNote(actor: Actor): Promise<Reply[]> {
    // A note, not a decision (who may assign directly is read fresh by the license service), so the
    // roles that service just read serve here too.
    const roles = await this.directory.rolesOf(actor.id, 'cached');
    if (!roles.has('dragonAdministrator') || licenseAssignerRole(roles)) return [];
    return [
      text(
        "You are a Dragon Administrator, but that role does not allow assigning licenses: it manages the Dragon admin center only. Assigning a Dragon license needs the License Administrator or User Administrator role, so your request goes for approval (to the license group's owner) like anyone else's.",
      ),
    ];
  }

  // ---------------------------------------------------------------- capability

  title(req: RoleRequest): string {
    if (req.kind === 'role.remove') return 'Remove the Dragon Administrator role';
    const ms = typeof req.payload.duration === 'string' ? isoDurationMs(req.payload.duration) : undefined;
    return ms ? `Dragon Administrator role for ${durationWords(ms)}` : 'Dragon Administrator role';
  }

  async cardContext(req: RoleRequest) {
    const lines = [`Scope: ${DRAGON_ADMIN_SCOPE}.`, await this.howLine(req)];
    const timing = this.timingLine(req);
    if (timing) lines.push(timing);
    const extra = (req.payload.notes ?? []).filter((n) => !lines.includes(n));
    return { subject: 'Dragon Administrator role', notes: [...lines, ...extra] };
  }

  private async howLine(req: RoleRequest): Promise<string> {
    const groupId = await this.access.groupId('cached');
    if (req.kind === 'role.remove')
      return groupId
        ? `Removes membership of the group “${await this.groupName(groupId)}” and any direct assignment of the role.`
        : 'Removes the direct assignment of the role.';
    const via = req.payload.via ?? (await this.access.viaFor(typeof req.payload.duration === 'string', 'cached'));
    if (via === 'direct')
      return 'Carried out as a direct role assignment at directory scope “/” (no Dragon Administrators group is configured).';
    const name = await this.groupName(groupId!);
    return via === 'pim'
      ? `Carried out as a time-bound PIM for Groups membership of the role-assignable group “${name}”.`
      : `Carried out as membership of the role-assignable group “${name}”, which holds the role.`;
  }

  private timingLine(req: RoleRequest): string | undefined {
    if (req.kind !== 'role.assign' || typeof req.payload.duration !== 'string') return undefined;
    if (typeof req.payload.endsAt === 'string') return endLine(req.payload.endsAt);
    const words = durationWords(isoDurationMs(req.payload.duration) ?? 0);
    return `Time-bound: ${words} from when it is granted. It ends by itself; the person is reminded ${this.deps.config.grantReminderMinutes} minutes before.`;
  }

  async canActDirectly(actor: Actor, _req?: RoleRequest, reads: Reads = 'fresh'): Promise<boolean> {
    return roleAssignerRole(await this.directory.rolesOf(actor.id, reads)) !== undefined;
  }

  requiresJustification(_req: RoleRequest, direct: boolean): boolean {
    return !direct;
  }

  async precheck(req: RoleRequest, _actor: Actor, reads: Reads = 'fresh'): Promise<Precheck> {
    const users = await this.directory.users(
      req.targets.map((t) => t.userId),
      reads,
    );
    const skipped: { name: string; reason: string }[] = [];
    const keep: RequestTarget[] = [];
    for (const t of req.targets) {
      const reason = await this.targetProblem(
        req,
        t,
        users.find((u) => u.id === t.userId),
      );
      if (reason) skipped.push({ name: t.displayName, reason });
      else keep.push(t);
    }
    if (!keep.length)
      return { ok: false, replies: [text(`${skipped.map((s) => s.reason).join(' ')} Nothing was requested.`)] };
    return { ok: true, skipped, request: { ...req, targets: keep } };
  }

  private async targetProblem(
    req: RoleRequest,
    t: RequestTarget,
    u: TenantUser | undefined,
  ): Promise<string | undefined> {
    if (!u) return `${t.displayName} no longer exists in the directory.`;
    // Taking the role away from a disabled account only lowers privilege, so that is allowed.
    if (req.kind === 'role.assign' && u.accountEnabled === false)
      return `${u.displayName}'s account is disabled, so the Dragon Administrator role can't be given.`;
    const h = await this.access.holding(u.id);
    if (req.kind === 'role.assign' && h.holds) {
      const how = h.inGroup
        ? `as a member of “${await this.groupName((await this.access.groupId('cached'))!)}”`
        : h.directAssignmentIds.length
          ? 'through a direct role assignment'
          : 'through another group';
      return `${u.displayName} is already a Dragon Administrator (${how}).`;
    }
    if (req.kind === 'role.remove') {
      if (!h.holds && !h.inGroup && !h.directAssignmentIds.length)
        return `${u.displayName} isn't a Dragon Administrator, so there is nothing to remove.`;
      if (!h.inGroup && !h.directAssignmentIds.length)
        return `${u.displayName} holds the Dragon Administrator role through a group that Dragon Desk doesn't manage; remove them from that group in the Entra admin center.`;
    }
    const open = (await this.deps.store.requests.findOpenForTarget(u.id, req.kind, req.subject)).filter(
      (o) => o.id !== req.id,
    );
    if (open.length)
      return `${u.displayName} is already in request #${open[0].id} for this (${open[0].state}); say "status of request ${open[0].id}" to follow it.`;
    return undefined;
  }

  async approvers(req: RoleRequest, reads: Reads = 'fresh'): Promise<RequestApprover[]> {
    const groupId = await this.access.groupId();
    const group = groupId ? { id: groupId, fallbackName: 'Dragon Administrators' } : undefined;
    return readApprovers(this.directory, req, { of: 'dragon-admin' }, group, this.deps.config.approverFallback, reads);
  }

  completedMessage(req: RoleRequest): string {
    if (req.kind === 'role.remove')
      return `Your Dragon Administrator role was removed (request #${req.id}, asked by ${req.requesterName}).`;
    const ends =
      typeof req.payload.endsAt === 'string'
        ? ` This access is time-bound: it ends ${formatTime(req.payload.endsAt)}, and I'll remind you ${this.deps.config.grantReminderMinutes} minutes before.`
        : '';
    return `You are now a Dragon Administrator (request #${req.id}, asked by ${req.requesterName}). You can manage the Dragon admin center; assigning Dragon licenses still needs the License or User Administrator role.${ends}`;
  }

  // ---------------------------------------------------------------- execution

  async execute(req: RoleRequest, ctx: ExecutionContext): Promise<ExecutionOutcome> {
    const current = req.kind === 'role.assign' ? await this.fixTiming(req) : req;
    const todo = current.targets.filter((t) => t.status === 'waiting');
    for (const t of todo) {
      if (current.kind === 'role.assign') await this.assignOne(current, t, ctx);
      else await this.removeOne(current, t, ctx);
    }
    this.directory.invalidate();
    const fresh = (await this.deps.store.requests.get(req.id)) ?? current;
    const failed = fresh.targets.filter((t) => t.status === 'failed');
    const done = fresh.targets.filter((t) => t.status === 'done');
    const notes =
      typeof current.payload.endsAt === 'string' && done.length ? [endLine(current.payload.endsAt)] : undefined;
    if (!failed.length) return { state: 'completed', notes };
    return {
      state: 'failed',
      errorCode: failed[0].errorCode ?? 'Failed',
      errorMessage:
        (done.length ? `${joinNames(done.map((d) => d.displayName))} ${done.length === 1 ? 'is' : 'are'} done. ` : '') +
        failed.map((f) => `${f.displayName}: ${f.errorMessage ?? 'failed'}`).join(' '),
      notes,
    };
  }

  /**
   * A time-bound grant runs from when it is carried out, not from when it was asked: the end is
   * fixed once, at the first execution, and kept by a resumed one.
   */
  private async fixTiming(req: RoleRequest): Promise<RoleRequest> {
    const via = req.payload.via ?? (await this.access.viaFor(typeof req.payload.duration === 'string'));
    const changes: Record<string, unknown> = {};
    if (!req.payload.via) changes.via = via;
    if (typeof req.payload.duration === 'string' && typeof req.payload.endsAt !== 'string') {
      const ms = isoDurationMs(req.payload.duration) ?? 0;
      changes.endsAt = new Date(this.deps.clock.now().getTime() + ms).toISOString();
    }
    if (!Object.keys(changes).length) return req;
    const updated = await this.deps.store.requests.update(
      req.id,
      req.version,
      { payload: { ...req.payload, ...changes } },
      auditEntry(SYSTEM_ACTOR, 'role.timing', req.tenantId, changes),
    );
    if (!updated) throw new Error(`request #${req.id} changed while it was being carried out`);
    return sameKind(req, updated);
  }

  private async assignOne(req: RoleRequest, t: RequestTarget, ctx: ExecutionContext): Promise<void> {
    // Fixed (with the end time) by fixTiming before the first grant.
    const via = req.payload.via!;
    const endsAt = typeof req.payload.endsAt === 'string' ? req.payload.endsAt : undefined;
    const duration = typeof req.payload.duration === 'string' ? req.payload.duration : undefined;
    // The grant record and its timers exist before the role does: nothing time-bound without an end.
    const grant = endsAt
      ? await this.grants.prepare({
          requestId: req.id,
          userId: t.userId,
          displayName: t.displayName,
          requesterId: req.requesterId,
          requesterName: req.requesterName,
          via,
          groupId: await this.access.groupId(),
          justification: req.justification,
          endsAt,
        })
      : undefined;
    try {
      await this.access.grant(t.userId, via, { durationIso: duration, justification: req.justification });
    } catch (err) {
      await this.auditChange(req, t, 'graph.role.assign', via, { ok: false, error: explainTenantError(err) });
      if (isTransient(err)) throw err; // the engine resumes the request later
      if (grant) await this.grants.markNotGranted(grant);
      await ctx.progress(t.userId, 'failed', errorCode(err), explainTenantError(err));
      return;
    }
    if (grant) await this.grants.markGranted(grant);
    await this.auditChange(req, t, 'graph.role.assign', via, { ok: true, duration, endsAt });
    if (await this.access.settlesTo(t.userId, true)) await ctx.progress(t.userId, 'done');
    else
      await ctx.progress(
        t.userId,
        'failed',
        'NotVerified',
        `The change was made, but Entra did not yet show ${t.displayName} holding the Dragon Administrator role. Ask "who are the Dragon admins?" in a few minutes.`,
      );
  }

  private async removeOne(req: RoleRequest, t: RequestTarget, ctx: ExecutionContext): Promise<void> {
    try {
      await this.access.revoke(t.userId, 'all');
    } catch (err) {
      await this.auditChange(req, t, 'graph.role.remove', 'group', { ok: false, error: explainTenantError(err) });
      if (isTransient(err)) throw err;
      await ctx.progress(t.userId, 'failed', errorCode(err), explainTenantError(err));
      return;
    }
    await this.grants.supersedeAll(t.userId);
    await this.auditChange(req, t, 'graph.role.remove', (await this.access.groupId()) ? 'group' : 'direct', {
      ok: true,
    });
    if (await this.access.settlesTo(t.userId, false)) await ctx.progress(t.userId, 'done');
    else
      await ctx.progress(
        t.userId,
        'failed',
        'StillHoldsRole',
        `${t.displayName} still holds the Dragon Administrator role after the change, probably through another group Dragon Desk doesn't manage. Remove them there in the Entra admin center.`,
      );
  }

  /** the audit entry of a role change records its scope and justification. */
  private async auditChange(
    req: RoleRequest,
    t: RequestTarget,
    action: string,
    via: GrantVia,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.store.audit.append({
      ...auditEntry(SYSTEM_ACTOR, action, req.tenantId, {
        userId: t.userId,
        role: 'Dragon Administrator',
        scope: DRAGON_ADMIN_SCOPE,
        directoryScopeId: DRAGON_ADMIN_SCOPE_ID,
        via,
        groupId: await this.access.groupId(),
        justification: req.justification,
        approvedBy: req.decidedBy,
        ...detail,
      }),
      requestId: req.id,
    });
  }

  private async groupName(groupId: string): Promise<string> {
    return (await this.directory.groupName(groupId)) ?? 'Dragon Administrators';
  }
}

function endLine(endsAt: string): string {
  return `Time-bound: ends ${formatTime(endsAt)}.`;
}

function errorCode(err: unknown): string {
  return err instanceof Error && 'code' in err && typeof (err as { code: unknown }).code === 'string'
    ? (err as { code: string }).code
    : 'Error';
}
