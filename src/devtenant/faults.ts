/**
 * Fault injection and the call log: the two test hooks that let a test (or a benchmark) make the
 * dev tenant throttle or fail, and then count what the client actually sent.
 */

export interface FaultSpec {
  /** Only requests with this method (any when omitted). */
  method?: string;
  /** Matched against the path without the query, e.g. '/v1.0/groups/G/members/$ref'. */
  path: string | RegExp;
  /** How many matching requests fail before the fault is used up. */
  count: number;
  /** Fail only every n-th matching request (2: every other one, a 50% storm); default every one. */
  every?: number;
  status: number;
  retryAfterSeconds?: number;
  code?: string;
  message?: string;
}

export interface InjectedFault {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
}

const DEFAULT_CODES: Record<number, [string, string]> = {
  429: ['TooManyRequests', 'Too many requests'],
  500: ['InternalServerError', 'Internal server error'],
  502: ['BadGateway', 'Bad gateway'],
  503: ['ServiceUnavailable', 'Service unavailable'],
  504: ['GatewayTimeout', 'Gateway timeout'],
};

function pathMatches(spec: string | RegExp, path: string): boolean {
  if (typeof spec === 'string') return spec.toLowerCase() === path.toLowerCase();
  spec.lastIndex = 0;
  return spec.test(path);
}

export class FaultInjector {
  private faults: (FaultSpec & { remaining: number; seen: number })[] = [];

  /** Makes the next `count` requests matching `method`/`path` fail with `status`. */
  failNext(spec: FaultSpec): void {
    if (!Number.isInteger(spec.count) || spec.count < 1) throw new Error('failNext: count must be a positive integer');
    if (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)
      throw new Error('failNext: status must be 4xx or 5xx');
    if (spec.every !== undefined && (!Number.isInteger(spec.every) || spec.every < 1))
      throw new Error('failNext: every must be a positive integer');
    this.faults.push({ ...spec, remaining: spec.count, seen: 0 });
  }

  clear(): void {
    this.faults = [];
  }

  /** Faults still armed (for the HTTP hook and for assertions). */
  pending(): { method?: string; path: string; remaining: number; status: number }[] {
    return this.faults.map((f) => ({
      method: f.method,
      path: String(f.path),
      remaining: f.remaining,
      status: f.status,
    }));
  }

  /** Consumes one use of the first fault matching this request, if any. */
  take(method: string, path: string): InjectedFault | undefined {
    const i = this.faults.findIndex(
      (f) => (!f.method || f.method.toUpperCase() === method.toUpperCase()) && pathMatches(f.path, path),
    );
    if (i < 0) return undefined;
    const f = this.faults[i];
    f.seen += 1;
    if (f.seen % (f.every ?? 1) !== 0) return undefined;
    f.remaining -= 1;
    if (f.remaining <= 0) this.faults.splice(i, 1);
    const [defCode, defMessage] = DEFAULT_CODES[f.status] ?? ['InjectedFault', `Injected fault ${f.status}`];
    const headers: Record<string, string> = {};
    if (f.retryAfterSeconds !== undefined) headers['Retry-After'] = String(f.retryAfterSeconds);
    else if (f.status === 429) headers['Retry-After'] = '1'; // Graph always tells a throttled client how long to wait.
    return { status: f.status, code: f.code ?? defCode, message: f.message ?? defMessage, headers };
  }
}

export interface CallRecord {
  seq: number;
  at: string;
  method: string;
  /** Path without the query. Inner batch requests are recorded under their own path ('/v1.0/…'). */
  path: string;
  query: string;
  status: number;
  inBatch: boolean;
  /** Object id of the caller, from the dev token; null when unauthenticated. */
  callerId: string | null;
  /** Whether the fault injector answered this call. */
  injected: boolean;
}

export interface CallFilter {
  method?: string;
  path?: string | RegExp;
  inBatch?: boolean;
}

export class CallLog {
  private records: CallRecord[] = [];
  private seq = 0;

  record(r: Omit<CallRecord, 'seq'>): void {
    this.seq += 1;
    this.records.push({ ...r, seq: this.seq });
  }

  list(filter: CallFilter = {}): CallRecord[] {
    return this.records.filter(
      (r) =>
        (!filter.method || r.method.toUpperCase() === filter.method.toUpperCase()) &&
        (filter.path === undefined || pathMatches(filter.path, r.path)) &&
        (filter.inBatch === undefined || r.inBatch === filter.inBatch),
    );
  }

  count(filter: CallFilter = {}): number {
    return this.list(filter).length;
  }

  reset(): void {
    this.records = [];
  }
}
