/**
 * Sequential tenant round trips, measured from the dev tenant's call log: of the HTTP calls Dragon
 * Desk sent during a step, the longest chain in which each call started only after the previous one
 * had been answered. Calls that overlap in time were sent side by side and cost one wait between
 * them; a `$batch` is one call however many requests it carries. Pure, so a known pattern can be
 * checked (test/bench/roundTrips.test.ts).
 */

export interface TimedCall {
  startMs: number;
  endMs: number;
}

/** Length of the longest chain of calls, each starting at or after the end of the one before. */
export function sequentialRoundTrips(calls: readonly TimedCall[]): number {
  const byEnd = [...calls].sort((a, b) => a.endMs - b.endMs);
  // chain[i]: the longest chain that ends with byEnd[i].
  const chain: number[] = [];
  let longest = 0;
  for (let i = 0; i < byEnd.length; i++) {
    let before = 0;
    for (let j = 0; j < i; j++) if (byEnd[j].endMs <= byEnd[i].startMs) before = Math.max(before, chain[j]);
    chain.push(before + 1);
    longest = Math.max(longest, before + 1);
  }
  return longest;
}
