/**
 * An approval card that could not reach its approver in Teams (Teams blocks apps for them, Dragon
 * Desk is not in the app catalog, Graph refused): the approver is recorded in the request's
 * approval trail (`unreached`, shown on the card), the request waits for the approvers who can
 * still be reached, and when none is left it goes to the fallback approvers (License
 * Administrators, the role's administrators: `Capability.escalationApprovers`, read fresh). The
 * requester is told who could not be reached, why, and where the request went. One
 * compare-and-swap with its audit row and messages, like the other follow-ups, so two instances
 * or a retried delivery record it once.
 */
import { routeAroundUnreached } from '../../domain/approvalRouting';
import type { DeskRequest } from '../../domain/request';
import { auditEntry, SYSTEM_ACTOR } from '../audit';
import type { ServiceDeps } from '../types';
import type { Capabilities } from './capabilities';
import { unreachedNotice } from './messages';
import { afterChange, type Notifications } from './notifications';
import { onPendingRequest } from './retrySwap';

export class Unreached {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly caps: Capabilities,
    private readonly notifications: Notifications,
  ) {}

  record(requestId: number, approverId: string, why: string): Promise<void> {
    // Other approvers' deliveries fail at the same moment: the loser of a swap reads again.
    const requests = this.deps.store.requests;
    return onPendingRequest(
      (id) => requests.get(id),
      requestId,
      (req) => this.once(req, approverId, why),
      {
        attempts: 5,
        what: 'recording an approver it could not reach',
      },
    );
  }

  /** True when done (or nothing to do); false when another change won the swap. */
  private async once(req: DeskRequest, approverId: string, why: string): Promise<boolean> {
    const trail = req.payload.approval ?? {};
    const approver = req.approvers.find((a) => a.approverId === approverId);
    if (!approver || trail.unreached?.some((u) => u.id === approverId)) return true;
    const missed = { id: approverId, name: approver.displayName, why };
    const unreached = [...(trail.unreached ?? []), missed];
    const cap = this.caps.of(req);
    const stillReachable = req.approvers.some((a) => !unreached.some((u) => u.id === a.approverId));
    const fallback = stillReachable ? [] : await cap.escalationApprovers(req, 'fresh');
    const { approvers, added } = routeAroundUnreached(req.approvers, unreached, fallback);
    const payload = { ...req.payload, approval: { ...trail, unreached } };
    const after = { ...afterChange(req, { approvers }), payload } as DeskRequest;
    const notice = unreachedNotice(req, cap.title(req), missed, {
      added: added.map((a) => a.displayName),
      waiting: stillReachable ? approvers.map((a) => a.displayName) : [],
    });
    const items = [
      this.notifications.refresh(after),
      ...this.notifications.approvalCardsTo(after, added),
      this.notifications.text(req.requesterId, notice, `unreached:${req.id}:${approverId}`, req.id),
    ];
    const next = await this.deps.store.requests.update(
      req.id,
      req.version,
      { payload, approvers, ...this.notifications.with(items) },
      auditEntry(SYSTEM_ACTOR, 'request.unreached', this.deps.config.tenantId, {
        approver: approverId,
        why,
        approvers: approvers.map((a) => a.approverId),
        ...(added.length ? { added: added.map((a) => a.approverId) } : {}),
      }),
    );
    if (!next) return false;
    this.notifications.sendSoon(items);
    return true;
  }
}
