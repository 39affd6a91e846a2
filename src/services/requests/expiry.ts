/** Pending requests nobody decided in time expire; the requester and the approvers are told. */
import { auditEntry, SYSTEM_ACTOR, systemDecision } from '../audit';
import type { ServiceDeps } from '../types';
import { afterChange, type Notifications } from './notifications';

export class Expiry {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly notifications: Notifications,
  ) {}

  /** Expires what is due (a batch at a time); returns how many expired. */
  async expireDue(): Promise<number> {
    const now = this.deps.clock.now().toISOString();
    const hours = this.deps.config.requestExpiryHours;
    const due = await this.deps.store.requests.listExpired(now, 50);
    let n = 0;
    for (const req of due) {
      const decision = systemDecision(now, `No decision within ${hours} hours`);
      const told = this.notifications.expired(afterChange(req, { ...decision, state: 'expired' }));
      const next = await this.deps.store.requests.transition(
        req.id,
        { state: req.state, version: req.version },
        'expire',
        { ...decision, ...this.notifications.with(told) },
        auditEntry(SYSTEM_ACTOR, 'request.expire', this.deps.config.tenantId),
      );
      if (!next) continue;
      n++;
      this.notifications.sendSoon(told);
    }
    return n;
  }
}
