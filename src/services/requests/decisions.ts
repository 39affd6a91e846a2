/**
 * A click on a request's card, and cancelling by text. The card is untrusted: it carries only the
 * request id and the card's version (plus typed inputs); the request is read from the store, who
 * may see it and who may decide are read fresh from the tenant, and every transition is one
 * conditional update, so exactly one click wins.
 */
import type { CardActionData, CardVerb } from '../../cards/verbs';
import type { RequestCardViewer } from '../../cards/types';
import { checkApprover } from '../../domain/policy';
import { isFinal, type DeskRequest } from '../../domain/request';
import type { RequestChanges } from '../../store/types';
import { auditEntry } from '../audit';
import type { Precheck } from '../capability';
import type { RequestAccess } from '../requestAccess';
import { text, type Actor, type ClickResult, type Reply, type ServiceDeps } from '../types';
import type { Capabilities } from './capabilities';
import type { Drafts } from './drafts';
import type { FollowUps } from './followUps';
import type { ApprovalRouting } from './routing';
import { notFound, say } from './messages';
import { afterChange, type Notifications } from './notifications';
import { viewerRole, type RequestCards } from './requestCards';

/** Renders the clicked request as it stands, optionally for another viewer role, with a note. */
type CurrentCard = (note?: string, as?: RequestCardViewer['role']) => Promise<ClickResult>;

export class Decisions {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly access: RequestAccess,
    private readonly caps: Capabilities,
    private readonly cards: RequestCards,
    private readonly drafts: Drafts,
    private readonly notifications: Notifications,
    private readonly followUps: FollowUps,
    private readonly routing: ApprovalRouting,
  ) {}

  async click(actor: Actor, verb: CardVerb, data: CardActionData): Promise<ClickResult> {
    const req = await this.deps.store.requests.get(data.requestId);
    if (!req || req.tenantId !== this.deps.config.tenantId) {
      await this.deps.store.audit.append(
        this.audit(actor, 'refused.unknown-request', { requestId: data.requestId, verb }),
      );
      return { message: notFound(data.requestId) };
    }
    // The id on a card is in the clicker's hands: someone the request is hidden from learns no more
    // than that no such request exists for them, whatever the verb or version.
    if (!(await this.access.mayView(actor.id, req))) {
      await this.deps.store.audit.append({
        ...this.audit(actor, 'refused.not-visible', { verb, cardVersion: data.version }),
        requestId: req.id,
      });
      return { message: notFound(data.requestId) };
    }
    const role = viewerRole(req, actor.id);
    const current: CurrentCard = async (note, as = role) => ({
      card: await this.cards.cardFor(req, { role: as, id: actor.id }),
      message: note,
      about: copyOf(req.id, role),
    });

    if (verb === 'request.refresh') return current();
    if (data.version !== req.version || isFinal(req.state)) {
      await this.deps.store.audit.append({
        ...this.audit(actor, 'refused.stale-card', {
          verb,
          cardVersion: data.version,
          version: req.version,
          state: req.state,
        }),
        requestId: req.id,
      });
      return current(say.staleCard(req));
    }

    switch (verb) {
      case 'request.resolve':
      case 'request.kind': {
        if (actor.id !== req.requesterId || req.state !== 'draft')
          return this.refuse(req, actor, 'refused.not-requester', say.onlyRequesterAnswers, current);
        const choice = this.caps.draftChoice(req.kind);
        return choice ? choice(req, actor, data, verb) : current();
      }
      case 'request.submit':
        return this.submit(req, actor, data, current);
      case 'request.confirm':
        return this.confirm(req, actor, data, current);
      case 'request.cancel':
        return this.cancel(req, actor, current);
      case 'request.approve':
      case 'request.reject':
        return this.decide(req, actor, verb === 'request.approve' ? 'approve' : 'reject', data, current);
      case 'request.nudge': {
        const nudged = await this.followUps.nudge(req, actor);
        if (!nudged.next) return current(nudged.note);
        return {
          card: await this.cards.cardFor(nudged.next, { role: 'requester', id: actor.id }),
          message: nudged.note,
          about: { requestId: req.id, role: 'requester' },
        };
      }
    }
  }

  /** Cancel by text ("cancel request 42"). */
  async cancelByText(actor: Actor, requestId: number): Promise<Reply[]> {
    const req = await this.deps.store.requests.get(requestId);
    if (!req || req.requesterId !== actor.id) return [text(say.notYours(requestId))];
    const result = await this.cancel(req, actor, (note) => Promise.resolve({ message: note }));
    return [text(result.message ?? say.cancelled(requestId))];
  }

  /** A refused click is audited; the person sees why, and a card without buttons they may not use. */
  private async refuse(
    req: DeskRequest,
    actor: Actor,
    code: string,
    message: string,
    current: CurrentCard,
  ): Promise<ClickResult> {
    await this.deps.store.audit.append({ ...this.audit(actor, code, { state: req.state }), requestId: req.id });
    const decisionRefused = code === 'refused.not-approver' || code === 'refused.no-longer-approver';
    return current(message, decisionRefused ? 'observer' : undefined);
  }

  private async submit(
    req: DeskRequest,
    actor: Actor,
    data: CardActionData,
    current: CurrentCard,
  ): Promise<ClickResult> {
    if (actor.id !== req.requesterId || req.state !== 'draft')
      return this.refuse(req, actor, 'refused.not-requester', say.onlyRequesterSends, current);
    const cap = this.caps.of(req);
    const justification = data.justification ?? req.justification;
    if (cap.requiresJustification(req, false) && !justification) return current(say.justificationNeeded);
    // Sending only routes the request: the approver's decision checks again (who may decide, read
    // fresh) and the execution verifies, so reads up to 30 s old will do here.
    // Who approves is read beside the checks, not after them: each is one round trip to the tenant,
    // and the away check that routing makes next is another. Asked again below for the request as
    // the checks leave it, from the cache.
    Promise.resolve(cap.approvers(req, 'cached')).catch(() => undefined);
    const check = await cap.precheck({ ...req, justification }, actor, 'cached');
    if (!check.ok) return this.drafts.abandon(req, actor, check.replies);
    const narrowed = narrowedBy(req, check);
    const routed = check.request && narrowed.targets ? check.request : req;
    const primary = await cap.approvers(routed, 'cached');
    if (primary.length === 0) return this.drafts.abandon(req, actor, [text(say.noApprover(cap.title(req)))]);
    const route = await this.routing.route(routed, primary);
    const approvers = route.approvers;
    const plan = this.followUps.plan({ escalate: !route.standIn });
    const approval = {
      ...plan.trail,
      ...(route.bypassed.length ? { bypassed: route.bypassed } : {}),
      ...(route.covering.length ? { covering: route.covering } : {}),
    };
    const payload = { ...(narrowed.payload ?? req.payload), approval };
    // Approval cards are queued with the change and sent right after it, so the click is answered
    // at once. Someone who never talked to Dragon Desk is reached by installing it for them when
    // their card is delivered (deliveries.ts); who cannot be reached is recorded then and the
    // requester told (unreached.ts). The reminder and the escalation are scheduled in the same
    // transaction.
    const cards = this.notifications.submitted({ ...req, approvers });
    const next = await this.deps.store.requests.transition(
      req.id,
      { state: 'draft', version: req.version },
      'submit',
      {
        justification,
        approvers,
        expiresAt: plan.expiresAt,
        ...narrowed,
        payload,
        ...this.notifications.with(cards),
        schedule: plan.timers(req.id),
      },
      this.audit(actor, 'request.submit', { approvers: approvers.map((a) => a.approverId), justification }),
    );
    if (!next) return this.lostRace(req.id, actor);
    this.notifications.sendSoon(cards);
    const followUps = [];
    if (route.bypassed.length || route.covering.length) followUps.push(text(say.routed(route)));
    return {
      card: await this.cards.cardFor(next, { role: 'requester', id: actor.id }),
      about: { requestId: next.id, role: 'requester' },
      followUps,
    };
  }

  private async confirm(
    req: DeskRequest,
    actor: Actor,
    data: CardActionData,
    current: CurrentCard,
  ): Promise<ClickResult> {
    if (actor.id !== req.requesterId || req.state !== 'draft')
      return this.refuse(req, actor, 'refused.not-requester', say.onlyRequesterConfirms, current);
    const cap = this.caps.of(req);
    if (!(await cap.canActDirectly(actor, req))) {
      return this.refuse(req, actor, 'refused.not-admin', say.noLongerAdmin, async (note) => {
        const updated = await this.deps.store.requests.update(
          req.id,
          req.version,
          { payload: { ...req.payload, direct: false } },
          this.audit(actor, 'request.direct-revoked'),
        );
        return {
          card: await this.cards.cardFor(updated ?? req, { role: 'requester', id: actor.id }),
          message: note,
          about: { requestId: req.id, role: 'requester' },
        };
      });
    }
    const justification = data.justification ?? req.justification;
    const check = await cap.precheck({ ...req, justification }, actor);
    if (!check.ok) return this.drafts.abandon(req, actor, check.replies);
    const next = await this.deps.store.requests.transition(
      req.id,
      { state: 'draft', version: req.version },
      'confirm',
      { justification, ...narrowedBy(req, check), ...this.decidedBy(actor) },
      this.audit(actor, 'request.confirm', { justification }),
    );
    if (!next) return this.lostRace(req.id, actor);
    this.deps.kickWorker();
    return {
      card: await this.cards.cardFor(next, { role: 'requester', id: actor.id }),
      about: { requestId: next.id, role: 'requester' },
    };
  }

  private async cancel(req: DeskRequest, actor: Actor, current: CurrentCard): Promise<ClickResult> {
    if (actor.id !== req.requesterId)
      return this.refuse(req, actor, 'refused.not-requester', say.onlyRequesterCancels, current);
    if (req.state !== 'draft' && req.state !== 'pending') return current(say.noLongerCancellable(req));
    const refresh = [this.notifications.refresh(afterChange(req, {}))];
    const next = await this.deps.store.requests.transition(
      req.id,
      { state: req.state, version: req.version },
      'cancel',
      { ...this.decidedBy(actor), decisionReason: 'Cancelled by the requester', ...this.notifications.with(refresh) },
      this.audit(actor, 'request.cancel'),
    );
    if (!next) return this.lostRace(req.id, actor);
    this.notifications.sendSoon(refresh);
    return {
      card: await this.cards.cardFor(next, { role: 'requester', id: actor.id }),
      about: { requestId: next.id, role: 'requester' },
    };
  }

  private async decide(
    req: DeskRequest,
    actor: Actor,
    decision: 'approve' | 'reject',
    data: CardActionData,
    current: CurrentCard,
  ): Promise<ClickResult> {
    if (req.state !== 'pending') return current(say.nothingToDecide(req));
    const structural = checkApprover(req, actor.id, true);
    if (!structural.ok) return this.refuse(req, actor, structural.code, structural.reason, current);
    const check = checkApprover(req, actor.id, await this.stillEntitled(req, actor));
    if (!check.ok) return this.refuse(req, actor, check.code, check.reason, current);
    const review = req.kind === 'license.recertify';
    if (decision === 'reject' && review) return current(say.reviewNotRejected);
    if (decision === 'reject' && !data.reason) return current(say.rejectReasonNeeded);
    const split = decision === 'approve' ? splitDecision(req, data, review) : { leaveOut: [] };
    if ('problem' in split) {
      if (split.problem === 'tampered')
        return this.refuse(req, actor, 'refused.tampered-card', say.strangePeople, current);
      return current(split.problem === 'nobody' ? say.approveSomeone : say.leaveOutReasonNeeded);
    }
    const leaveOut = split.leaveOut.map((t) => ({
      userId: t.userId,
      reason: `${review ? 'Not kept' : 'Not approved'} by ${actor.name}: ${data.reason ?? ''}`.trim(),
    }));
    const covering = req.payload.approval?.covering?.find((c) => c.byId === actor.id);
    const decided = {
      ...this.decidedBy(actor),
      ...(covering ? { decidedByName: `${actor.name} (on behalf of ${covering.forName})` } : {}),
      decisionReason: data.reason,
    };
    const told = this.notifications.decided(
      afterChange(req, {
        ...decided,
        state: decision === 'approve' ? 'approved' : 'rejected',
        targets: req.targets.map((t) => {
          const out = leaveOut.find((l) => l.userId === t.userId);
          return out ? { ...t, status: 'skipped' as const, errorMessage: out.reason } : t;
        }),
      }),
    );
    const next = await this.deps.store.requests.transition(
      req.id,
      { state: 'pending', version: req.version },
      decision,
      { ...decided, ...this.notifications.with(told), ...(leaveOut.length ? { leaveOut } : {}) },
      this.audit(actor, `request.${decision}`, {
        reason: data.reason,
        ...(leaveOut.length ? { leftOut: leaveOut.map((l) => l.userId) } : {}),
        ...(covering ? { onBehalfOf: covering.forId } : {}),
      }),
    );
    if (!next) return this.lostRace(req.id, actor);
    if (decision === 'approve') this.deps.kickWorker();
    // The invoke is answered now; the other copies and the messages follow in the background.
    this.notifications.sendSoon(told);
    return {
      card: await this.cards.cardFor(next, { role: 'approver', id: actor.id }),
      about: { requestId: next.id, role: 'approver' },
    };
  }

  /**
   * Whether the approver may still decide, read fresh: an owner removed a minute ago is refused. Someone
   * the request went to as a fallback administrator (escalated, standing in for approvers who are
   * away, covering for one) decides by holding that role now.
   */
  private async stillEntitled(req: DeskRequest, actor: Actor): Promise<boolean> {
    const cap = this.caps.of(req);
    if ((await cap.approvers(req)).some((a) => a.approverId === actor.id)) return true;
    return (await cap.escalationApprovers(req)).some((a) => a.approverId === actor.id);
  }

  private async lostRace(requestId: number, actor: Actor): Promise<ClickResult> {
    const now = await this.deps.store.requests.get(requestId);
    if (!now) return { message: say.gone };
    const role = viewerRole(now, actor.id);
    return {
      card: await this.cards.cardFor(now, { role, id: actor.id }),
      // A double click (or a second instance answering the same person) is not "someone else".
      message: say.lostRace(now, now.decidedBy === actor.id),
      about: copyOf(requestId, role),
    };
  }

  private decidedBy(actor: Actor) {
    return { decidedBy: actor.id, decidedByName: actor.name, decidedAt: this.deps.clock.now().toISOString() };
  }

  private audit(actor: Actor, action: string, detail?: Record<string, unknown>) {
    return auditEntry(actor, action, this.deps.config.tenantId, detail);
  }
}

/**
 * When the checks at submit or confirm drop people (licensed meanwhile, another request opened),
 * the request goes ahead for the others and the card says why the rest were left out.
 */
function narrowedBy(req: DeskRequest, check: Precheck): Pick<RequestChanges, 'targets' | 'payload'> {
  if (!check.ok || !check.skipped?.length || !check.request) return {};
  const notes = [...(req.payload.notes ?? []), ...check.skipped.map((s) => s.reason)];
  return { targets: check.request.targets, payload: { ...req.payload, notes } };
}

/**
 * Who an approver approves on a card for several people (its `approveFor` boxes): everyone when the
 * card had none. Ids the request does not hold mean the card was tampered with.
 */
function splitDecision(
  req: DeskRequest,
  data: CardActionData,
  /** A review of license holders, where keeping nobody is an answer (everyone is removed). */
  nobodyAllowed = false,
): { leaveOut: DeskRequest['targets'] } | { problem: 'tampered' | 'nobody' | 'no-reason' } {
  if (data.approveFor === undefined) return { leaveOut: [] };
  const ids = new Set(req.targets.map((t) => t.userId));
  if (data.approveFor.some((id) => !ids.has(id))) return { problem: 'tampered' };
  if (!data.approveFor.length && !nobodyAllowed) return { problem: 'nobody' };
  const leaveOut = req.targets.filter((t) => !data.approveFor!.includes(t.userId));
  if (leaveOut.length && !data.reason) return { problem: 'no-reason' };
  return { leaveOut };
}

/**
 * The card copy a click keeps, so later changes update it in place: only in the chats the request
 * is sent to (the requester's and the approvers'). Anyone else who may look sees the card in the
 * answer but is not signed up for its updates by clicking.
 */
function copyOf(requestId: number, role: RequestCardViewer['role']): ClickResult['about'] {
  return role === 'requester' || role === 'approver' ? { requestId, role } : undefined;
}
