/**
 * Remembers which pushes were already handled, so WeChat's retries (it re-sends a push it
 * got no answer to within 5 s, three times) run the handler once.
 */
export interface DedupeStore {
  /**
   * Records `key` if it is new.
   * @returns true when the key was new (handle the push), false when it was seen within the TTL.
   */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Forgets `key` (used when the handler failed, so WeChat's retry can run it again). */
  release?(key: string): Promise<void>;
}

/** In-memory DedupeStore with TTL; bounded so a flood of unique keys cannot grow it forever. */
export class MemoryDedupeStore implements DedupeStore {
  private readonly seen = new Map<string, number>();
  constructor(private readonly maxEntries = 100_000) {}
  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const now = Date.now();
    const exp = this.seen.get(key);
    if (exp !== undefined && exp > now) return false;
    if (this.seen.size >= this.maxEntries) this.sweep(now);
    this.seen.set(key, now + ttlSeconds * 1000);
    return true;
  }
  async release(key: string): Promise<void> {
    this.seen.delete(key);
  }
  private sweep(now: number): void {
    for (const [k, exp] of this.seen) if (exp <= now) this.seen.delete(k);
    // Still full: drop the oldest insertions (Map keeps insertion order).
    while (this.seen.size >= this.maxEntries) {
      const first = this.seen.keys().next().value as string;
      this.seen.delete(first);
    }
  }
}
