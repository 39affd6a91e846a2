/**
 * How long the dev tenant takes to answer. It answers in microseconds; Microsoft Graph and ARM
 * answer in tens to hundreds of milliseconds, and what a person waits for in chat is decided by how
 * many of those round trips a step makes one after the other. With a latency set
 * (`DEV_TENANT_LATENCY_MS`, or `startDevTenant({ latency })`), every answer is held back by it, so
 * the number of sequential round trips shows as wall time, in development and in the benchmark.
 *
 * What is modelled: a request is carried out as it arrives, and its answer leaves one latency
 * sample after it arrived (a write has taken effect before its answer is back, as on a real
 * tenant). A `$batch`'s inner requests each take a sample of their own and run side by side, a
 * `dependsOn` request only after the one it depends on has answered; the batch answers when its
 * last inner request has, or after a sample of its own if that is later. So a batch of independent
 * reads costs about one round trip, like a single GET. [U] The reference (json-batching: dependsOn
 * sets the order, answers may come back in any order) does not say how long a batch takes; "about
 * its slowest inner request" is an assumption, and the envelope's own overhead is not modelled.
 */

/** A latency in milliseconds: fixed (min = max) or spread uniformly between min and max. */
export interface Latency {
  minMs: number;
  maxMs: number;
}

/** The longest latency accepted: beyond it the client's own attempt timeout would be the test. */
const MAX_LATENCY_MS = 10_000;

/**
 * `100` (every answer 100 ms) or `80-250` (uniform between 80 and 250 ms). Empty or `0` means none.
 * Throws with what is expected on anything else.
 */
export function parseLatency(text: string | undefined): Latency | undefined {
  const t = (text ?? '').trim();
  if (t === '') return undefined;
  const m = /^(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?$/.exec(t);
  const min = m ? Number(m[1]) : NaN;
  const max = m?.[2] !== undefined ? Number(m[2]) : min;
  if (!m || !(min <= max) || max > MAX_LATENCY_MS)
    throw new Error(
      `expected milliseconds per answer, e.g. 100, or a range for a uniform spread, e.g. 80-250 (at most ${MAX_LATENCY_MS}), got "${t}"`,
    );
  return max === 0 ? undefined : { minMs: min, maxMs: max };
}

/** One answer's latency. */
export function sampleLatency(latency: Latency, random: () => number = Math.random): number {
  return latency.minMs + (latency.maxMs - latency.minMs) * random();
}

export function describeLatency(latency: Latency | undefined): string {
  if (!latency) return 'none';
  return latency.minMs === latency.maxMs ? `${latency.minMs} ms` : `${latency.minMs}-${latency.maxMs} ms`;
}

/**
 * How much longer an answer waits: one latency sample counted from when the request arrived, less
 * the time it already took (a $batch waiting for its inner requests has mostly paid it).
 */
export function answerDelayMs(latency: Latency, elapsedMs: number, random: () => number = Math.random): number {
  return Math.max(0, sampleLatency(latency, random) - elapsedMs);
}
