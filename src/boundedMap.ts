/**
 * A map bounded in size that forgets its oldest entries, for in-process caches (recent writes,
 * formatted times). Entries live in two generations of at most half the limit each: when the
 * newer one fills up it becomes the older one, and the older one is dropped whole.
 *
 * Why not a Map that deletes its oldest key on every insert once full: V8's ordered hash tables
 * keep deleted slots until they rehash, and finding the oldest key (`keys().next()`) walks over
 * them, so each insert into a full cache cost more the bigger the cache was (bench/: a card's time
 * formatting and the store's recent-write checks). Here every operation is O(1); the price is
 * that "oldest" is by generation, not by entry.
 */
export class BoundedMap<K, V> {
  private newer = new Map<K, V>();
  private older = new Map<K, V>();
  private readonly generation: number;

  /** Holds at most `limit` entries (at least the `limit / 2` most recently set). */
  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 2)
      throw new RangeError(`limit must be a whole number ≥ 2, got ${limit}`);
    this.generation = Math.floor(limit / 2);
  }

  get(key: K): V | undefined {
    return this.newer.has(key) ? this.newer.get(key) : this.older.get(key);
  }

  has(key: K): boolean {
    return this.newer.has(key) || this.older.has(key);
  }

  set(key: K, value: V): void {
    // An entry lives in one generation only, so the size bound holds and a stale older copy
    // never shows through after the newer one is dropped.
    this.older.delete(key);
    this.newer.set(key, value);
    if (this.newer.size >= this.generation) {
      this.older = this.newer;
      this.newer = new Map();
    }
  }

  get size(): number {
    return this.newer.size + this.older.size;
  }
}
