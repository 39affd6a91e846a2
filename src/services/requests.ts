/**
 * The request engine: every write goes draft → pending/approved → executing → completed/failed
 * here, whatever the capability. It owns card clicks (with the trust rules: the card carries only
 * request id and version; who may decide is read fresh), the fan-out of approval cards, in-place
 * updates of every copy, notifications, expiry and execution.
 */
import { requestCard } from '../cards';
import type { CardActionData, CardVerb } from '../cards/verbs';
import type { RequestCardViewer } from '../cards/types';
import { checkApprover } from '../domain/policy';
import { isFinal, type DeskRequest, type RequestEvent } from '../domain/request';
import type { AuditEntry, CardMessage, NewRequest, RequestChanges } from '../store/types';
import { explainTenantError } from '../tenant/errors';
import { TenantError } from '../tenant/types';
import type { Capability, ExecutionOutcome, Precheck } from './capability';
import type { RequestAccess } from './requestAccess';
import { joinNames } from '../domain/people';
import { card, text, type Actor, type AdaptiveCard, type ClickResult, type Reply, type ServiceDeps } from './types';

const MAX_EXECUTION_ATTEMPTS = 5;

/** Renders the clicked request as it stands, optionally for another viewer role, with a note. */
type CurrentCard = (note?: string, as?: RequestCardViewer['role']) => Promise<ClickResult>;

export class RequestEngine {
  private readonly byKind = new Map<string, Capability>();
  /** Drafts need a person's choice (which Dana, which license): the capability that continues them. */
  private draftContinuations = new Map<
    string,
    (req: DeskRequest, actor: Actor, data: CardActionData, verb: CardVerb) => Promise<ClickResult>
  >();

  private readonly refreshing = new Map<number, { again: boolean }>();
  private readonly inBackground = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly access: RequestAccess,
  ) {}

  register(cap: Capability): void {
    for (const k of cap.kinds) this.byKind.set(k, cap);
  }

  /** A capability that resolves people or kinds on its drafts handles request.resolve / request.kind. */
  onDraftChoice(
    kind: string,
    handler: (req: DeskRequest, actor: Actor, data: CardActionData, verb: CardVerb) => Promise<ClickResult>,
  ): void {
    this.draftContinuations.set(kind, handler);
  }

  capability(req: DeskRequest): Capability {
    const cap = this.byKind.get(req.kind);
    if (!cap) throw new Error(`no capability registered for ${req.kind}`);
    return cap;
  }

  private audit(
    actor: { id: string; name?: string },
    action: string,
    detail?: Record<string, unknown>,
    graphRequestId?: string,
  ): Omit<AuditEntry, 'requestId'> {
    return {
      actorId: actor.id,
      actorName: actor.name,
      action,
      tenantId: this.deps.config.tenantId,
      detail,
      graphRequestId,
    };
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  // ---------------------------------------------------------------- cards

  async cardFor(req: DeskRequest, viewer: RequestCardViewer): Promise<AdaptiveCard> {
    const cap = this.capability(req);
    const ctx = await cap.cardContext(req);
    const approver = viewer.role === 'approver' ? req.approvers.find((a) => a.approverId === viewer.id) : undefined;
    const direct = req.payload.direct === true;
    return requestCard(req, viewer, {
      ...ctx,
      title: cap.title(req),
      direct,
      requireJustification: cap.requiresJustification(req, direct),
      approverReason: approver ? `You are ${approver.reason}.` : undefined,
    }) as unknown as AdaptiveCard;
  }

  /**
   * A person's new request. When nothing is left to ask (`ready`: everyone resolved, the kind
   * known) it is checked first and stored once, checked (prepareDraft); otherwise it is stored as it
   * is and `next` asks what is missing (which Dana, which license).
   */
  async startDraft(
    actor: Actor,
    draft: Pick<NewRequest, 'kind' | 'subject' | 'justification' | 'payload' | 'targets'>,
    detail: Record<string, unknown>,
    ready: boolean,
    next: (stored: DeskRequest) => Promise<Reply[]>,
  ): Promise<Reply[]> {
    const input: NewRequest = {
      tenantId: this.deps.config.tenantId,
      state: 'draft',
      requesterId: actor.id,
      requesterName: actor.name,
      ...draft,
    };
    const audit = this.audit(actor, 'request.draft', detail);
    if (ready) return this.prepareDraft({ input, audit }, actor);
    return next(await this.deps.store.requests.create(input, audit));
  }

  /**
   * Check a draft whose people and kind are known and show its card (Confirm, or Send for approval).
   * The checks may use reads up to 30 s old, because Send checks again and Confirm checks fresh. A
   * new draft (`input`, not stored yet) that passes is stored once, already checked; a draft that
   * fails is kept as cancelled, with the reason, for the audit trail.
   */
  async prepareDraft(
    draft: DeskRequest | { input: NewRequest; audit: Omit<AuditEntry, 'requestId'> },
    actor: Actor,
  ): Promise<Reply[]> {
    const probe = 'input' in draft ? unsaved(draft.input, this.now()) : draft;
    const cap = this.capability(probe);
    const check = await cap.precheck(probe, actor, 'cached');
    if (!check.ok) {
      const req = 'input' in draft ? await this.deps.store.requests.create(draft.input, draft.audit) : draft;
      await this.deps.store.requests.transition(
        req.id,
        { state: 'draft', version: req.version },
        'cancel',
        {
          decidedBy: 'dragon-desk',
          decidedByName: 'Dragon Desk',
          decidedAt: this.now(),
          decisionReason: 'Did not pass the checks',
        },
        this.audit(actor, 'request.precheck-failed'),
      );
      return check.replies;
    }
    const direct = await cap.canActDirectly(actor, probe, 'cached');
    const notes = (check.skipped ?? []).map((s) => s.reason);
    const narrowed =
      check.request && check.request.targets.length !== probe.targets.length ? check.request.targets : undefined;
    const checked = this.audit(actor, 'request.checked', { direct, skipped: check.skipped });
    let ready: DeskRequest;
    if ('input' in draft) {
      ready = await this.deps.store.requests.create(
        {
          ...draft.input,
          targets: narrowed ?? draft.input.targets,
          payload: { ...draft.input.payload, direct, notes },
        },
        [draft.audit, checked],
      );
    } else {
      ready =
        (await this.deps.store.requests.update(
          draft.id,
          draft.version,
          { ...(narrowed ? { targets: narrowed } : {}), payload: { ...draft.payload, direct, notes } },
          checked,
        )) ?? draft;
    }
    const replies: Reply[] = [];
    if (notes.length) replies.push(text(notes.join(' ')));
    replies.push(await this.draftReply(ready));
    return replies;
  }

  /** The requester's card for a draft that is ready to confirm or send. */
  async draftReply(req: DeskRequest): Promise<Reply> {
    return card(await this.cardFor(req, { role: 'requester', id: req.requesterId }), {
      requestId: req.id,
      role: 'requester',
    });
  }

  /**
   * Bring every posted copy of a request's card up to date, in the background: an invoke answer or
   * an execution never waits on Teams. Refreshes of one request are coalesced and run one at a
   * time, each re-reading the request, so the last update always shows the latest state.
   */
  refreshLater(requestId: number): void {
    const pending = this.refreshing.get(requestId);
    if (pending) {
      pending.again = true;
      return;
    }
    const entry = { again: false };
    this.refreshing.set(requestId, entry);
    this.background(
      (async () => {
        try {
          await this.deps.yieldToTurns?.();
          do {
            entry.again = false;
            const req = await this.deps.store.requests.get(requestId);
            if (req) await this.refreshCopies(req);
          } while (entry.again);
        } finally {
          this.refreshing.delete(requestId);
        }
      })(),
    );
  }

  /** Track work that outlives a turn (card updates, notifications) so shutdown and tests can wait for it. */
  private background(work: Promise<unknown>): void {
    const tracked = work
      .catch((err) => this.deps.logger.error('background work failed', { err: errMessage(err) }))
      .finally(() => this.inBackground.delete(tracked));
    this.inBackground.add(tracked);
  }

  /** Resolves when no background work is left. */
  async idle(): Promise<void> {
    while (this.inBackground.size) await Promise.all([...this.inBackground]);
  }

  /** Re-render every posted copy of this request's card for its recipient. Failures are logged, not thrown. */
  private async refreshCopies(req: DeskRequest): Promise<void> {
    const copies = await this.deps.store.cards.listForRequest(req.id);
    await Promise.all(
      copies.map(async (copy) => {
        try {
          const viewer = viewerFor(req, copy);
          await this.deps.messenger.updateCard(
            { conversationRef: copy.conversationRef, activityId: copy.activityId },
            await this.cardFor(req, viewer),
          );
        } catch (err) {
          this.deps.logger.warn('could not update a card copy', {
            requestId: req.id,
            recipient: copy.recipientId,
            err: errMessage(err),
          });
        }
      }),
    );
  }

  // ---------------------------------------------------------------- clicks

  /**
   * One card click. `data` is untrusted: only requestId and version (plus typed inputs) are used;
   * everything else comes from the store, and who may act is read fresh from the tenant.
   */
  async click(actor: Actor, verb: CardVerb, data: CardActionData): Promise<ClickResult> {
    const req = await this.deps.store.requests.get(data.requestId);
    if (!req || req.tenantId !== this.deps.config.tenantId) {
      await this.deps.store.audit.append({
        ...this.audit(actor, 'refused.unknown-request', { requestId: data.requestId, verb }),
      });
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
    const viewerRole = roleOf(req, actor.id);
    const about = copyOf(req.id, viewerRole);
    const current = async (note?: string, as: RequestCardViewer['role'] = viewerRole): Promise<ClickResult> => ({
      card: await this.cardFor(req, { role: as, id: actor.id }),
      message: note,
      about,
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
      return current(
        `This card was out of date: request #${req.id} is now ${stateWords(req)}. Here is where it stands.`,
      );
    }

    switch (verb) {
      case 'request.resolve':
      case 'request.kind': {
        if (actor.id !== req.requesterId || req.state !== 'draft')
          return this.refuse(
            req,
            actor,
            'refused.not-requester',
            'Only the person who asked can answer this question.',
            current,
          );
        const cont = this.draftContinuations.get(req.kind);
        if (!cont) return current();
        return cont(req, actor, data, verb);
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
      default:
        return current();
    }
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
      return this.refuse(
        req,
        actor,
        'refused.not-requester',
        'Only the person who asked can send this request.',
        current,
      );
    const cap = this.capability(req);
    const justification = data.justification ?? req.justification;
    if (cap.requiresJustification(req, false) && !justification)
      return current('Please add a justification: approvers need to know why.');
    // Sending only routes the request: the approver's decision checks again (who may decide, read
    // fresh) and the execution verifies, so reads up to 30 s old will do here.
    const check = await cap.precheck({ ...req, justification }, actor, 'cached');
    if (!check.ok) return this.abandonDraft(req, actor, check.replies);
    const narrowed = narrowedBy(req, check);
    const approvers = await cap.approvers(
      check.ok && check.request && narrowed.targets ? check.request : req,
      'cached',
    );
    if (approvers.length === 0) {
      return this.abandonDraft(req, actor, [
        text(
          `Nobody can approve this right now: ${cap.title(req)} has no enabled owner to route it to, and no fallback approver is available. Please ask your IT team to name an owner.`,
        ),
      ]);
    }
    const expiresAt = new Date(
      this.deps.clock.now().getTime() + this.deps.config.requestExpiryHours * 3600_000,
    ).toISOString();
    const next = await this.deps.store.requests.transition(
      req.id,
      { state: 'draft', version: req.version },
      'submit',
      { justification, approvers, expiresAt, ...narrowed },
      this.audit(actor, 'request.submit', { approvers: approvers.map((a) => a.approverId), justification }),
    );
    if (!next) return this.lostRace(req.id, actor);
    // Approval cards go out in the background so the click is answered at once; who can't be
    // reached (never talked to Dragon Desk) is known from the store without waiting for Teams.
    this.background(this.fanOut(next));
    const known = await Promise.all(next.approvers.map((a) => this.deps.store.conversations.get(a.approverId)));
    const missing = next.approvers.filter((_, i) => !known[i]).map((a) => a.displayName);
    const followUps: Reply[] = [];
    if (missing.length) {
      followUps.push(
        text(
          `${joinNames(missing)} ${missing.length === 1 ? "hasn't" : "haven't"} used Dragon Desk yet, so I can't message them directly. They will see your request the first time they open Dragon Desk in Teams; you may want to let them know.`,
        ),
      );
    }
    return {
      card: await this.cardFor(next, { role: 'requester', id: actor.id }),
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
      return this.refuse(req, actor, 'refused.not-requester', 'Only the person who asked can confirm this.', current);
    const cap = this.capability(req);
    if (!(await cap.canActDirectly(actor, req))) {
      return this.refuse(
        req,
        actor,
        'refused.not-admin',
        'You no longer hold an admin role that allows this change directly. Send it for approval instead.',
        async (note) => {
          const updated = await this.deps.store.requests.update(
            req.id,
            req.version,
            { payload: { ...req.payload, direct: false } },
            this.audit(actor, 'request.direct-revoked'),
          );
          return {
            card: await this.cardFor(updated ?? req, { role: 'requester', id: actor.id }),
            message: note,
            about: { requestId: req.id, role: 'requester' },
          };
        },
      );
    }
    const justification = data.justification ?? req.justification;
    const check = await cap.precheck({ ...req, justification }, actor);
    if (!check.ok) return this.abandonDraft(req, actor, check.replies);
    const next = await this.deps.store.requests.transition(
      req.id,
      { state: 'draft', version: req.version },
      'confirm',
      {
        justification,
        ...narrowedBy(req, check),
        decidedBy: actor.id,
        decidedByName: actor.name,
        decidedAt: this.now(),
      },
      this.audit(actor, 'request.confirm', { justification }),
    );
    if (!next) return this.lostRace(req.id, actor);
    this.deps.kickWorker();
    return {
      card: await this.cardFor(next, { role: 'requester', id: actor.id }),
      about: { requestId: next.id, role: 'requester' },
    };
  }

  private async cancel(req: DeskRequest, actor: Actor, current: CurrentCard): Promise<ClickResult> {
    if (actor.id !== req.requesterId)
      return this.refuse(
        req,
        actor,
        'refused.not-requester',
        'Only the person who asked can cancel this request.',
        current,
      );
    if (req.state !== 'draft' && req.state !== 'pending')
      return current(`Request #${req.id} is ${stateWords(req)} and can no longer be cancelled.`);
    const next = await this.deps.store.requests.transition(
      req.id,
      { state: req.state, version: req.version },
      'cancel',
      {
        decidedBy: actor.id,
        decidedByName: actor.name,
        decidedAt: this.now(),
        decisionReason: 'Cancelled by the requester',
      },
      this.audit(actor, 'request.cancel'),
    );
    if (!next) return this.lostRace(req.id, actor);
    this.refreshLater(next.id);
    return {
      card: await this.cardFor(next, { role: 'requester', id: actor.id }),
      about: { requestId: next.id, role: 'requester' },
    };
  }

  /** Cancel by text ("cancel request 42"). */
  async cancelByText(actor: Actor, requestId: number): Promise<Reply[]> {
    const req = await this.deps.store.requests.get(requestId);
    if (!req || req.requesterId !== actor.id)
      return [text(`I can't find a request #${requestId} of yours. Say "my requests" to see them.`)];
    const result = await this.cancel(req, actor, async (note) => ({ message: note }));
    const replies: Reply[] = [];
    if (result.message) replies.push(text(result.message));
    else replies.push(text(`Cancelled request #${requestId}.`));
    return replies;
  }

  private async decide(
    req: DeskRequest,
    actor: Actor,
    decision: 'approve' | 'reject',
    data: CardActionData,
    current: CurrentCard,
  ): Promise<ClickResult> {
    if (req.state !== 'pending')
      return current(`Request #${req.id} is ${stateWords(req)}; there is nothing to decide.`);
    const cap = this.capability(req);
    const structural = checkApprover(req, actor.id, true);
    if (!structural.ok) return this.refuse(req, actor, structural.code, structural.reason, current);
    const entitled = (await cap.approvers(req)).some((a) => a.approverId === actor.id);
    const check = checkApprover(req, actor.id, entitled);
    if (!check.ok) return this.refuse(req, actor, check.code, check.reason, current);
    if (decision === 'reject' && !data.reason)
      return current('Please give a reason to reject: the requester will see it.');

    const next = await this.deps.store.requests.transition(
      req.id,
      { state: 'pending', version: req.version },
      decision,
      { decidedBy: actor.id, decidedByName: actor.name, decidedAt: this.now(), decisionReason: data.reason },
      this.audit(actor, `request.${decision}`, { reason: data.reason }),
    );
    if (!next) return this.lostRace(req.id, actor);
    if (decision === 'approve') this.deps.kickWorker();
    // The invoke is answered now; the other copies and the messages follow in the background.
    this.background(this.afterDecision(next));
    return {
      card: await this.cardFor(next, { role: 'approver', id: actor.id }),
      about: { requestId: next.id, role: 'approver' },
    };
  }

  private async afterDecision(req: DeskRequest): Promise<void> {
    await this.deps.yieldToTurns?.();
    this.refreshLater(req.id);
    const cap = this.capability(req);
    const who = req.decidedByName ?? 'An approver';
    const what = `${cap.title(req)} for ${joinNames(req.targets.map((t) => t.displayName))}`;
    const lines =
      req.state === 'approved'
        ? {
            requester: `${who} approved your request #${req.id}: ${what}. I'm making the change now and will tell you when it has landed.`,
            target: `${who} approved a ${cap.title(req)} for you (request #${req.id}, asked by ${req.requesterName}). I'll tell you when it is active.`,
          }
        : {
            requester: `${who} rejected your request #${req.id} (${what}). Reason: ${req.decisionReason ?? 'none given'}.`,
            target: `${who} rejected request #${req.id} from ${req.requesterName} for a ${cap.title(req)} for you. Reason: ${req.decisionReason ?? 'none given'}.`,
          };
    await this.tell(req.requesterId, lines.requester);
    for (const t of req.targets) if (t.userId !== req.requesterId) await this.tell(t.userId, lines.target);
  }

  private async tell(personId: string, message: string): Promise<void> {
    try {
      await this.deps.messenger.sendToPerson(personId, text(message));
    } catch (err) {
      this.deps.logger.warn('could not message a person', { personId, err: errMessage(err) });
    }
  }

  private async lostRace(requestId: number, actor: Actor): Promise<ClickResult> {
    const now = await this.deps.store.requests.get(requestId);
    if (!now) return { message: 'That request no longer exists.' };
    const role = roleOf(now, actor.id);
    return {
      card: await this.cardFor(now, { role, id: actor.id }),
      // A double click (or a second instance answering the same person) is not "someone else".
      message:
        now.decidedBy === actor.id
          ? `You already acted on request #${requestId}: it is now ${stateWords(now)}.`
          : `Someone else acted on request #${requestId} first: it is now ${stateWords(now)}.`,
      about: copyOf(requestId, role),
    };
  }

  /** A draft that can't go ahead (no seats, already licensed…) is cancelled so nothing is left half-open. */
  private async abandonDraft(req: DeskRequest, actor: Actor, replies: Reply[]): Promise<ClickResult> {
    const reason =
      replies.find((r): r is { kind: 'text'; text: string } => r.kind === 'text')?.text ??
      'The request can no longer go ahead.';
    const next = await this.deps.store.requests.transition(
      req.id,
      { state: 'draft', version: req.version },
      'cancel',
      { decisionReason: reason, decidedAt: this.now(), decidedBy: 'dragon-desk', decidedByName: 'Dragon Desk' },
      this.audit(actor, 'request.precheck-failed', { reason }),
    );
    const shown = next ?? req;
    return {
      card: await this.cardFor(shown, { role: 'requester', id: actor.id }),
      followUps: replies,
      about: { requestId: req.id, role: 'requester' },
    };
  }

  /** Send the approval card to every approver (1:1 chat) and the approvals channel. Returns who was reached. */
  private async fanOut(req: DeskRequest): Promise<Set<string>> {
    await this.deps.yieldToTurns?.();
    const reached = new Set<string>();
    await Promise.all(
      req.approvers.map(async (a) => {
        try {
          const sent = await this.deps.messenger.sendToPerson(
            a.approverId,
            card(await this.cardFor(req, { role: 'approver', id: a.approverId })),
          );
          if (!sent) return;
          reached.add(a.approverId);
          await this.deps.store.cards.record({
            requestId: req.id,
            recipientId: a.approverId,
            role: 'approver',
            conversationRef: sent.conversationRef,
            activityId: sent.activityId,
          });
        } catch (err) {
          this.deps.logger.warn('could not send an approval card', {
            requestId: req.id,
            approver: a.approverId,
            err: errMessage(err),
          });
        }
      }),
    );
    // Without an approvals channel there is nothing to post, and no reason to render its card.
    if (!this.deps.config.approvalsChannel) return reached;
    try {
      const sent = await this.deps.messenger.sendToChannel(card(await this.cardFor(req, { role: 'observer' })));
      if (sent)
        await this.deps.store.cards.record({
          requestId: req.id,
          recipientId: 'channel',
          role: 'channel',
          conversationRef: sent.conversationRef,
          activityId: sent.activityId,
        });
    } catch (err) {
      this.deps.logger.warn('could not post to the approvals channel', { requestId: req.id, err: errMessage(err) });
    }
    return reached;
  }

  /** Pending approvals for a person who just talked to Dragon Desk (e.g. for the first time). */
  async pendingFor(approverId: string, limit = 10): Promise<DeskRequest[]> {
    return this.deps.store.requests.listPendingForApprover(approverId, limit);
  }

  // ---------------------------------------------------------------- background work

  /** Expire pending requests past their deadline; tell requester and approvers; update cards. */
  async expireDue(): Promise<number> {
    const due = await this.deps.store.requests.listExpired(this.now(), 50);
    let n = 0;
    for (const req of due) {
      const next = await this.deps.store.requests.transition(
        req.id,
        { state: req.state, version: req.version },
        'expire',
        {
          decidedBy: 'dragon-desk',
          decidedByName: 'Dragon Desk',
          decidedAt: this.now(),
          decisionReason: `No decision within ${this.deps.config.requestExpiryHours} hours`,
        },
        this.audit({ id: 'dragon-desk', name: 'Dragon Desk' }, 'request.expire'),
      );
      if (!next) continue;
      n++;
      this.refreshLater(next.id);
      const title = this.capability(next).title(next);
      await this.tell(
        next.requesterId,
        `Your request #${next.id} (${title}) expired: nobody decided within ${this.deps.config.requestExpiryHours} hours. Ask again if it is still needed.`,
      );
      for (const a of next.approvers)
        await this.tell(
          a.approverId,
          `Request #${next.id} from ${next.requesterName} (${title}) expired without a decision.`,
        );
    }
    return n;
  }

  /** Carry out one approved (or abandoned executing) request; exactly one worker wins the claim. */
  async execute(req: DeskRequest): Promise<void> {
    const event: RequestEvent = req.state === 'approved' ? 'start' : 'resume';
    const attempts = Number(req.payload.attempts ?? 0) + 1;
    const claimed = await this.deps.store.requests.transition(
      req.id,
      { state: req.state, version: req.version },
      event,
      { payload: { ...req.payload, attempts } },
      this.audit(
        { id: 'dragon-desk', name: 'Dragon Desk' },
        event === 'start' ? 'execution.start' : 'execution.resume',
        { attempts },
      ),
    );
    if (!claimed) return;
    const cap = this.capability(claimed);
    let outcome: ExecutionOutcome;
    try {
      this.refreshLater(claimed.id);
      outcome = await cap.execute(claimed, {
        progress: async (userId, status, errorCode, errorMessage) => {
          await this.deps.store.requests.setTargetStatus(claimed.id, userId, status, errorCode, errorMessage);
          this.refreshLater(claimed.id);
        },
      });
    } catch (err) {
      const transient = err instanceof TenantError && (err.status === 429 || err.status >= 500);
      await this.deps.store.audit.append({
        ...this.audit(
          { id: 'dragon-desk', name: 'Dragon Desk' },
          'execution.error',
          { attempts, transient, error: errMessage(err), code: err instanceof TenantError ? err.code : undefined },
          err instanceof TenantError ? err.requestId : undefined,
        ),
        requestId: claimed.id,
      });
      // A transient failure leaves the request executing; the worker resumes it later (idempotent).
      if (transient && attempts < MAX_EXECUTION_ATTEMPTS) return;
      outcome = {
        state: 'failed',
        errorCode: err instanceof TenantError ? err.code : 'InternalError',
        errorMessage:
          err instanceof TenantError
            ? explainTenantError(err)
            : 'Something went wrong while making the change; nothing further was changed. An administrator can see the details in the audit log.',
      };
      if (!(err instanceof TenantError)) this.deps.logger.error('execution failed', { requestId: claimed.id, err });
    }
    const latest = (await this.deps.store.requests.get(claimed.id)) ?? claimed;
    const changes: RequestChanges = {
      errorCode: outcome.errorCode ?? null,
      errorMessage: outcome.errorMessage ?? null,
    };
    if (outcome.notes?.length) changes.payload = { ...latest.payload, notes: outcome.notes };
    const done = await this.deps.store.requests.transition(
      latest.id,
      { state: 'executing', version: latest.version },
      outcome.state === 'completed' ? 'complete' : 'fail',
      changes,
      this.audit(
        { id: 'dragon-desk', name: 'Dragon Desk' },
        outcome.state === 'completed' ? 'execution.completed' : 'execution.failed',
        { errorCode: outcome.errorCode, errorMessage: outcome.errorMessage },
      ),
    );
    if (!done) return;
    this.refreshLater(done.id);
    const title = cap.title(done);
    if (done.state === 'completed') {
      const names = joinNames(done.targets.filter((t) => t.status === 'done').map((t) => t.displayName));
      await this.tell(
        done.requesterId,
        `Done: request #${done.id} is complete — ${title}${names ? ` for ${names}` : ''}.${outcome.notes?.length ? ' ' + outcome.notes.join(' ') : ''}`,
      );
      for (const t of done.targets)
        if (t.userId !== done.requesterId && t.status === 'done')
          await this.tell(t.userId, cap.completedMessage(done, t.displayName));
    } else {
      await this.tell(
        done.requesterId,
        `Request #${done.id} (${title}) could not be completed. ${done.errorMessage ?? ''}`.trim(),
      );
    }
  }
}

/** A draft as the checks see it before it is stored (id 0 matches no stored request). */
function unsaved(input: NewRequest, now: string): DeskRequest {
  const req: DeskRequest = {
    id: 0,
    tenantId: input.tenantId,
    kind: input.kind,
    state: 'draft',
    version: 0,
    requesterId: input.requesterId,
    requesterName: input.requesterName,
    subject: input.subject,
    payload: input.payload ?? {},
    // As the store keeps them: a person named twice is one target.
    targets: input.targets
      .filter((t, i, all) => all.findIndex((o) => o.userId === t.userId) === i)
      .map((t) => ({ ...t, status: 'waiting' })),
    approvers: input.approvers ?? [],
    createdAt: now,
    updatedAt: now,
  };
  if (input.justification !== undefined) req.justification = input.justification;
  return req;
}

/**
 * When the checks at submit or confirm drop people (licensed meanwhile, another request opened),
 * the request goes ahead for the others and the card says why the rest were left out.
 */
function narrowedBy(req: DeskRequest, check: Precheck): Pick<RequestChanges, 'targets' | 'payload'> {
  if (!check.ok || !check.skipped?.length || !check.request) return {};
  const notes = [...((req.payload.notes as string[] | undefined) ?? []), ...check.skipped.map((s) => s.reason)];
  return { targets: check.request.targets, payload: { ...req.payload, notes } };
}

/**
 * The card copy a click keeps, so later changes update it in place: only in the chats the request
 * is sent to (the requester's and the approvers'). Anyone else who may look sees the card in the
 * answer but is not signed up for its updates by clicking.
 */
function copyOf(requestId: number, role: RequestCardViewer['role']): ClickResult['about'] {
  return role === 'requester' || role === 'approver' ? { requestId, role } : undefined;
}

/** The same answer whether a request does not exist or is hidden from the asker. */
export function notFound(requestId: number): string {
  return `I can't find a request #${requestId} that you are part of. Say "my requests" to see yours.`;
}

function roleOf(req: DeskRequest, personId: string): RequestCardViewer['role'] {
  if (req.requesterId === personId) return 'requester';
  if (req.approvers.some((a) => a.approverId === personId)) return 'approver';
  return 'observer';
}

function viewerFor(req: DeskRequest, copy: CardMessage): RequestCardViewer {
  if (copy.role === 'approver') return { role: 'approver', id: copy.recipientId };
  if (copy.role === 'requester' || copy.role === 'progress') return { role: 'requester', id: req.requesterId };
  return { role: 'observer', id: copy.recipientId };
}

export function stateWords(req: DeskRequest): string {
  switch (req.state) {
    case 'draft':
      return 'not sent yet';
    case 'pending':
      return 'waiting for approval';
    case 'approved':
      return `approved by ${req.decidedByName ?? 'an approver'}`;
    case 'executing':
      return 'being carried out';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'rejected':
      return `rejected by ${req.decidedByName ?? 'an approver'}`;
    case 'cancelled':
      return 'cancelled';
    case 'expired':
      return 'expired';
  }
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
