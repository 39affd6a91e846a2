/**
 * Carrying out an approved request: exactly one worker claims it (a conditional update), the
 * capability makes the change and verifies it, and the outcome is recorded and told. A transient
 * failure (throttling, an outage, the network) leaves it executing for a worker to resume; the
 * capabilities' changes are idempotent, so a resumed execution finishes what a crashed one began.
 */
import type { DeskRequest, RequestEvent } from '../../domain/request';
import type { RequestChanges } from '../../store/types';
import { explainTenantError, isTransient } from '../../tenant/errors';
import { TenantError } from '../../tenant/types';
import { auditEntry, SYSTEM_ACTOR } from '../audit';
import type { ExecutionOutcome } from '../capability';
import type { ServiceDeps } from '../types';
import { errMessage } from './background';
import type { Capabilities } from './capabilities';
import { say } from './messages';
import { afterChange, type Notifications } from './notifications';
import type { RequestCards } from './requestCards';

/** Failures (not throttling) after which a request is given up as failed. */
const MAX_EXECUTION_ATTEMPTS = 5;
/** Throttled runs after which it is given up too: Graph said "later" for hours. */
const MAX_THROTTLED_RUNS = 100;
/** Back-off after a failure that said nothing about when to try again. */
const RETRY_AFTER_MS = [5_000, 15_000, 60_000, 300_000];

export interface ExecutionTiming {
  /** How long a claim on an executing request holds unless renewed. */
  leaseMs: number;
  /** How often a running execution renews it (well inside the lease). */
  renewMs: number;
}

export class Execution {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly caps: Capabilities,
    private readonly cards: RequestCards,
    private readonly notifications: Notifications,
    private readonly timing: ExecutionTiming,
  ) {}

  /**
   * Carry out one approved request, or take over one whose lease ran out (its instance died) or
   * whose retry time came; exactly one worker wins the claim.
   */
  async execute(req: DeskRequest): Promise<void> {
    const event: RequestEvent = req.state === 'approved' ? 'start' : 'resume';
    const owner = this.notifications.deliveries.owner;
    const started = afterChange(req, { state: 'executing' });
    const refresh = [this.notifications.refresh(started)];
    const claimed = await this.deps.store.requests.transition(
      req.id,
      { state: req.state, version: req.version },
      event,
      { lease: { owner, until: this.leaseEnd() }, ...this.notifications.with(refresh) },
      this.audit(event === 'start' ? 'execution.start' : 'execution.resume', { lease: owner }),
    );
    if (!claimed) return;
    this.notifications.sendSoon(refresh);
    const cap = this.caps.of(claimed);
    const renewal = this.keepLease(claimed.id, owner);
    let outcome: ExecutionOutcome;
    try {
      outcome = await cap.execute(claimed, {
        progress: async (userId, status, errorCode, errorMessage) => {
          await this.deps.store.requests.setTargetStatus(claimed.id, userId, status, errorCode, errorMessage);
          this.cards.refreshLater(claimed.id);
        },
      });
    } catch (err) {
      renewal.stop();
      const retry = await this.retryLater(claimed, owner, err);
      if (retry) return;
      const tenantError = err instanceof TenantError ? err : undefined;
      outcome = {
        state: 'failed',
        errorCode: tenantError?.code ?? 'InternalError',
        errorMessage: tenantError ? explainTenantError(tenantError) : say.executionFailedInternally,
      };
      if (!tenantError) this.deps.logger.error('execution failed', { requestId: claimed.id, err });
    }
    renewal.stop();
    await this.finish(claimed.id, owner, outcome);
  }

  /** Records the outcome, unless another instance took the request over meanwhile (it finishes it). */
  private async finish(id: number, owner: string, outcome: ExecutionOutcome): Promise<void> {
    const latest = await this.deps.store.requests.get(id);
    if (!latest || latest.state !== 'executing' || latest.lease?.owner !== owner) {
      this.deps.logger.warn('an execution lost its lease before it finished', { requestId: id });
      return;
    }
    const completed = outcome.state === 'completed';
    const fields = {
      state: completed ? ('completed' as const) : ('failed' as const),
      errorCode: outcome.errorCode,
      errorMessage: outcome.errorMessage,
    };
    const told = this.notifications.executed(afterChange(latest, fields), outcome);
    const changes: RequestChanges = {
      errorCode: outcome.errorCode ?? null,
      errorMessage: outcome.errorMessage ?? null,
      lease: { owner: null, until: null },
      ...this.notifications.with(told),
    };
    if (outcome.notes?.length) changes.payload = { ...latest.payload, notes: outcome.notes };
    const done = await this.deps.store.requests.transition(
      latest.id,
      { state: 'executing', version: latest.version },
      completed ? 'complete' : 'fail',
      changes,
      this.audit(completed ? 'execution.completed' : 'execution.failed', {
        errorCode: outcome.errorCode,
        errorMessage: outcome.errorMessage,
      }),
    );
    if (done) this.notifications.sendSoon(told);
  }

  /**
   * A transient failure (throttling, an outage, the network) gives the lease back with a time to
   * try again: Graph's Retry-After when it said one, else a back-off. The worker runs it then, on
   * any instance; the capability's change is idempotent, so it finishes what was begun. False
   * when the failure is not transient, or it has been retried enough.
   */
  private async retryLater(req: DeskRequest, owner: string, err: unknown): Promise<boolean> {
    const transient = isTransient(err);
    const tenantError = err instanceof TenantError ? err : undefined;
    const throttled = tenantError?.status === 429;
    const attempts = (req.payload.attempts ?? 0) + (transient && !throttled ? 1 : 0);
    const throttledRuns = (req.payload.throttled ?? 0) + (throttled ? 1 : 0);
    const retry = transient && attempts < MAX_EXECUTION_ATTEMPTS && throttledRuns < MAX_THROTTLED_RUNS;
    const waitMs =
      tenantError?.retryAfterSeconds !== undefined
        ? tenantError.retryAfterSeconds * 1000
        : (RETRY_AFTER_MS[Math.min(attempts, RETRY_AFTER_MS.length - 1)] ?? 60_000);
    const retryAt = new Date(this.deps.clock.now().getTime() + waitMs).toISOString();
    const detail = { attempts, throttled: throttledRuns, transient, error: errMessage(err), code: tenantError?.code };
    if (!retry) {
      await this.deps.store.audit.append({
        ...this.audit('execution.error', detail, tenantError?.requestId),
        requestId: req.id,
      });
      return false;
    }
    const latest = await this.deps.store.requests.get(req.id);
    if (!latest || latest.lease?.owner !== owner) return true;
    await this.deps.store.requests.update(
      latest.id,
      latest.version,
      { payload: { ...latest.payload, attempts, throttled: throttledRuns }, lease: { owner: null, until: retryAt } },
      this.audit('execution.error', { ...detail, retryAt }, tenantError?.requestId),
    );
    return true;
  }

  /** Renews the lease while the capability works, so a live execution is never taken over. */
  private keepLease(id: number, owner: string): { stop(): void } {
    const timer = setInterval(() => {
      this.deps.store.requests
        .renewLease(id, owner, this.leaseEnd())
        .then((version) => {
          if (version === undefined) this.deps.logger.warn('an execution lost its lease', { requestId: id });
        })
        .catch((err) =>
          this.deps.logger.warn('could not renew an execution lease', { requestId: id, err: errMessage(err) }),
        );
    }, this.timing.renewMs);
    timer.unref?.();
    return { stop: () => clearInterval(timer) };
  }

  private leaseEnd(): string {
    return new Date(this.deps.clock.now().getTime() + this.timing.leaseMs).toISOString();
  }

  private audit(action: string, detail?: Record<string, unknown>, graphRequestId?: string) {
    return auditEntry(SYSTEM_ACTOR, action, this.deps.config.tenantId, detail, graphRequestId);
  }
}
