/**
 * A request's card for each viewer, and keeping every posted copy of it up to date: a change is
 * shown in place in the requester's and approvers' chats (and the approvals channel) in the
 * background, so an invoke answer or an execution never waits on Teams.
 */
import { requestCard } from '../../cards';
import type { RequestCardViewer } from '../../cards/types';
import type { DeskRequest } from '../../domain/request';
import type { CardMessage } from '../../store/types';
import type { AdaptiveCard, ServiceDeps } from '../types';
import { errMessage, type Background } from './background';
import type { Capabilities } from './capabilities';

export class RequestCards {
  private readonly refreshing = new Map<number, { again: boolean }>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly caps: Capabilities,
    private readonly background: Background,
  ) {}

  async cardFor(req: DeskRequest, viewer: RequestCardViewer): Promise<AdaptiveCard> {
    const cap = this.caps.of(req);
    const ctx = await cap.cardContext(req);
    const approver = viewer.role === 'approver' ? req.approvers.find((a) => a.approverId === viewer.id) : undefined;
    const direct = req.payload.direct === true;
    return requestCard(req, viewer, {
      ...ctx,
      title: cap.title(req),
      direct,
      requireJustification: cap.requiresJustification(req, direct),
      approverReason: approver ? `You are ${approver.reason}.` : undefined,
    });
  }

  /**
   * Bring every posted copy of a request's card up to date, in the background. Refreshes of one
   * request are coalesced and run one at a time, each re-reading the request, so the last update
   * always shows the latest state.
   */
  refreshLater(requestId: number): void {
    const pending = this.refreshing.get(requestId);
    if (pending) {
      pending.again = true;
      return;
    }
    const entry = { again: false };
    this.refreshing.set(requestId, entry);
    this.background.run(
      (async () => {
        try {
          await this.background.quiet();
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

  /** Every posted copy of the request's card, updated now (the outbox's refresh). */
  async refreshNow(requestId: number): Promise<void> {
    const req = await this.deps.store.requests.get(requestId);
    if (req) await this.refreshCopies(req);
  }

  /** Re-render every posted copy of this request's card for its recipient. Failures are logged, not thrown. */
  private async refreshCopies(req: DeskRequest): Promise<void> {
    const copies = await this.deps.store.cards.listForRequest(req.id);
    await Promise.all(
      copies.map(async (copy) => {
        try {
          await this.deps.messenger.updateCard(
            { conversationRef: copy.conversationRef, activityId: copy.activityId },
            await this.cardFor(req, viewerFor(req, copy)),
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
}

/** How a person stands to a request, as its card shows them. */
export function viewerRole(req: DeskRequest, personId: string): RequestCardViewer['role'] {
  if (req.requesterId === personId) return 'requester';
  if (req.approvers.some((a) => a.approverId === personId)) return 'approver';
  return 'observer';
}

function viewerFor(req: DeskRequest, copy: CardMessage): RequestCardViewer {
  if (copy.role === 'approver') return { role: 'approver', id: copy.recipientId };
  if (copy.role === 'requester' || copy.role === 'progress') return { role: 'requester', id: req.requesterId };
  return { role: 'observer', id: copy.recipientId };
}
