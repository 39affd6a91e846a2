/**
 * Dragon Copilot licenses: asking for one (for oneself or up to 20 others), removing one, and
 * carrying the change out with group-based licensing (or direct assignLicense when a kind has no
 * group), then checking that the license really landed. Rules: design.md and Microsoft's Dragon
 * admin documentation (catalog.ts).
 */
import { chooseLicenseCard, choosePersonCard, noticeCard } from '../cards';
import type { CardActionData, CardVerb } from '../cards/verbs';
import { LICENSE_INFO, MAX_PEOPLE_PER_REQUEST, otherKind, type LicenseKind } from '../domain/catalog';
import { joinNames } from '../domain/people';
import { licenseAssignerRole } from '../domain/policy';
import { sameKind, type DeskRequest, type RequestApprover, type RequestTarget } from '../domain/request';
import { explainTenantError } from '../tenant/errors';
import { TenantError, type LicenseRoute, type TenantUser } from '../tenant/types';
import type { Capability, ExecutionContext, ExecutionOutcome, Precheck } from './capability';
import { Directory, licenseHolding, type Reads } from './directory';
import { applyPersonChoices, notFoundText, resolvePeople, targetOf } from './people';
import { readApprovers } from './approvers';
import type { GroupsInUse } from './groupsInUse';
import type { RequestEngine } from './requests';
import { card, text, type Actor, type ClickResult, type Reply, type ServiceDeps } from './types';
import { auditEntry } from './audit';
import { recordKind } from '../store/types';
import { SYSTEM_ACTOR } from './audit';

type LicenseRequest = DeskRequest<'license.assign' | 'license.remove'>;

const LICENSE_KINDS_OF_REQUEST = ['license.assign', 'license.remove'] as const;
const SEAT_ALERT_INTERVAL_MS = 60 * 60 * 1000;
/** When the license administrators were last told a kind ran out of seats (at most once an hour). */
const SEAT_ALERTS = recordKind<{ at: string }>('alerts');

export interface LicenseAsk {
  users?: string[];
  license?: LicenseKind;
  justification?: string;
}

export class LicenseService implements Capability<'license.assign' | 'license.remove'> {
  readonly kinds = LICENSE_KINDS_OF_REQUEST;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
    private readonly engine: RequestEngine,
    private readonly groups: GroupsInUse,
  ) {
    engine.register(this);
    for (const k of this.kinds)
      engine.onDraftChoice(k, (req, actor, data, verb) => this.onChoice(req, actor, data, verb));
  }

  // ---------------------------------------------------------------- asking

  /** "give Dana a Dragon nursing license" / "remove Dana's Dragon license". */
  async ask(actor: Actor, ask: LicenseAsk, kind: 'license.assign' | 'license.remove'): Promise<Reply[]> {
    // The parser leaves people out when it can't tell who is meant ("for my team"): ask, never assume "me".
    if (!ask.users?.length) {
      const what = kind === 'license.assign' ? 'get' : 'lose';
      return [
        text(
          `Who should ${what} the Dragon Copilot license? Name them, for example "give Dana Reyes a Dragon nursing license", or say "I need a Dragon nursing license" for yourself.`,
        ),
      ];
    }
    const users = ask.users;
    if (users.length > MAX_PEOPLE_PER_REQUEST) {
      return [
        text(
          `One request can cover at most ${MAX_PEOPLE_PER_REQUEST} people (the Microsoft 365 admin center's bulk limit); you named ${users.length}. Please split them into requests of ${MAX_PEOPLE_PER_REQUEST} or fewer.`,
        ),
      ];
    }
    await this.directory.warmAsker(actor.id);
    const people = await resolvePeople(this.directory, users, actor);
    if (people.notFound.length) {
      return [text(notFoundText(people.notFound, this.deps.config.mode))];
    }
    return this.engine.startDraft(actor, {
      draft: {
        kind,
        subject: ask.license ?? '',
        justification: ask.justification,
        payload: { questions: people.questions },
        targets: people.resolved.map(targetOf),
      },
      detail: { kind, written: users, license: ask.license },
      ready: !people.questions.length && !!ask.license,
      next: (req) => this.nextStep(req, actor),
    });
  }

  /** Which person / which license answers from a choice card. */
  private async onChoice(
    req: LicenseRequest,
    actor: Actor,
    data: CardActionData,
    verb: CardVerb,
  ): Promise<ClickResult> {
    let updated: LicenseRequest | undefined;
    if (verb === 'request.resolve') {
      const applied = await applyPersonChoices(this.deps.store, req, actor, data);
      if ('message' in applied) return { message: applied.message };
      updated = applied.updated;
    } else {
      if (!data.kind) return { message: 'Please choose nursing or physician.' };
      updated = sameKind(
        req,
        await this.deps.store.requests.update(
          req.id,
          req.version,
          { subject: data.kind },
          {
            actorId: actor.id,
            actorName: actor.name,
            action: 'request.kind-chosen',
            tenantId: req.tenantId,
            detail: { kind: data.kind },
          },
        ),
      );
    }
    if (!updated) return { message: 'This request changed while you were choosing; please look at the latest card.' };
    const [first, ...rest] = await this.nextStep(updated, actor);
    if (first?.kind === 'card')
      return { card: first.card, followUps: rest, about: { requestId: updated.id, role: 'requester' } };
    return { message: first?.kind === 'text' ? first.text : undefined, followUps: rest };
  }

  /** Ask what is still unknown (which person, which license), then check and show the draft card. */
  private async nextStep(req: LicenseRequest, actor: Actor): Promise<Reply[]> {
    const about = { requestId: req.id, role: 'requester' as const };
    const questions = req.payload.questions ?? [];
    if (questions.length) return [card(choosePersonCard(req, questions), about)];

    let current = req;
    if (!current.subject && current.kind === 'license.remove') {
      // "remove Dana's Dragon license": if everyone holds the same kind, that is the one.
      const inferred = await this.inferHeldKind(current.targets);
      if (inferred === 'none') {
        // Asking "which kind?" about a license nobody holds would only lead to "nothing to remove".
        await this.deps.store.requests.transition(
          current.id,
          { state: 'draft', version: current.version },
          'cancel',
          {
            decidedBy: 'dragon-desk',
            decidedByName: 'Dragon Desk',
            decidedAt: this.deps.clock.now().toISOString(),
            decisionReason: 'Nothing to remove',
          },
          auditEntry(actor, 'request.precheck-failed', current.tenantId, { reason: 'holds-no-dragon-license' }),
        );
        return [text(nothingToRemove(current.targets, actor))];
      }
      if (inferred)
        current =
          sameKind(
            current,
            await this.deps.store.requests.update(
              current.id,
              current.version,
              { subject: inferred },
              auditEntry(actor, 'request.kind-inferred', current.tenantId, { kind: inferred }),
            ),
          ) ?? current;
    }
    if (!current.subject)
      return [
        card(
          chooseLicenseCard(
            current,
            current.targets.map((t) => t.displayName),
          ),
          about,
        ),
      ];

    return this.engine.prepareDraft(current, actor);
  }

  /** The one Dragon kind all targets hold; 'none' when none of them holds any; undefined when it is mixed. */
  private async inferHeldKind(targets: RequestTarget[]): Promise<LicenseKind | 'none' | undefined> {
    const seats = await this.directory.seats(false);
    const kinds = new Set<LicenseKind>();
    let holders = 0;
    let unknown = false;
    for (const t of targets) {
      const user = await this.directory.user(t.userId);
      if (!user) {
        unknown = true;
        continue;
      }
      const held = (['nursing', 'physician'] as const).filter((k) => licenseHolding(user, seats[k].sku?.skuId).holds);
      if (held.length) holders++;
      for (const k of held) kinds.add(k);
      if (held.length > 1) unknown = true;
    }
    if (holders === 0 && !unknown) return 'none';
    return kinds.size === 1 && !unknown && holders === targets.length ? [...kinds][0] : undefined;
  }

  // ---------------------------------------------------------------- capability

  title(req: LicenseRequest): string {
    const kind = req.subject as LicenseKind;
    const label = LICENSE_INFO[kind]?.label ?? 'Dragon Copilot';
    return req.kind === 'license.remove' ? `Remove ${label} license` : `${label} license`;
  }

  async cardContext(req: LicenseRequest) {
    const kind = req.subject as LicenseKind;
    const notes = req.payload.notes ?? [];
    if (!LICENSE_INFO[kind]) return { notes };
    const subject = `${LICENSE_INFO[kind].label} license`;
    const s = (await this.directory.seats(false))[kind];
    const delta = req.kind === 'license.assign' ? req.targets.length : -req.targets.length;
    const showAfter = req.state === 'draft' && req.payload.direct === true;
    return {
      subject,
      seats: { used: s.used, total: s.total, ...(showAfter ? { after: Math.max(0, s.used + delta) } : {}) },
      notes,
    };
  }

  async canActDirectly(actor: Actor, _req?: LicenseRequest, reads: Reads = 'fresh'): Promise<boolean> {
    return licenseAssignerRole(await this.directory.rolesOf(actor.id, reads === 'fresh')) !== undefined;
  }

  requiresJustification(): boolean {
    return false;
  }

  async precheck(req: LicenseRequest, actor: Actor, reads: Reads = 'fresh'): Promise<Precheck> {
    const kind = req.subject as LicenseKind;
    const info = LICENSE_INFO[kind];
    const seats = await this.directory.seats(reads === 'fresh');
    const sku = seats[kind].sku;
    if (!sku) {
      return {
        ok: false,
        replies: [
          text(
            `Your organisation has no ${info.label} subscription (SKU ${this.deps.config.licenses[kind].skuPartNumber}) yet, so there is nothing to assign. ${info.purchase}`,
          ),
        ],
      };
    }
    const otherSku = seats[otherKind(kind)].sku?.skuId;
    // Which group carries the license decides the checks and who approves: read from the store
    // every time (a set-up on another instance may have just created it).
    const groupId = await this.groups.license(kind);
    const skipped: { name: string; reason: string }[] = [];
    const keep: RequestTarget[] = [];
    const users = await this.directory.users(
      req.targets.map((t) => t.userId),
      reads,
    );
    for (const t of req.targets) {
      const u = users.find((x) => x.id === t.userId);
      const reason = await this.targetProblem(req, t, u, sku.skuId, otherSku, groupId);
      if (reason) skipped.push({ name: t.displayName, reason });
      else keep.push(t);
    }
    if (keep.length === 0)
      return { ok: false, replies: [text(skipped.map((s) => s.reason).join(' ') + ' Nothing was requested.')] };

    if (req.kind === 'license.assign' && seats[kind].free < keep.length) {
      await this.alertAdminsNoSeats(actor, kind, seats[kind].used, seats[kind].total, keep);
      const s = seats[kind];
      return {
        ok: false,
        replies: [
          card(
            noticeCard({
              title: s.free === 0 ? `No ${info.label} seats left` : `Not enough ${info.label} seats`,
              text:
                (s.free === 0
                  ? `All ${s.total} ${info.label} licenses are in use (${s.used} of ${s.total} used), so I can't request one for ${joinNames(keep.map((k) => k.displayName))}.`
                  : `Only ${s.free} of ${s.total} ${info.label} licenses are free, and this request needs ${keep.length}.`) +
                ' I have let the license administrators know. Nothing was requested.',
              tone: 'warning',
              facts: [
                { title: 'Used', value: `${s.used} of ${s.total}` },
                { title: 'Free', value: String(s.free) },
                { title: 'How to buy more', value: info.purchase },
              ],
            }),
          ),
        ],
      };
    }
    return { ok: true, skipped, request: { ...req, targets: keep } };
  }

  /** Why this person can't be part of the request, or undefined when they can. */
  private async targetProblem(
    req: LicenseRequest,
    t: RequestTarget,
    u: TenantUser | undefined,
    skuId: string,
    otherSku: string | undefined,
    groupId: string | undefined,
  ): Promise<string | undefined> {
    const kind = req.subject as LicenseKind;
    const label = LICENSE_INFO[kind].label;
    if (!u) return `${t.displayName} no longer exists in the directory.`;
    if (u.accountEnabled === false)
      return `${u.displayName}'s account is disabled, so no license can be assigned or changed.`;
    const holding = licenseHolding(u, skuId);
    if (req.kind === 'license.assign') {
      if (holding.holds)
        return `${u.displayName} already has a ${label} license (${holding.via === 'group' ? 'through a license group' : 'assigned directly'}).`;
      if (holding.state === 'Error')
        return `${u.displayName} is already in the ${label} license group, but Microsoft could not apply the license (${holding.error ?? 'error'}${holding.error === 'CountViolation' ? ': no seat was free' : ''}). An admin needs to free a seat and reprocess, or remove them from the group.`;
      if (otherSku && licenseHolding(u, otherSku).holds)
        return `${u.displayName} already has a ${LICENSE_INFO[otherKind(kind)].label} license. A person needs only one kind of Dragon Copilot license; if ${kind} is right, ask for the ${otherKind(kind)} license to be removed first.`;
      if (!groupId && !u.usageLocation)
        return `${u.displayName} has no usage location (country) set, which Microsoft requires before a license can be assigned directly. An admin can set it on their profile in the Entra admin center.`;
    } else {
      if (!holding.holds) return `${u.displayName} doesn't have a ${label} license, so there is nothing to remove.`;
      if (holding.via === 'group' && holding.groupId !== groupId)
        return `${u.displayName} gets the ${label} license through another group (${(await this.directory.groupName(holding.groupId!)) ?? holding.groupId}) that Dragon Desk doesn't manage; remove them from that group in Entra.`;
    }
    const open = (await this.deps.store.requests.findOpenForTarget(u.id, req.kind, req.subject)).filter(
      (o) => o.id !== req.id,
    );
    if (open.length)
      return `${u.displayName} is already in request #${open[0].id} for this (${open[0].state}); say "status of request ${open[0].id}" to follow it.`;
    return undefined;
  }

  private async alertAdminsNoSeats(
    actor: Actor,
    kind: LicenseKind,
    used: number,
    total: number,
    people: RequestTarget[],
  ): Promise<void> {
    await this.deps.store.audit.append({
      actorId: actor.id,
      actorName: actor.name,
      action: 'refused.no-seats',
      tenantId: this.deps.config.tenantId,
      detail: { kind, used, total, people: people.map((p) => p.userId) },
    });
    const key = `seat-alert:${kind}`;
    const last = await this.deps.store.records.get(SEAT_ALERTS, key);
    const now = this.deps.clock.now().getTime();
    if (last && now - Date.parse(String(last.value.at)) < SEAT_ALERT_INTERVAL_MS) return;
    await this.deps.store.records.put(SEAT_ALERTS, key, { at: new Date(now).toISOString() }, SYSTEM_ACTOR.id);
    const info = LICENSE_INFO[kind];
    const admins = await this.directory.roleHolders('licenseAdministrator', false).catch(() => []);
    for (const a of admins) {
      await this.deps.messenger
        .sendToPerson(
          a.id,
          text(
            `Heads-up: ${actor.name} asked for a ${info.label} license for ${joinNames(people.map((p) => p.displayName))}, but ${used} of ${total} seats are used. ${info.purchase}`,
          ),
        )
        .catch(() => undefined);
    }
  }

  async approvers(req: LicenseRequest, reads: Reads = 'fresh'): Promise<RequestApprover[]> {
    const kind = req.subject as LicenseKind;
    if (!LICENSE_INFO[kind]) return [];
    const groupId = await this.groups.license(kind);
    const group = groupId ? { id: groupId, fallbackName: groupId } : undefined;
    return readApprovers(this.directory, req, { of: 'license', kind }, group, this.deps.config.approverFallback, reads);
  }

  completedMessage(req: LicenseRequest): string {
    const label = LICENSE_INFO[req.subject as LicenseKind]?.label ?? 'Dragon Copilot';
    return req.kind === 'license.assign'
      ? `Your ${label} license is active (request #${req.id}, asked by ${req.requesterName}). You can sign in to Dragon Copilot now.`
      : `Your ${label} license was removed (request #${req.id}, asked by ${req.requesterName}).`;
  }

  // ---------------------------------------------------------------- execution

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
        actorId: 'dragon-desk',
        action: assign ? 'graph.assign' : 'graph.remove',
        requestId: req.id,
        tenantId: req.tenantId,
        detail: { userId: w.userId, status: w.status, via: w.via },
        graphRequestId: w.requestId,
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
        actorId: 'dragon-desk',
        action: 'graph.undo-assign',
        requestId: req.id,
        tenantId: req.tenantId,
        detail: { userId, groupId },
      });
      return true;
    } catch (err) {
      await this.deps.store.audit.append({
        actorId: 'dragon-desk',
        action: 'graph.undo-assign-failed',
        requestId: req.id,
        tenantId: req.tenantId,
        detail: { userId, groupId, error: err instanceof Error ? err.message : String(err) },
        graphRequestId: err instanceof TenantError ? err.requestId : undefined,
      });
      return false;
    }
  }
}

function nothingToRemove(targets: RequestTarget[], actor: Actor): string {
  if (targets.length === 1 && targets[0].userId === actor.id)
    return "You don't have a Dragon Copilot license (nursing or physician), so there is nothing to remove. Nothing was requested.";
  const names = joinNames(targets.map((t) => t.displayName));
  return targets.length === 1
    ? `${names} doesn't have a Dragon Copilot license (nursing or physician), so there is nothing to remove. Nothing was requested.`
    : `None of ${names} has a Dragon Copilot license (nursing or physician), so there is nothing to remove. Nothing was requested.`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
