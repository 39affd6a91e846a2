/**
 * Delivering the outbox: what a change queued (in its own transaction) is sent right after it
 * commits by the instance that made it, which queued it already claimed; whatever a crash or a
 * failed send left is claimed by the next worker pass once its claim lapses, and retried with
 * back-off. Each row is one message to one person (or one card to update), so nothing is sent
 * twice on purpose; a crash between a send and its `sent` mark can repeat that one message.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { OutboxDelivery, OutboxItem } from '../../store/types';
import { asText } from '../../text';
import { card, text, type ServiceDeps } from '../types';
import { errMessage, type Background } from './background';
import type { RequestCards } from './requestCards';

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
          const sent = await this.deps.messenger.sendToPerson(d.recipientId, text(asText(d.payload?.text)));
          if (!sent) return outbox.dropped(d.id, this.owner, 'has never talked to Dragon Desk');
          return outbox.sent(d.id, this.owner, { activityId: sent.activityId });
        }
        case 'approval-card': {
          const req = d.requestId === undefined ? undefined : await this.deps.store.requests.get(d.requestId);
          // Decided (or cancelled) meanwhile: an approval card would only offer a stale choice.
          if (req?.state !== 'pending') return outbox.dropped(d.id, this.owner, 'no longer pending');
          const sent = await this.deps.messenger.sendToPerson(
            d.recipientId,
            card(await this.cards.cardFor(req, { role: 'approver', id: d.recipientId })),
          );
          // They see it the first time they open Dragon Desk (pending approvals on arrival).
          if (!sent) return outbox.dropped(d.id, this.owner, 'has never talked to Dragon Desk');
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
      const wait = RETRY_AFTER_MS[d.attempts];
      const retryAt = wait === undefined ? undefined : new Date(this.deps.clock.now().getTime() + wait).toISOString();
      this.deps.logger.warn(retryAt ? 'a delivery failed; it will be retried' : 'a delivery failed for good', {
        delivery: d.key,
        attempts: d.attempts + 1,
        err: errMessage(err),
      });
      await outbox.failed(d.id, this.owner, errMessage(err), retryAt);
    }
  }
}
