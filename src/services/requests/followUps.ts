/**
 * Keeping a request that waits for approval moving: a reminder to its approvers, then escalation
 * to the fallback approvers, and the requester's Nudge (once a day). Each step is one
 * compare-and-swap on the request that records it in the request's approval trail and queues its
 * messages in the same transaction, so it happens once however many instances run it, and a
 * worker that dies half-way leaves the timer to be run again, which then finds the step recorded.
 */
import { escalationAdds, followUpPlan, nextNudge } from '../../domain/approvalRouting';
import type { ApprovalTrail } from '../../domain/payloads';
import type { DeskRequest } from '../../domain/request';
import { formatTime } from '../../cards/text';
import type { NewTimer, OutboxItem, Timer } from '../../store/types';
import { auditEntry, SYSTEM_ACTOR } from '../audit';
import type { TimerRegistry } from '../grants';
import type { Actor, ServiceDeps } from '../types';
import type { Capabilities } from './capabilities';
import { say } from './messages';
import { onPendingRequest } from './retrySwap';
import { afterChange, type Notifications } from './notifications';

export const APPROVAL_REMIND = 'approval.remind';
export const APPROVAL_ESCALATE = 'approval.escalate';

/** What sending a request for approval sets and schedules. */
export interface SendPlan {
  expiresAt: string;
  trail: Pick<ApprovalTrail, 'remindAt' | 'escalateAt'>;
  timers: (requestId: number) => NewTimer[];
}

export class FollowUps {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly caps: Capabilities,
    private readonly notifications: Notifications,
  ) {}

  register(worker: TimerRegistry): void {
    worker.onTimer(APPROVAL_REMIND, (t) => this.remind(t));
    worker.onTimer(APPROVAL_ESCALATE, (t) => this.escalate(t));
  }

  /**
   * When a request sent now is reminded, escalated and expired, and the timers that do it. No
   * escalation when the fallback approvers have it already (`escalate: false`).
   */
  plan(o: { escalate: boolean }): SendPlan {
    const c = this.deps.config;
    const p = followUpPlan(this.deps.clock.now(), {
      remind: c.approvalRemindAfterHours,
      escalate: o.escalate ? c.approvalEscalateAfterHours : 0,
      expire: c.requestExpiryHours,
    });
    const trail: SendPlan['trail'] = {};
    if (p.remindAt) trail.remindAt = p.remindAt;
    if (p.escalateAt) trail.escalateAt = p.escalateAt;
    return {
      expiresAt: p.expiresAt,
      trail,
      timers: (requestId) => [
        ...(p.remindAt ? [{ kind: APPROVAL_REMIND, dueAt: p.remindAt, requestId }] : []),
        ...(p.escalateAt ? [{ kind: APPROVAL_ESCALATE, dueAt: p.escalateAt, requestId }] : []),
      ],
    };
  }

  /** The reminder: the approval card again, to each approver, with a line saying how long it waited. */
  private remind(t: Timer): Promise<void> {
    return this.onWaiting(t, async (req) => {
      if (req.payload.approval?.reminded) return true;
      const now = this.now();
      return this.record(req, { step: { reminded: now }, action: 'request.remind' }, (after) =>
        this.notifications.remind(after, 'reminder', now),
      );
    });
  }

  /** Escalation: the fallback approvers (read fresh) get the request too; everyone involved is told. */
  private escalate(t: Timer): Promise<void> {
    return this.onWaiting(t, async (req) => {
      if (req.payload.approval?.escalated) return true;
      const now = this.now();
      const added = escalationAdds(req.approvers, await this.caps.of(req).escalationApprovers(req, 'fresh'));
      return this.record(
        req,
        {
          step: { escalated: now },
          action: 'request.escalate',
          detail: { added: added.map((a) => a.approverId) },
          approvers: [...req.approvers, ...added],
        },
        (after) => this.notifications.escalated(after, added, now),
      );
    });
  }

  /** A follow-up step on the pending request a timer is about (retrySwap.ts). */
  private onWaiting(t: Timer, step: (req: DeskRequest) => Promise<DeskRequest | true | undefined>): Promise<void> {
    if (t.requestId === undefined) return Promise.resolve();
    const requests = this.deps.store.requests;
    return onPendingRequest(
      (id) => requests.get(id),
      t.requestId,
      async (req) => !!(await step(req)),
      {
        attempts: 3,
        what: `its ${t.kind} ran`,
      },
    );
  }

  /**
   * The requester's Nudge: the approvers get the card again, at most once a day. Answers what to
   * tell the requester, and the request as the nudge left it (undefined when nothing changed).
   */
  async nudge(req: DeskRequest, actor: Actor): Promise<{ note: string; next?: DeskRequest }> {
    if (actor.id !== req.requesterId) return { note: say.notRequesterNudges };
    if (req.state !== 'pending') return { note: say.nothingToDecide(req) };
    const now = this.deps.clock.now();
    const last = req.payload.approval?.nudged;
    const next = nextNudge(last, now);
    if (last && next) return { note: say.nudgeTooSoon(formatTime(last), formatTime(next)) };
    const at = now.toISOString();
    const done = await this.record(req, { step: { nudged: at }, action: 'request.nudge', actor }, (after) =>
      this.notifications.remind(after, 'nudge', at),
    );
    if (!done) return { note: say.lostRace(req, false) };
    return { note: say.nudged(done.approvers.map((a) => a.displayName)), next: done };
  }

  /**
   * Records the step in the trail and queues its messages (written from the request as the step
   * leaves it, with every copy of its card refreshed), in one compare-and-swap. Undefined when the
   * swap lost (the request changed meanwhile).
   */
  private async record(
    req: DeskRequest,
    o: {
      step: Partial<ApprovalTrail>;
      action: string;
      detail?: Record<string, unknown>;
      approvers?: DeskRequest['approvers'];
      actor?: Actor;
    },
    messages: (after: DeskRequest) => OutboxItem[],
  ): Promise<DeskRequest | undefined> {
    const payload = { ...req.payload, approval: { ...req.payload.approval, ...o.step } };
    const after = afterChange(req, { approvers: o.approvers ?? req.approvers });
    const items = [this.notifications.refresh(after), ...messages({ ...after, payload } as DeskRequest)];
    const actor = o.actor ?? SYSTEM_ACTOR;
    const next = await this.deps.store.requests.update(
      req.id,
      req.version,
      { payload, ...(o.approvers ? { approvers: o.approvers } : {}), ...this.notifications.with(items) },
      auditEntry(actor, o.action, this.deps.config.tenantId, {
        approvers: (o.approvers ?? req.approvers).map((a) => a.approverId),
        ...o.detail,
      }),
    );
    if (next) this.notifications.sendSoon(items);
    return next;
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}
