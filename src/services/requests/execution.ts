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
import type { Notifications } from './notifications';
import type { RequestCards } from './requestCards';

const MAX_EXECUTION_ATTEMPTS = 5;

export class Execution {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly caps: Capabilities,
    private readonly cards: RequestCards,
    private readonly notifications: Notifications,
  ) {}

  /** Carry out one approved (or abandoned executing) request; exactly one worker wins the claim. */
  async execute(req: DeskRequest): Promise<void> {
    const event: RequestEvent = req.state === 'approved' ? 'start' : 'resume';
    const attempts = Number(req.payload.attempts ?? 0) + 1;
    const claimed = await this.deps.store.requests.transition(
      req.id,
      { state: req.state, version: req.version },
      event,
      { payload: { ...req.payload, attempts } },
      this.audit(event === 'start' ? 'execution.start' : 'execution.resume', { attempts }),
    );
    if (!claimed) return;
    const cap = this.caps.of(claimed);
    let outcome: ExecutionOutcome;
    try {
      this.cards.refreshLater(claimed.id);
      outcome = await cap.execute(claimed, {
        progress: async (userId, status, errorCode, errorMessage) => {
          await this.deps.store.requests.setTargetStatus(claimed.id, userId, status, errorCode, errorMessage);
          this.cards.refreshLater(claimed.id);
        },
      });
    } catch (err) {
      const transient = isTransient(err);
      const tenantError = err instanceof TenantError ? err : undefined;
      await this.deps.store.audit.append({
        ...this.audit(
          'execution.error',
          { attempts, transient, error: errMessage(err), code: tenantError?.code },
          tenantError?.requestId,
        ),
        requestId: claimed.id,
      });
      // A transient failure leaves the request executing; the worker resumes it later (idempotent).
      if (transient && attempts < MAX_EXECUTION_ATTEMPTS) return;
      outcome = {
        state: 'failed',
        errorCode: tenantError?.code ?? 'InternalError',
        errorMessage: tenantError ? explainTenantError(tenantError) : say.executionFailedInternally,
      };
      if (!tenantError) this.deps.logger.error('execution failed', { requestId: claimed.id, err });
    }
    const latest = (await this.deps.store.requests.get(claimed.id)) ?? claimed;
    const changes: RequestChanges = {
      errorCode: outcome.errorCode ?? null,
      errorMessage: outcome.errorMessage ?? null,
    };
    if (outcome.notes?.length) changes.payload = { ...latest.payload, notes: outcome.notes };
    const completed = outcome.state === 'completed';
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
    if (done) await this.notifications.executed(done, outcome);
  }

  private audit(action: string, detail?: Record<string, unknown>, graphRequestId?: string) {
    return auditEntry(SYSTEM_ACTOR, action, this.deps.config.tenantId, detail, graphRequestId);
  }
}
