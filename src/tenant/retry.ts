/**
 * When to try a Microsoft call again, and how long to wait first. Pure: the caller passes the clock
 * and the random number, so every decision can be table-tested.
 *
 * Why our own policy rather than the Graph SDK's RetryHandler defaults: the SDK honours a Retry-After
 * of up to 180 s inside the call, which would pin a worker slot for minutes. Dragon Desk's worker can
 * reschedule a request instead, so a wait longer than the remaining budget fails fast with the
 * Retry-After kept on the TenantError (reliability-and-limits §2.5).
 */

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Upper bound on the sum of all waits for one call. */
  maxTotalWaitMs: number;
  /** First backoff step when the service gives no Retry-After. */
  baseDelayMs: number;
  /** Cap on a single backoff step (a Retry-After is never capped, only checked against the budget). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  maxTotalWaitMs: 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
};

/** Graph throttling doc and SDK RetryHandler: these statuses are transient. */
export const RETRYABLE_STATUSES: readonly number[] = [429, 503, 504];

export function resolveRetryPolicy(overrides?: Partial<RetryPolicy>): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...(overrides ?? {}) };
  if (!(p.maxAttempts >= 1)) throw new Error('retry.maxAttempts must be at least 1');
  if (!(p.maxTotalWaitMs >= 0) || !(p.baseDelayMs >= 0) || !(p.maxDelayMs >= 0)) {
    throw new Error('retry delays must not be negative');
  }
  return p;
}

/**
 * Milliseconds to wait according to a Retry-After header: delta-seconds (Graph sends fractions such
 * as "2.128") or an HTTP-date. undefined when absent or unreadable, so the caller falls back to backoff.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Only accept something that looks like a date; Date.parse accepts odd strings such as "1".
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Exponential backoff with "equal jitter": half the step is fixed, half random, so retries spread out. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const r = Math.min(1, Math.max(0, random));
  return Math.round(step / 2 + (step / 2) * r);
}

export interface RetryInput {
  /** How many attempts have been made so far (1 after the first). */
  attempt: number;
  /** HTTP status of the last attempt; undefined when it failed before a response (network error). */
  status?: number;
  method: string;
  /**
   * false for creates whose replay after an ambiguous 503/504 could do the work twice (a second group
   * with the same name, a second GDAP request). Those are retried only on 429, which Graph guarantees
   * was not executed.
   */
  replaySafe: boolean;
  retryAfter?: string | null;
  /** Sum of the waits already spent on this call. */
  waitedMs: number;
  nowMs: number;
  /** 0..1, from Math.random in production, fixed in tests. */
  random: number;
}

export type RetryDecision =
  | { retry: true; delayMs: number; reason: 'retry-after' | 'backoff' }
  | { retry: false; reason: 'success-or-final' | 'not-retryable' | 'attempts-exhausted' | 'budget-exceeded' };

const IDEMPOTENT_FOR_NETWORK_RETRY = new Set(['GET', 'HEAD']);

export function decideRetry(input: RetryInput, policy: RetryPolicy = DEFAULT_RETRY_POLICY): RetryDecision {
  const method = input.method.toUpperCase();
  if (input.status === undefined) {
    // The request may or may not have reached Microsoft; only a read is safe to send again.
    if (!IDEMPOTENT_FOR_NETWORK_RETRY.has(method)) return { retry: false, reason: 'not-retryable' };
  } else if (!RETRYABLE_STATUSES.includes(input.status)) {
    return { retry: false, reason: 'success-or-final' };
  } else if (input.status !== 429 && !input.replaySafe) {
    return { retry: false, reason: 'not-retryable' };
  }

  if (input.attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts-exhausted' };

  const remaining = policy.maxTotalWaitMs - input.waitedMs;
  const fromHeader = parseRetryAfter(input.retryAfter, input.nowMs);
  if (fromHeader !== undefined) {
    // The service told us how long; waiting less only earns another 429, so fail fast and let the
    // worker reschedule with the Retry-After on the error.
    if (fromHeader > remaining) return { retry: false, reason: 'budget-exceeded' };
    return { retry: true, delayMs: fromHeader, reason: 'retry-after' };
  }
  const delay = backoffMs(input.attempt, policy, input.random);
  if (delay > remaining) return { retry: false, reason: 'budget-exceeded' };
  return { retry: true, delayMs: delay, reason: 'backoff' };
}
