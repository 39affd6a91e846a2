/**
 * Recertification (access reviews) of who holds a Dragon license: every RECERTIFY_EVERY_DAYS days,
 * one review per license group in use, sent to the group's owners (the License Administrators when
 * it has none) as a request of kind 'license.recertify' whose targets are the group's members. The
 * owner keeps or unticks each person on the card (the approver's `approveFor` boxes, everyone
 * ticked) and submits; the people not kept become one ordinary 'license.remove' request, approved
 * by the reviewer, which the worker carries out like any other. A review nobody answers within
 * RECERTIFY_ANSWER_DAYS expires: the License Administrators are told who was not reviewed, and only
 * with RECERTIFY_REMOVE_ON_SILENCE=true are those people removed.
 *
 * Each step is claimed once across instances: a round by an insert-if-absent record written in the
 * same transaction as its review (and the review's cards and expiry timer), the removal by another
 * such record written with the removal request, the expiry by the request's compare-and-swap.
 */
import { formatTime } from '../../cards/text';
import { LICENSE_INFO, LICENSE_KINDS, type LicenseKind } from '../../domain/catalog';
import { joinNames } from '../../domain/people';
import { answerBy, dueRound, lastRound, reminderAt, removalsOf } from '../../domain/recertification';
import type { DeskRequest, RequestTarget } from '../../domain/request';
import { recordKind, type NewRequest, type OutboxItem, type Timer } from '../../store/types';
import { readApprovers, readFallbackApprovers, type ApproverSource } from '../approvers';
import { auditEntry, SYSTEM_ACTOR, systemDecision, type AuditActor } from '../audit';
import type { Capability, ExecutionContext, ExecutionOutcome, Precheck } from '../capability';
import type { Directory, Reads } from '../directory';
import type { TimerRegistry } from '../grants';
import type { GroupsInUse } from '../groupsInUse';
import type { RequestEngine } from '../requests';
import { onPendingRequest } from '../requests/retrySwap';
import type { ServiceDeps } from '../types';

export const RECERTIFY_EXPIRE = 'recertify.expire';
export const RECERTIFY_REMOVE = 'recertify.remove';
export const RECERTIFY_REMIND = 'recertify.remind';

type Review = DeskRequest<'license.recertify'>;

/** A round of reviews of one license kind, keyed `<kind>:<round>`. */
interface RoundRecord {
  kind: LicenseKind;
  round: number;
  startedAt: string;
  /** The review sent; absent when there was nothing to review (`skipped` says why). */
  requestId?: number;
  skipped?: string;
}

/** The one removal request a review led to, keyed by the review's id. */
interface RemovalRecord {
  reviewId: number;
  removalId: number;
  why: 'review' | 'silence';
}

export const RECERTIFY_ROUNDS = recordKind<RoundRecord>('recertify-round');
const RECERTIFY_REMOVALS = recordKind<RemovalRecord>('recertify-removal');

/**
 * Holders one review card lists at most. The card has a Keep box per holder (~320 bytes each), and
 * Teams refuses a bot message over 100 KB counted in UTF-16, recommending under 80 KB (Learn,
 * "Format your bot messages"; older versions of the page said 40 KB): 100 holders make a card of
 * ~32,000 characters, ~64 KB in UTF-16. A bigger group is not reviewed in chat (its owners are told).
 */
export const MAX_REVIEW_HOLDERS = 100;

/** How often an instance looks whether a round is due (it is a read of a few records). */
const CHECK_EVERY_MS = 60_000;

/** What the worker offers: timers, and work looked at on every pass. */
export interface PassRegistry extends TimerRegistry {
  onPass(task: () => Promise<void>): void;
}

export class Recertification implements Capability<'license.recertify'> {
  readonly kinds = ['license.recertify'] as const;
  private lastCheck = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
    private readonly engine: RequestEngine,
    private readonly groups: GroupsInUse,
  ) {
    engine.register(this);
  }

  register(worker: PassRegistry): void {
    worker.onPass(() => this.startDue());
    worker.onTimer(RECERTIFY_EXPIRE, (t) => this.expire(t));
    worker.onTimer(RECERTIFY_REMOVE, (t) => this.removeSilent(t));
    worker.onTimer(RECERTIFY_REMIND, (t) => this.remind(t));
  }

  /** Starts the rounds that are due (at most one look a minute per instance). */
  async startDue(): Promise<void> {
    const every = this.deps.config.recertify.everyDays;
    if (!(every > 0)) return;
    const now = this.deps.clock.now();
    if (now.getTime() - this.lastCheck < CHECK_EVERY_MS) return;
    this.lastCheck = now.getTime();
    const rounds = (await this.deps.store.records.list(RECERTIFY_ROUNDS)).map((r) => r.value);
    for (const kind of LICENSE_KINDS) {
      const groupId = await this.groups.license(kind);
      if (!groupId) continue;
      const round = dueRound(lastRound(rounds.filter((r) => r.kind === kind)), now, every);
      if (round === undefined) continue;
      try {
        await this.start(kind, groupId, round, now);
      } catch (err) {
        // Looked at again on the next check.
        this.lastCheck = Number.NEGATIVE_INFINITY;
        this.deps.logger.error('recertification round could not start', { kind, round, err });
      }
    }
  }

  /** One round for one license kind: the review request, its cards and its expiry, claimed once. */
  private async start(kind: LicenseKind, groupId: string, round: number, now: Date): Promise<void> {
    const tenantId = this.deps.config.tenantId;
    const key = `${kind}:${round}`;
    const startedAt = now.toISOString();
    const members = await this.deps.tenant.listGroupMembers(groupId);
    const targets = members.map((m) => ({
      userId: m.id,
      displayName: m.displayName,
      userPrincipalName: m.userPrincipalName,
    }));
    const deadline = answerBy(now, this.deps.config.recertify.answerDays);
    const draft: Review = {
      id: 0,
      tenantId,
      kind: 'license.recertify',
      state: 'pending',
      version: 1,
      requesterId: SYSTEM_ACTOR.id,
      requesterName: SYSTEM_ACTOR.name,
      subject: kind,
      payload: { round, groupId, answerBy: deadline },
      targets: targets.map((t) => ({ ...t, status: 'waiting' })),
      approvers: [],
      createdAt: startedAt,
      updatedAt: startedAt,
    };
    // Routed as any request sent for approval: delegates stand in, away owners are skipped.
    const route = targets.length ? await this.engine.route(draft, await this.approvers(draft)) : undefined;
    const approvers = route?.approvers ?? [];
    if (route?.bypassed.length) draft.payload.approval = { bypassed: route.bypassed };
    if (route?.covering.length) draft.payload.approval = { ...draft.payload.approval, covering: route.covering };
    const tooMany = targets.length > MAX_REVIEW_HOLDERS;
    if (!targets.length || !approvers.length || tooMany) {
      const skipped = !targets.length
        ? 'the group has no members'
        : !approvers.length
          ? 'nobody may review the group'
          : `the group has ${targets.length} members, more than one review card can list (${MAX_REVIEW_HOLDERS})`;
      // Those who would have reviewed a group too big for a card hear why not, and where it is
      // reviewed instead. Queued before the round is claimed, one key per person: a crash in
      // between, or a second instance, queues the same messages again, and the outbox keeps one.
      if (tooMany)
        for (const a of approvers)
          await this.engine.notifications.tell(
            a.approverId,
            `${this.title(draft)}: the group has ${targets.length} members, more than one review card in Teams can list (${MAX_REVIEW_HOLDERS}), so this round is not reviewed here and nobody is removed. Review the group's members with a Microsoft Entra access review, or in the Entra admin center.`,
            `recertify-too-many:${key}:${a.approverId}`,
          );
      if (
        await this.deps.store.records.claim(RECERTIFY_ROUNDS, key, { kind, round, startedAt, skipped }, SYSTEM_ACTOR.id)
      )
        await this.deps.store.audit.append(
          auditEntry(SYSTEM_ACTOR, 'recertify.skip', tenantId, { kind, round, groupId, why: skipped }),
        );
      return;
    }
    const input: NewRequest = {
      tenantId,
      kind: 'license.recertify',
      state: 'pending',
      requesterId: SYSTEM_ACTOR.id,
      requesterName: SYSTEM_ACTOR.name,
      subject: kind,
      payload: draft.payload,
      targets,
      approvers,
    };
    let cards: OutboxItem[] = [];
    const n = this.engine.notifications;
    const created = await this.deps.store.requests.createOnce(
      {
        kind: RECERTIFY_ROUNDS,
        key,
        actorId: SYSTEM_ACTOR.id,
        value: (requestId) => ({ kind, round, startedAt, requestId }),
      },
      input,
      [
        auditEntry(SYSTEM_ACTOR, 'recertify.start', tenantId, {
          kind,
          round,
          groupId,
          holders: targets.map((t) => t.userId),
          approvers: approvers.map((a) => a.approverId),
          answerBy: deadline,
        }),
      ],
      (id) => {
        cards = n.submitted({ ...draft, id, approvers });
        return {
          ...n.with(cards),
          schedule: [
            { kind: RECERTIFY_REMIND, dueAt: reminderAt(now, deadline), requestId: id },
            { kind: RECERTIFY_EXPIRE, dueAt: deadline, requestId: id },
          ],
        };
      },
    );
    if (created) n.sendSoon(cards);
  }

  /**
   * The review's deadline passed without an answer: it expires, the License Administrators are told
   * who was not reviewed, and (only with RECERTIFY_REMOVE_ON_SILENCE) a timer in the same
   * transaction removes them.
   */
  private expire(t: Timer): Promise<void> {
    if (t.requestId === undefined) return Promise.resolve();
    const { answerDays, removeOnSilence } = this.deps.config.recertify;
    const step = async (req: Review): Promise<boolean> => {
      const admins = await this.directory.roleHolders('licenseAdministrator', 'fresh');
      const now = this.deps.clock.now().toISOString();
      const decision = systemDecision(now, `Not reviewed within ${answerDays} days`);
      const names = joinNames(req.targets.map((p) => p.displayName));
      const title = this.title(req);
      const what = removeOnSilence
        ? 'Because RECERTIFY_REMOVE_ON_SILENCE is on, their licenses are now removed through a removal request.'
        : 'Nobody was removed (RECERTIFY_REMOVE_ON_SILENCE is off): review them and remove who no longer needs the license.';
      const toAdmin = `${title} (request #${req.id}, round ${req.payload.round}) closed without an answer from ${joinNames(req.approvers.map((a) => a.displayName))}. Not reviewed: ${names}. ${what}`;
      const toOwner = `${title} (request #${req.id}) closed at its deadline without your answer. The License Administrators were told.`;
      const items: OutboxItem[] = [
        this.engine.notifications.refresh({ id: req.id, version: req.version + 1 }),
        ...admins.map((a) => textItem(a.id, toAdmin, `recertify-unreviewed:${req.id}:${a.id}`, req.id)),
        ...req.approvers
          .filter((a) => !admins.some((x) => x.id === a.approverId))
          .map((a) => textItem(a.approverId, toOwner, `recertify-closed:${req.id}:${a.approverId}`, req.id)),
      ];
      const next = await this.deps.store.requests.transition(
        req.id,
        { state: 'pending', version: req.version },
        'expire',
        {
          ...decision,
          ...this.engine.notifications.with(items),
          ...(removeOnSilence ? { schedule: [{ kind: RECERTIFY_REMOVE, dueAt: now, requestId: req.id }] } : {}),
        },
        auditEntry(SYSTEM_ACTOR, 'recertify.expire', this.deps.config.tenantId, {
          unreviewed: req.targets.map((p) => p.userId),
          told: admins.map((a) => a.id),
          removeOnSilence,
        }),
      );
      if (!next) return false;
      this.engine.notifications.sendSoon(items);
      if (removeOnSilence) this.deps.kickWorker();
      return true;
    };
    return onPendingRequest((id) => this.review(id), t.requestId, step, { attempts: 3, what: 'it expired' });
  }

  /**
   * Half-way to the deadline, the owners who have not answered get the card again with a line
   * saying when it is due: recorded in the review's trail and queued in one compare-and-swap.
   */
  private remind(t: Timer): Promise<void> {
    if (t.requestId === undefined) return Promise.resolve();
    const step = async (req: Review): Promise<boolean> => {
      if (req.payload.approval?.reminded) return true;
      const now = this.deps.clock.now().toISOString();
      const lead = `Reminder: ${this.title(req)} (request #${req.id}) is due by ${formatTime(req.payload.answerBy)}. Untick anyone who no longer needs the license, then Submit review.`;
      const items: OutboxItem[] = req.approvers.map((a) => ({
        key: `approval:${req.id}:${a.approverId}:recertify-reminder`,
        kind: 'approval-card',
        recipientId: a.approverId,
        requestId: req.id,
        payload: { lead },
      }));
      const payload = { ...req.payload, approval: { ...req.payload.approval, reminded: now } };
      const next = await this.deps.store.requests.update(
        req.id,
        req.version,
        { payload, ...this.engine.notifications.with(items) },
        auditEntry(SYSTEM_ACTOR, 'request.remind', this.deps.config.tenantId, {
          approvers: req.approvers.map((a) => a.approverId),
        }),
      );
      if (!next) return false;
      this.engine.notifications.sendSoon(items);
      return true;
    };
    return onPendingRequest((id) => this.review(id), t.requestId, step, { attempts: 3, what: 'its reminder ran' });
  }

  /** After an unanswered review, with RECERTIFY_REMOVE_ON_SILENCE: the people not reviewed are removed. */
  private async removeSilent(t: Timer): Promise<void> {
    if (t.requestId === undefined) return;
    const req = await this.review(t.requestId);
    if (req?.state !== 'expired') return;
    const people = removalsOf(req, this.deps.config.recertify.removeOnSilence);
    if (people.length) await this.removal(req, people, 'silence');
  }

  private async review(id: number): Promise<Review | undefined> {
    const req = await this.deps.store.requests.get(id);
    return req?.kind === 'license.recertify' ? req : undefined;
  }

  /**
   * The one removal request of a review, approved by the reviewer (or by Dragon Desk on silence):
   * created once however often this runs, then carried out by the worker as any removal is.
   */
  private async removal(review: Review, people: RequestTarget[], why: RemovalRecord['why']): Promise<number> {
    const key = String(review.id);
    const existing = await this.deps.store.records.get(RECERTIFY_REMOVALS, key);
    if (existing) return existing.value.removalId;
    const by: AuditActor & { name: string } =
      why === 'review' && review.decidedBy
        ? { id: review.decidedBy, name: review.decidedByName ?? review.decidedBy }
        : SYSTEM_ACTOR;
    const reason =
      why === 'review'
        ? `Not kept in the review of license holders #${review.id}${review.decisionReason ? `: ${review.decisionReason}` : ''}`
        : `Not reviewed within ${this.deps.config.recertify.answerDays} days in the review of license holders #${review.id} (RECERTIFY_REMOVE_ON_SILENCE is on)`;
    const now = this.deps.clock.now().toISOString();
    const tenantId = this.deps.config.tenantId;
    const created = await this.deps.store.requests.createOnce(
      {
        kind: RECERTIFY_REMOVALS,
        key,
        actorId: by.id,
        value: (removalId) => ({ reviewId: review.id, removalId, why }),
      },
      {
        tenantId,
        kind: 'license.remove',
        state: 'approved',
        requesterId: by.id,
        requesterName: by.name,
        subject: review.subject,
        justification: reason,
        payload: { notes: [`From the review of license holders #${review.id}.`] },
        targets: people.map((p) => ({
          userId: p.userId,
          displayName: p.displayName,
          userPrincipalName: p.userPrincipalName,
        })),
        approvers: review.approvers,
        decidedBy: by.id,
        decidedByName: by.name,
        decidedAt: now,
        decisionReason: reason,
      },
      [
        auditEntry(by, 'request.created', tenantId, {
          fromReview: review.id,
          why,
          targets: people.map((p) => p.userId),
        }),
        auditEntry(by, 'request.approve', tenantId, { fromReview: review.id, reason }),
      ],
    );
    if (created) {
      this.deps.kickWorker();
      return created.id;
    }
    const won = await this.deps.store.records.get(RECERTIFY_REMOVALS, key);
    if (!won) throw new Error(`review #${review.id}: its removal was claimed but not found`);
    return won.value.removalId;
  }

  // The capability: how a review reads, who reviews it, what submitting it does.

  title(req: Review): string {
    return `Review of ${LICENSE_INFO[req.subject as LicenseKind]?.label ?? 'Dragon Copilot'} license holders`;
  }

  cardContext(req: Review) {
    const label = LICENSE_INFO[req.subject as LicenseKind]?.label ?? 'Dragon Copilot';
    const notes =
      req.state === 'pending'
        ? [
            `Untick anyone who no longer needs the ${label} license and give a reason: they are removed through one removal request. Everyone left ticked keeps it.`,
            `Answer by ${formatTime(req.payload.answerBy)}. ${this.deps.config.recertify.removeOnSilence ? 'Without an answer, everyone listed is removed.' : 'Without an answer, the License Administrators are told; nobody is removed.'}`,
          ]
        : (req.payload.notes ?? []);
    return { subject: `${label} license`, notes };
  }

  precheck(req: Review): Precheck {
    return { ok: true, request: req };
  }

  canActDirectly(): Promise<boolean> {
    return Promise.resolve(false);
  }

  async approvers(req: Review, reads: Reads = 'fresh') {
    return readApprovers(this.source(req), req, reads);
  }

  async escalationApprovers(req: Review, reads: Reads = 'fresh') {
    return readFallbackApprovers(this.source(req), req, reads);
  }

  requiresJustification(): boolean {
    return false;
  }

  /** The review was submitted: the people kept are done; the others become one removal request. */
  async execute(req: Review, ctx: ExecutionContext): Promise<ExecutionOutcome> {
    for (const t of req.targets.filter((p) => p.status === 'waiting')) await ctx.progress(t.userId, 'done');
    const kept = req.targets.filter((p) => p.status !== 'skipped');
    const remove = removalsOf(req, false);
    const notes = [`Kept: ${kept.length ? joinNames(kept.map((p) => p.displayName)) : 'nobody'}.`];
    if (remove.length) {
      const id = await this.removal(req, remove, 'review');
      notes.push(`Removal of ${joinNames(remove.map((p) => p.displayName))}: request #${id}.`);
    }
    return { state: 'completed', notes };
  }

  completedMessage(req: Review): string {
    return `Your ${LICENSE_INFO[req.subject as LicenseKind]?.label ?? 'Dragon Copilot'} license was confirmed in review #${req.id}.`;
  }

  private source(req: Review): ApproverSource {
    const kind = req.subject as LicenseKind;
    return {
      directory: this.directory,
      grant: { of: 'license', kind },
      group: { id: req.payload.groupId, fallbackName: req.payload.groupId },
      licenseFallback: this.deps.config.approverFallback,
    };
  }
}

function textItem(personId: string, message: string, key: string, requestId: number): OutboxItem {
  return { key, kind: 'text', recipientId: personId, requestId, payload: { text: message } };
}
