/**
 * Telling people what happened to a request, and sending approvers their cards. Every message to a
 * person goes through `tell` (text) or `sendCard`; a failure to reach someone is logged and never
 * undoes the change it reports.
 */
import type { DeskRequest } from '../../domain/request';
import type { ExecutionOutcome } from '../capability';
import { card, text, type ServiceDeps } from '../types';
import { errMessage, type Background } from './background';
import type { Capabilities } from './capabilities';
import { completionNotice, decisionNotice, expiryNotice, failureNotice } from './messages';
import type { RequestCards } from './requestCards';

export class Notifications {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly caps: Capabilities,
    private readonly cards: RequestCards,
    private readonly background: Background,
  ) {}

  async tell(personId: string, message: string): Promise<void> {
    try {
      await this.deps.messenger.sendToPerson(personId, text(message));
    } catch (err) {
      this.deps.logger.warn('could not message a person', { personId, err: errMessage(err) });
    }
  }

  /** An approver decided: every copy of the card, then the requester and the people it is for. */
  async decided(req: DeskRequest): Promise<void> {
    await this.background.quiet();
    this.cards.refreshLater(req.id);
    const lines = decisionNotice(req, this.caps.of(req).title(req));
    await this.tell(req.requesterId, lines.requester);
    for (const t of req.targets) if (t.userId !== req.requesterId) await this.tell(t.userId, lines.target);
  }

  async expired(req: DeskRequest): Promise<void> {
    this.cards.refreshLater(req.id);
    const lines = expiryNotice(req, this.caps.of(req).title(req), this.deps.config.requestExpiryHours);
    await this.tell(req.requesterId, lines.requester);
    for (const a of req.approvers) await this.tell(a.approverId, lines.approver);
  }

  async executed(req: DeskRequest, outcome: ExecutionOutcome): Promise<void> {
    this.cards.refreshLater(req.id);
    const cap = this.caps.of(req);
    const title = cap.title(req);
    if (req.state !== 'completed') return this.tell(req.requesterId, failureNotice(req, title));
    await this.tell(req.requesterId, completionNotice(req, title, outcome.notes));
    for (const t of req.targets)
      if (t.userId !== req.requesterId && t.status === 'done')
        await this.tell(t.userId, cap.completedMessage(req, t.displayName));
  }

  /** Who of the approvers has never talked to Dragon Desk, so no card can reach them yet. */
  async unreachable(req: DeskRequest): Promise<string[]> {
    const known = await Promise.all(req.approvers.map((a) => this.deps.store.conversations.get(a.approverId)));
    return req.approvers.filter((_, i) => !known[i]).map((a) => a.displayName);
  }

  /** Send the approval card to every approver (1:1 chat) and the approvals channel. Returns who was reached. */
  async sendApprovalCards(req: DeskRequest): Promise<Set<string>> {
    await this.background.quiet();
    const reached = new Set<string>();
    await Promise.all(
      req.approvers.map(async (a) => {
        try {
          const sent = await this.deps.messenger.sendToPerson(
            a.approverId,
            card(await this.cards.cardFor(req, { role: 'approver', id: a.approverId })),
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
      const sent = await this.deps.messenger.sendToChannel(card(await this.cards.cardFor(req, { role: 'observer' })));
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
}
