/**
 * Graph JSON batching (microsoft-apis §4, §11): at most 20 requests per POST /$batch; inner requests
 * are throttled one by one, so an outer 200 can carry inner 429s, which the SDK's RetryHandler never
 * sees. This module splits, sends, retries the inner 429/503/504 with their own Retry-After, and
 * returns one response per request, in request order.
 *
 * Limitation: Graph only honours dependsOn inside one batch, so a dependsOn chain (all requests
 * linked to each other by dependsOn) is kept in one chunk, and a chain of more than 20 requests is
 * refused rather than silently run out of order.
 */
import { decideRetry, RETRYABLE_STATUSES } from './retry';
import { reportThrottled, type RetryRuntime } from './retryingSend';
import { headersFromRecord } from './errors';
import type { BatchRequest, BatchResponse } from './types';

export const MAX_BATCH_SIZE = 20;

/** One HTTP POST /$batch; throws TenantError when the batch as a whole fails. */
export type PostBatch = (requests: BatchRequest[]) => Promise<BatchResponse[]>;

function key(id: string): string {
  return id.toLowerCase(); // Graph treats batch ids case-insensitively.
}

export function validateBatch(requests: BatchRequest[]): void {
  const seen = new Set<string>();
  for (const r of requests) {
    if (!r.id) throw new Error('Every batch request needs an id.');
    if (seen.has(key(r.id))) throw new Error(`Duplicate batch request id '${r.id}'.`);
    seen.add(key(r.id));
  }
  for (const r of requests) {
    for (const d of r.dependsOn ?? []) {
      if (!seen.has(key(d))) throw new Error(`Batch request '${r.id}' depends on unknown id '${d}'.`);
    }
  }
}

/**
 * Splits into chunks of at most `size`, keeping every dependsOn-connected group of requests in one
 * chunk, and otherwise preserving request order.
 */
export function chunkBatch(requests: BatchRequest[], size = MAX_BATCH_SIZE): BatchRequest[][] {
  validateBatch(requests);
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  for (const r of requests) parent.set(key(r.id), key(r.id));
  for (const r of requests) {
    for (const d of r.dependsOn ?? []) parent.set(find(key(r.id)), find(key(d)));
  }
  const groups = new Map<string, BatchRequest[]>();
  for (const r of requests) {
    const root = find(key(r.id));
    const g = groups.get(root);
    if (g) g.push(r);
    else groups.set(root, [r]);
  }
  const chunks: BatchRequest[][] = [];
  let current: BatchRequest[] = [];
  for (const group of groups.values()) {
    if (group.length > size) {
      throw new Error(
        `A dependsOn chain of ${group.length} requests (starting at '${group[0].id}') cannot fit in one Graph batch of ${size}.`,
      );
    }
    if (current.length + group.length > size) {
      chunks.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** Graph requires Content-Type on an inner request that has a body. */
export function withContentType(r: BatchRequest): BatchRequest {
  if (r.body === undefined) return r;
  const has = Object.keys(r.headers ?? {}).some((h) => h.toLowerCase() === 'content-type');
  return has ? r : { ...r, headers: { ...(r.headers ?? {}), 'Content-Type': 'application/json' } };
}

function header(res: BatchResponse, name: string): string | null {
  return headersFromRecord(res.headers).get(name);
}

/**
 * Which requests to send again after a round: those that got 429/503/504, plus their dependents
 * that failed with 424 only because of them. dependsOn is trimmed to what is being resent, since
 * the rest already succeeded.
 */
export function requestsToRetry(sent: BatchRequest[], responses: Map<string, BatchResponse>): BatchRequest[] {
  const retry = new Set<string>();
  for (const r of sent) {
    const res = responses.get(key(r.id));
    if (res && RETRYABLE_STATUSES.includes(res.status)) retry.add(key(r.id));
  }
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of sent) {
      const k = key(r.id);
      if (retry.has(k)) continue;
      const res = responses.get(k);
      if (res?.status === 424 && (r.dependsOn ?? []).some((d) => retry.has(key(d)))) {
        retry.add(k);
        grew = true;
      }
    }
  }
  return sent
    .filter((r) => retry.has(key(r.id)))
    .map((r) => {
      const deps = (r.dependsOn ?? []).filter((d) => retry.has(key(d)));
      const { dependsOn: _drop, ...rest } = r;
      return deps.length ? { ...rest, dependsOn: deps } : rest;
    });
}

/** How long to wait before resending: the longest inner Retry-After, as Graph's throttling doc suggests. */
function retryAfterHeader(
  retrying: BatchRequest[],
  responses: Map<string, BatchResponse>,
  nowMs: number,
): string | undefined {
  let best: { text: string; seconds: number } | undefined;
  for (const r of retrying) {
    const res = responses.get(key(r.id));
    const text = res ? header(res, 'retry-after') : null;
    if (text === null) continue;
    const seconds = Number(text);
    const value = Number.isFinite(seconds) ? seconds : (Date.parse(text) - nowMs) / 1000;
    if (Number.isNaN(value)) continue;
    if (!best || value > best.seconds) best = { text, seconds: value };
  }
  return best?.text;
}

/** Sends one chunk and resends its retryable inner requests while the retry policy allows. */
async function runChunk(chunk: BatchRequest[], post: PostBatch, rt: RetryRuntime): Promise<Map<string, BatchResponse>> {
  const final = new Map<string, BatchResponse>();
  let pending = chunk;
  let waitedMs = 0;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const answers = await post(pending.map(withContentType));
    const byId = new Map(answers.map((a) => [key(a.id), a] as const));
    for (const r of pending) {
      const a = byId.get(key(r.id));
      if (a) final.set(key(r.id), a);
      if (a?.status === 429) reportThrottled(rt, 'graph', true, header(a, 'retry-after'));
    }
    const retrying = requestsToRetry(pending, byId);
    if (retrying.length === 0) break;
    const worst = retrying.map((r) => byId.get(key(r.id))?.status ?? 503).find((s) => s !== 424) ?? 503;
    const decision = decideRetry(
      {
        attempt,
        status: worst,
        method: 'POST',
        replaySafe: true, // only the requests Graph reported as throttled/unavailable are resent
        retryAfter: retryAfterHeader(retrying, byId, rt.now()),
        waitedMs,
        nowMs: rt.now(),
        random: rt.random(),
      },
      rt.policy,
    );
    if (!decision.retry) {
      // Leave the 429/503/504 in the answer with its Retry-After: the caller decides (and the worker
      // can reschedule).
      rt.logger.warn('batch requests left unretried', { count: retrying.length, reason: decision.reason });
      break;
    }
    rt.logger.warn('batch requests will be retried', { count: retrying.length, delayMs: decision.delayMs, attempt });
    await rt.sleep(decision.delayMs);
    waitedMs += decision.delayMs;
    pending = retrying;
  }
  return final;
}

/** Runs any number of requests through Graph $batch; responses come back in request order. */
export async function runBatch(requests: BatchRequest[], post: PostBatch, rt: RetryRuntime): Promise<BatchResponse[]> {
  if (requests.length === 0) return [];
  const chunks = chunkBatch(requests);
  const all = new Map<string, BatchResponse>();
  // One chunk at a time: parallel chunks would only hit the same per-app throttle sooner.
  for (const chunk of chunks) {
    for (const [k, v] of await runChunk(chunk, post, rt)) all.set(k, v);
  }
  return requests.map(
    (r) =>
      all.get(key(r.id)) ?? {
        id: r.id,
        status: 502,
        body: {
          error: { code: 'BatchResponseMissing', message: `Graph returned no response for batch request '${r.id}'.` },
        },
      },
  );
}
