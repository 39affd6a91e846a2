/**
 * The one retry loop, shared by the Graph middleware and the ARM fetch path so both follow the same
 * policy and both can be driven by an injected sleep in tests.
 */
import type { TransportResponse } from './httpTransport';
import { decideRetry, parseRetryAfter, type RetryPolicy } from './retry';
import { noTenantTelemetry, type TenantService, type TenantTelemetry } from './telemetry';

export interface TenantLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: TenantLogger = { info: () => undefined, warn: () => undefined };

export interface RetryRuntime {
  policy: RetryPolicy;
  /** Per-attempt timeout; a timed-out GET counts as a network failure and may be retried. */
  attemptTimeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  logger: TenantLogger;
  /** Told of every throttled answer (Graph throttling is a metric a service owner watches). */
  telemetry?: TenantTelemetry;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface SendDescription {
  method: string;
  /** Path without the query string: logged, so it must never carry a token. */
  path: string;
  replaySafe: boolean;
  /** Which service answers (for the throttling metric); Graph unless said otherwise. */
  service?: TenantService;
}

/**
 * A failure before any HTTP answer: undici's "fetch failed" TypeError, or an aborted/timed-out
 * attempt. Anything else (a token that could not be fetched, a bug) is not worth repeating.
 */
export function isNetworkFailure(err: unknown): boolean {
  // By name, not instanceof: undici's errors come from Node's own realm, which is not the realm of
  // a test sandbox (jest) or of a bundler's polyfills.
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'TypeError' || name === 'AbortError' || name === 'TimeoutError';
}

/**
 * Sends, and sends again while the policy says so. Returns the last response (possibly a 429 whose
 * Retry-After did not fit the budget; the caller turns it into a TenantError) or rethrows the last
 * network error.
 */
export async function sendWithRetry(
  send: (signal: AbortSignal) => Promise<TransportResponse>,
  what: SendDescription,
  rt: RetryRuntime,
): Promise<TransportResponse> {
  let waitedMs = 0;
  for (let attempt = 1; ; attempt++) {
    let response: TransportResponse | undefined;
    let failure: unknown;
    // A controller and a timer we clear, rather than AbortSignal.timeout(): on Node 20 that one
    // makes a transferable signal, which cost more CPU than the Graph call it guarded (bench/).
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
      rt.attemptTimeoutMs,
    );
    try {
      response = await send(timeout.signal);
    } catch (err) {
      if (!isNetworkFailure(err)) throw err;
      failure = err;
    } finally {
      clearTimeout(timer);
    }
    if (response?.status === 429)
      reportThrottled(rt, what.service ?? 'graph', false, response.headers.get('retry-after'));
    const decision = decideRetry(
      {
        attempt,
        status: response?.status,
        method: what.method,
        replaySafe: what.replaySafe,
        retryAfter: response?.headers.get('retry-after'),
        waitedMs,
        nowMs: rt.now(),
        random: rt.random(),
      },
      rt.policy,
    );
    if (!decision.retry) {
      if (response) {
        if (decision.reason !== 'success-or-final') {
          rt.logger.warn('tenant call not retried', {
            ...what,
            status: response.status,
            attempt,
            reason: decision.reason,
          });
        }
        return response;
      }
      rt.logger.warn('tenant call failed without a response', { ...what, attempt, reason: decision.reason });
      throw failure;
    }
    rt.logger.warn('tenant call will be retried', {
      ...what,
      status: response?.status ?? 'network-error',
      attempt,
      delayMs: decision.delayMs,
      reason: decision.reason,
    });
    await rt.sleep(decision.delayMs);
    waitedMs += decision.delayMs;
  }
}

export function reportThrottled(
  rt: RetryRuntime,
  service: TenantService,
  inBatch: boolean,
  retryAfter: string | null | undefined,
): void {
  const ms = parseRetryAfter(retryAfter, rt.now());
  (rt.telemetry ?? noTenantTelemetry).throttled({
    service,
    inBatch,
    retryAfterSeconds: ms === undefined ? undefined : Math.ceil(ms / 1000),
  });
}
