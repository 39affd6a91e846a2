/**
 * Delivering the outbox: what a change queued (in its own transaction) is sent right after it
 * commits by the instance that made it, which queued it already claimed; whatever a crash or a
 * failed send left is claimed by the next worker pass once its claim lapses, and retried with
 * back-off. Each row is one message to one person (or one card to update), so nothing is sent
 * twice on purpose; a crash between a send and its `sent` mark can repeat that one message. An
 * approval card for someone with no chat yet installs Dragon Desk for them first (toPerson).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { OutboxDelivery, OutboxItem } from '../../store/types';
import { isTransient } from '../../tenant/errors';
import { asText } from '../../text';
import type { Reach, Unreachable } from '../reach';
import { ChatRefused, card, text, type Reply, type SentMessage, type ServiceDeps } from '../types';
import { errMessage, type Background } from './background';
import { unreachableWhy } from './messages';
import type { RequestCards } from './requestCards';

/**
 * What becomes of an approval card that could not reach its approver: recorded on the request, and
 * the request routed on (unreached.ts). Given the delivery, the approver and why, in words.
 */
export type OnUnreached = (requestId: number, approverId: string, why: string) => Promise<void>;

/** Back-off between attempts; after the last, the delivery is given up (and logged). */
const RETRY_AFTER_MS = [2_000, 10_000, 30_000, 120_000, 600_000, 1_800_000];

export class Deliveries {
  /** This instance, as the owner of the claims it takes. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** How long a claim holds (LEASE_SECONDS): a send with Teams' own retries fits well inside it. */
  readonly claimMs: number;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly cards: RequestCards,
    private readonly background: Background,
    private readonly reach: Reach,
    private readonly onUnreached: OnUnreached,
  ) {
    this.claimMs = deps.config.leaseSeconds * 1000;
  }

  /** The outbox part of a change: its items, claimed by this instance, to send right after the commit. */
  claim(items: OutboxItem[]) {
    return { items, claimedBy: this.owner, claimMs: this.claimMs };
  }

  /** Send what this instance queued (claimed) with a change that just committed, in the background. */
  sendSoon(items: OutboxItem[]): void {
    if (!items.length) return;
    this.background.run(
      (async () => {
        await this.background.quiet();
        const claimed = await this.deps.store.outbox.claimedBy(
          this.owner,
          items.map((i) => i.key),
        );
        await Promise.all(claimed.map((d) => this.deliver(d)));
      })(),
    );
  }

  /** Queue deliveries that belong to no request change (a seat alert) and send them soon. */
  async queue(items: OutboxItem[]): Promise<void> {
    await this.deps.store.outbox.enqueue(items, this.owner, this.claimMs);
    this.sendSoon(items);
  }

  /** The worker's part: deliver what is due and held by nobody. Returns how many were handled. */
  async deliverDue(limit = 20): Promise<number> {
    const due = await this.deps.store.outbox.claimDue(this.owner, this.claimMs, limit);
    await Promise.all(due.map((d) => this.deliver(d)));
    return due.length;
  }

  private async deliver(d: OutboxDelivery): Promise<void> {
    const outbox = this.deps.store.outbox;
    try {
      switch (d.kind) {
        case 'text': {
          // Only an approval card installs Dragon Desk for someone: a notice to a person who never
          // used it (a colleague a license was asked for) is not worth an app in their Teams.
          const sent = await this.deps.messenger
            .sendToPerson(d.recipientId, text(asText(d.payload?.text)))
            .catch((err: unknown) => {
              if (err instanceof ChatRefused) return 'refused' as const;
              throw err;
            });
          if (sent === 'refused') return outbox.dropped(d.id, this.owner, 'Teams refuses messages in their chat');
          if (!sent) return outbox.dropped(d.id, this.owner, 'has never talked to Dragon Desk');
          return outbox.sent(d.id, this.owner, { activityId: sent.activityId });
        }
        case 'approval-card': {
          const req = d.requestId === undefined ? undefined : await this.deps.store.requests.get(d.requestId);
          // Decided (or cancelled) meanwhile: an approval card would only offer a stale choice.
          if (req?.state !== 'pending') return outbox.dropped(d.id, this.owner, 'no longer pending');
          const approval = card(await this.cards.cardFor(req, { role: 'approver', id: d.recipientId }));
          const lead = d.payload?.lead;
          const name = req.approvers.find((a) => a.approverId === d.recipientId)?.displayName ?? '';
          const sent = await this.toPerson(
            d,
            name,
            typeof lead === 'string' && approval.kind === 'card' ? { ...approval, lead } : approval,
          );
          if ('refusal' in sent) {
            if (sent.refusal === 'send-failed')
              return outbox.dropped(d.id, this.owner, 'the send to their chat failed');
            const why = unreachableWhy(sent, name || 'this approver');
            // Dev: they see it when they open their Playground (pending approvals on arrival).
            if (sent.refusal === 'dev-chat-unknown') return outbox.dropped(d.id, this.owner, why);
            // Recorded on the request, which goes on to whoever else can decide it; the requester is told.
            await this.onUnreached(req.id, d.recipientId, why);
            return outbox.dropped(d.id, this.owner, why);
          }
          const copy = { requestId: req.id, recipientId: d.recipientId, role: 'approver' as const, ...sent };
          return outbox.sent(d.id, this.owner, { activityId: sent.activityId, copy });
        }
        case 'channel-card': {
          const req = d.requestId === undefined ? undefined : await this.deps.store.requests.get(d.requestId);
          if (!req) return outbox.dropped(d.id, this.owner, 'no such request');
          const sent = await this.deps.messenger.sendToChannel(
            card(await this.cards.cardFor(req, { role: 'observer' })),
          );
          if (!sent) return outbox.dropped(d.id, this.owner, 'no approvals channel');
          const copy = { requestId: req.id, recipientId: 'channel', role: 'channel' as const, ...sent };
          return outbox.sent(d.id, this.owner, { activityId: sent.activityId, copy });
        }
        case 'refresh': {
          if (d.requestId !== undefined) {
            await this.cards.refreshNow(d.requestId);
            await outbox.settleRefreshes(d.requestId);
          }
          return outbox.sent(d.id, this.owner);
        }
      }
    } catch (err) {
      const wait = retryAfter(d);
      const retryAt = wait === undefined ? undefined : new Date(this.deps.clock.now().getTime() + wait).toISOString();
      this.deps.logger.warn(retryAt ? 'a delivery failed; it will be retried' : 'a delivery failed for good', {
        delivery: d.key,
        attempts: d.attempts + 1,
        err: errMessage(err),
      });
      await outbox.failed(d.id, this.owner, errMessage(err), retryAt);
    }
  }

  /**
   * To an approver: through the chat they last talked in; someone Dragon Desk has no chat with yet is
   * reached by installing it for them (services/reach.ts) and sending to the chat that opens, which
   * is then stored as theirs. Here, at delivery, so that an install Graph could not do for the
   * moment is retried with the delivery's back-off and survives a crash; a refusal for good, or
   * Graph failing through the last retry, answers why they could not be reached.
   */
  private async toPerson(d: OutboxDelivery, name: string, reply: Reply): Promise<SentMessage | NotSent> {
    let known;
    try {
      known = await this.deps.messenger.sendToPerson(d.recipientId, reply);
    } catch (err) {
      // Blocked or removed by them: installing it again would go against their choice.
      if (err instanceof ChatRefused) return { refusal: 'chat-refused' };
      throw err;
    }
    if (known) return known;
    // They have a chat and the send to it failed (logged): dropped as it always was, not reinstalled.
    if (await this.deps.store.conversations.get(d.recipientId)) return { refusal: 'send-failed' };
    let reached;
    try {
      reached = await this.reach.chatWith(d.recipientId);
    } catch (err) {
      if (isTransient(err) && retryAfter(d) === undefined) return { refusal: 'unavailable' };
      throw err;
    }
    if ('refusal' in reached) return reached;
    const sent = await this.deps.messenger.sendToNewChat({ id: d.recipientId, name }, reached.chatId, reply);
    if (!('missing' in sent)) return sent;
    return sent.missing === 'service-url' ? { refusal: 'no-service-url' } : { refusal: 'dev-chat-unknown' };
  }
}

/** Why a message did not go: the person could not be reached, or the send to their chat failed. */
type NotSent = Unreachable | { refusal: 'send-failed' };

/** How long before a delivery that failed now is tried again; undefined after the last attempt. */
function retryAfter(d: OutboxDelivery): number | undefined {
  return RETRY_AFTER_MS[d.attempts];
}
