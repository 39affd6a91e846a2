/**
 * Rows this process wrote (or confirmed) recently, so an unchanged row is not written again: the
 * same conversation reference on every turn, the same card copy recorded on every click. Bounded
 * in count (the oldest are forgotten) and in time: another instance may change the row meanwhile,
 * and ours then does not overwrite it until the entry expires.
 */
import { BoundedMap } from '../boundedMap';

export class RecentWrites {
  private readonly seen: BoundedMap<string, { value: string; at: number }>;

  constructor(
    limit: number,
    private readonly ttlMs: number,
  ) {
    this.seen = new BoundedMap(limit);
  }

  /** Whether `key` was written with exactly `value` within the TTL. */
  unchanged(key: string, value: string, nowMs: number): boolean {
    return this.recent(key, nowMs) === value;
  }

  /** The value written for `key` within the TTL, if any. */
  recent(key: string, nowMs: number): string | undefined {
    const known = this.seen.get(key);
    return known !== undefined && nowMs - known.at < this.ttlMs ? known.value : undefined;
  }

  remember(key: string, value: string, nowMs: number): void {
    this.seen.set(key, { value, at: nowMs });
  }
}
