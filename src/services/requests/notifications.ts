/**
 * What people are told about a request, as outbox items: each change queues its messages and card
 * updates in the transaction that makes it (so a crash loses none), and the instance that made
 * it sends them at once (deliveries.ts). Texts are written from the request as the change leaves
 * it; cards are rendered when they are sent, from the request as it then stands.
 */
import { randomUUID } from 'node:crypto';
import type { DeskRequest } from '../../domain/request';
import type { OutboxItem, RequestChanges } from '../../store/types';
import { SYSTEM_ACTOR } from '../audit';
import type { ExecutionOutcome } from '../capability';
import type { ServiceDeps } from '../types';
import type { Capabilities } from './capabilities';
import type { Deliveries } from './deliveries';
import {
  completionNotice,
  decisionNotice,
  escalationNotice,
  expiryNotice,
  failureNotice,
  reminderLead,
} from './messages';

export class Notifications {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly caps: Capabilities,
    readonly deliveries: Deliveries,
  ) {}

  /** A message to one person, not tied to a request change (a seat alert, a reminder). */
  async tell(personId: string, message: string, key = `tell:${randomUUID()}`): Promise<void> {
    await this.deliveries.queue([textTo(personId, message, key)]);
  }

  /** The outbox part of a change, claimed by this instance so it sends them at once. */
  with(items: OutboxItem[]): Pick<RequestChanges, 'deliver'> {
    return { deliver: this.deliveries.claim(items) };
  }

  /** Send what a committed change queued. */
  sendSoon(items: OutboxItem[]): void {
    this.deliveries.sendSoon(items);
  }

  /** Every copy of the request's card, brought up to the state a change leaves it in. */
  refresh(req: Pick<DeskRequest, 'id' | 'version'>): OutboxItem {
    return { key: `refresh:${req.id}:${req.version}`, kind: 'refresh', recipientId: 'copies', requestId: req.id };
  }

  /** Sent for approval: a card to each approver, and one to the approvals channel. */
  submitted(req: DeskRequest): OutboxItem[] {
    const items = approvalCards(req, req.approvers);
    // Without an approvals channel there is nothing to post, and no reason to render its card.
    if (this.deps.config.approvalsChannel)
      items.push({ key: `channel:${req.id}`, kind: 'channel-card', recipientId: 'channel', requestId: req.id });
    return items;
  }

  /** An approver decided: every copy of the card, then the requester and the people it is for. */
  decided(req: DeskRequest): OutboxItem[] {
    // A review of license holders: its card says what was decided; the outcome follows its execution.
    if (req.kind === 'license.recertify') return [this.refresh(req)];
    const lines = decisionNotice(req, this.caps.of(req).title(req));
    return [
      this.refresh(req),
      textTo(req.requesterId, lines.requester, `decided:${req.id}:${req.requesterId}`, req.id),
      ...others(req).map((t) =>
        textTo(
          t.userId,
          t.status === 'skipped' ? lines.leftOut : lines.target,
          `decided:${req.id}:${t.userId}`,
          req.id,
        ),
      ),
    ];
  }

  /** The approval card again, with a line above it: a reminder or the requester's nudge. */
  remind(req: DeskRequest, why: 'reminder' | 'nudge', at: string): OutboxItem[] {
    const lead = reminderLead(req, this.caps.of(req).title(req), why, this.deps.config.approvalRemindAfterHours);
    return approvalCards(req, req.approvers, { event: `${why}@${at}`, lead });
  }

  /**
   * Escalated: approval cards to the approvers it adds (or a reminder to the ones it has, when there
   * is nobody to add), and the requester and the earlier approvers told.
   */
  escalated(req: DeskRequest, added: DeskRequest['approvers'], at: string): OutboxItem[] {
    const hours = this.deps.config.approvalEscalateAfterHours;
    const lines = escalationNotice(
      req,
      this.caps.of(req).title(req),
      hours,
      added.map((a) => a.displayName),
    );
    const key = (who: string) => `escalated:${req.id}:${who}`;
    const earlier = req.approvers.filter((a) => !added.some((n) => n.approverId === a.approverId));
    return [
      ...(added.length
        ? approvalCards(req, added)
        : approvalCards(req, earlier, { event: `escalation@${at}`, lead: lines.approver })),
      textTo(req.requesterId, lines.requester, key(req.requesterId), req.id),
      ...(added.length ? earlier.map((a) => textTo(a.approverId, lines.approver, key(a.approverId), req.id)) : []),
    ];
  }

  expired(req: DeskRequest): OutboxItem[] {
    const lines = expiryNotice(req, this.caps.of(req).title(req), this.deps.config.requestExpiryHours);
    return [
      this.refresh(req),
      textTo(req.requesterId, lines.requester, `expired:${req.id}:${req.requesterId}`, req.id),
      ...req.approvers.map((a) => textTo(a.approverId, lines.approver, `expired:${req.id}:${a.approverId}`, req.id)),
    ];
  }

  executed(req: DeskRequest, outcome: ExecutionOutcome): OutboxItem[] {
    const cap = this.caps.of(req);
    const title = cap.title(req);
    const key = (who: string) => `executed:${req.id}:${who}`;
    // Dragon Desk itself asked (a review, a removal after silence): nobody to tell as the requester.
    const requester = req.requesterId === SYSTEM_ACTOR.id ? (req.decidedBy ?? req.requesterId) : req.requesterId;
    if (req.state !== 'completed')
      return toPeople([this.refresh(req), textTo(requester, failureNotice(req, title), key(requester), req.id)]);
    // The people a review kept are not messaged: only the reviewer hears what it did.
    if (req.kind === 'license.recertify')
      return toPeople([
        this.refresh(req),
        textTo(requester, completionNotice(req, title, outcome.notes), key(requester), req.id),
      ]);
    return toPeople([
      this.refresh(req),
      textTo(req.requesterId, completionNotice(req, title, outcome.notes), key(req.requesterId), req.id),
      ...others(req)
        .filter((t) => t.status === 'done')
        .map((t) => textTo(t.userId, cap.completedMessage(req, t.displayName), key(t.userId), req.id)),
    ]);
  }

  /** Approval cards to approvers a request was routed on to, around one it could not reach. */
  approvalCardsTo(req: DeskRequest, approvers: DeskRequest['approvers']): OutboxItem[] {
    return approvalCards(req, approvers);
  }

  /** A message to one person about a request, queued with a change. */
  text(personId: string, message: string, key: string, requestId: number): OutboxItem {
    return textTo(personId, message, key, requestId);
  }
}

/**
 * An approval card to each of `approvers`. The first one a person gets is keyed by the request
 * alone, so sending it again (a second instance, a retry) is a no-op; a reminder is keyed by its
 * own event and carries the line shown above the card.
 */
function approvalCards(
  req: DeskRequest,
  approvers: DeskRequest['approvers'],
  again?: { event: string; lead: string },
): OutboxItem[] {
  return approvers.map((a) => ({
    key: again ? `approval:${req.id}:${a.approverId}:${again.event}` : `approval:${req.id}:${a.approverId}`,
    kind: 'approval-card',
    recipientId: a.approverId,
    requestId: req.id,
    ...(again ? { payload: { lead: again.lead } } : {}),
  }));
}

/** Messages for people: none to Dragon Desk itself. */
function toPeople(items: OutboxItem[]): OutboxItem[] {
  return items.filter((i) => i.recipientId !== SYSTEM_ACTOR.id);
}

function textTo(personId: string, message: string, key: string, requestId?: number): OutboxItem {
  return { key, kind: 'text', recipientId: personId, requestId, payload: { text: message } };
}

/** The people a request is for, other than the one who asked (who hears as the requester). */
function others(req: DeskRequest) {
  return req.targets.filter((t) => t.userId !== req.requesterId);
}

/**
 * The request as a change will leave it (the store bumps the version by one), so the texts queued
 * in the change's own transaction say what it did.
 */
export function afterChange<R extends DeskRequest>(req: R, fields: Partial<Omit<R, 'kind' | 'payload'>>): R {
  return { ...req, ...fields, version: req.version + 1 };
}
