/**
 * Where access tokens live. The in-memory store serves one process; a shared store
 * (e.g. `@miniapp-server/redis`) coordinates a cluster. Keys are opaque strings built by the
 * token manager from the appid and token kind, e.g. `stable:wx1234`.
 */
export interface StoredToken {
  /** The access_token. */
  token: string;
  /** Absolute expiry, epoch milliseconds (as reported by WeChat's expires_in at fetch time). */
  expiresAt: number;
  /** When it was fetched, epoch milliseconds. */
  fetchedAt: number;
}

export interface TokenStore {
  get(key: string): Promise<StoredToken | undefined>;
  /** Stores the token; a store may expire it at `value.expiresAt`. */
  set(key: string, value: StoredToken): Promise<void>;
  /**
   * Deletes the token only if it is still `token` (compare-and-delete), so a newer token
   * fetched by another process survives a stale 40001.
   * @returns true when it was deleted.
   */
  deleteIf(key: string, token: string): Promise<boolean>;
  /**
   * Optional cross-process lock around a token fetch. Absent: the manager's in-process
   * single-flight is the only guard.
   */
  lock?: TokenLock;
}

export interface TokenLock {
  /**
   * Tries to take the lock for `key` with a lease of `leaseMs`.
   * @returns a release function when acquired, or undefined when someone else holds it.
   */
  acquire(key: string, leaseMs: number): Promise<(() => Promise<void>) | undefined>;
}

/** The default store: a Map in this process. */
export class MemoryTokenStore implements TokenStore {
  private readonly map = new Map<string, StoredToken>();
  async get(key: string): Promise<StoredToken | undefined> {
    return this.map.get(key);
  }
  async set(key: string, value: StoredToken): Promise<void> {
    this.map.set(key, value);
  }
  async deleteIf(key: string, token: string): Promise<boolean> {
    const cur = this.map.get(key);
    if (cur && cur.token === token) {
      this.map.delete(key);
      return true;
    }
    return false;
  }
}
