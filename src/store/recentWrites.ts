/**
 * Rows this process wrote (or confirmed) recently, so an unchanged row is not written again: the
 * same conversation reference on every turn, the same card copy recorded on every click. Bounded
 * in count (the oldest are forgotten) and in time: another instance may change the row meanwhile,
 * and ours then does not overwrite it until the entry expires.
 */
export class RecentWrites {
  private readonly seen = new Map<string, { value: string; at: number }>();

  constructor(
    private readonly limit: number,
    private readonly ttlMs: number,
  ) {}

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
    this.seen.delete(key);
    if (this.seen.size >= this.limit) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(key, { value, at: nowMs });
  }
}
