import {
  backoffMs,
  decideRetry,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  resolveRetryPolicy,
  type RetryInput,
} from '../../src/tenant/retry';

const NOW = Date.parse('2026-03-02T10:00:00Z');

describe('parseRetryAfter', () => {
  it.each<[string | null | undefined, number | undefined]>([
    ['5', 5000],
    ['0', 0],
    ['2.128', 2128], // Graph's throttling doc sample
    [' 12 ', 12000],
    ['Mon, 02 Mar 2026 10:00:30 GMT', 30000],
    ['Mon, 02 Mar 2026 09:59:00 GMT', 0], // a date in the past means "now"
    ['soon', undefined],
    ['-3', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%p → %p ms', (header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });
});

describe('backoffMs', () => {
  const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 8000 };
  it.each([
    [1, 0, 500],
    [1, 1, 1000],
    [2, 0, 1000],
    [3, 1, 4000],
    [4, 0.5, 6000],
    [10, 1, 8000], // capped
    [10, 0, 4000],
  ])('attempt %p with random %p waits %p ms', (attempt, random, expected) => {
    expect(backoffMs(attempt, p, random)).toBe(expected);
  });
});

describe('decideRetry', () => {
  const base: RetryInput = {
    attempt: 1,
    status: 429,
    method: 'GET',
    replaySafe: true,
    waitedMs: 0,
    nowMs: NOW,
    random: 0,
  };
  const policy = DEFAULT_RETRY_POLICY; // 4 attempts, 60 s budget, 1 s base

  it.each<[string, Partial<RetryInput>, ReturnType<typeof decideRetry>]>([
    ['200 is final', { status: 200 }, { retry: false, reason: 'success-or-final' }],
    ['404 is final', { status: 404 }, { retry: false, reason: 'success-or-final' }],
    ['400 is final', { status: 400, retryAfter: '1' }, { retry: false, reason: 'success-or-final' }],
    ['500 is not retried (not in 429/503/504)', { status: 500 }, { retry: false, reason: 'success-or-final' }],
    ['429 honours Retry-After seconds', { retryAfter: '7' }, { retry: true, delayMs: 7000, reason: 'retry-after' }],
    [
      '429 honours Retry-After HTTP-date',
      { retryAfter: 'Mon, 02 Mar 2026 10:00:03 GMT' },
      { retry: true, delayMs: 3000, reason: 'retry-after' },
    ],
    ['429 without Retry-After backs off', {}, { retry: true, delayMs: 500, reason: 'backoff' }],
    [
      '503 backs off, growing with attempts',
      { status: 503, attempt: 3, random: 1 },
      { retry: true, delayMs: 4000, reason: 'backoff' },
    ],
    ['504 on a GET is retried', { status: 504 }, { retry: true, delayMs: 500, reason: 'backoff' }],
    [
      'replayable POST is retried on 503',
      { status: 503, method: 'POST' },
      { retry: true, delayMs: 500, reason: 'backoff' },
    ],
    [
      'create (not replay-safe) is not retried on 504',
      { status: 504, method: 'POST', replaySafe: false },
      { retry: false, reason: 'not-retryable' },
    ],
    [
      'create (not replay-safe) is not retried on 503',
      { status: 503, method: 'POST', replaySafe: false },
      { retry: false, reason: 'not-retryable' },
    ],
    [
      'create is still retried on 429 (Graph did not run it)',
      { status: 429, method: 'POST', replaySafe: false, retryAfter: '2' },
      { retry: true, delayMs: 2000, reason: 'retry-after' },
    ],
    ['network error on GET is retried', { status: undefined }, { retry: true, delayMs: 500, reason: 'backoff' }],
    [
      'network error on POST is not retried',
      { status: undefined, method: 'POST' },
      { retry: false, reason: 'not-retryable' },
    ],
    [
      'network error on DELETE is not retried',
      { status: undefined, method: 'delete' },
      { retry: false, reason: 'not-retryable' },
    ],
    ['fourth attempt is the last', { attempt: 4, retryAfter: '1' }, { retry: false, reason: 'attempts-exhausted' }],
    ['Retry-After beyond the budget fails fast', { retryAfter: '61' }, { retry: false, reason: 'budget-exceeded' }],
    [
      'Retry-After beyond what is left fails fast',
      { retryAfter: '30', waitedMs: 40_000 },
      { retry: false, reason: 'budget-exceeded' },
    ],
    [
      'Retry-After exactly filling the budget is honoured',
      { retryAfter: '20', waitedMs: 40_000 },
      { retry: true, delayMs: 20_000, reason: 'retry-after' },
    ],
    [
      'backoff beyond what is left fails fast',
      { waitedMs: 59_800, random: 1 },
      { retry: false, reason: 'budget-exceeded' },
    ],
  ])('%s', (_name, over, expected) => {
    expect(decideRetry({ ...base, ...over }, policy)).toEqual(expected);
  });

  it('respects a smaller configured attempt limit', () => {
    const two = resolveRetryPolicy({ maxAttempts: 2 });
    expect(decideRetry({ ...base, attempt: 1 }, two).retry).toBe(true);
    expect(decideRetry({ ...base, attempt: 2 }, two)).toEqual({ retry: false, reason: 'attempts-exhausted' });
  });

  it('rejects a policy that could never try', () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => resolveRetryPolicy({ maxTotalWaitMs: -1 })).toThrow(/negative/);
  });
});
