/**
 * The access-token manager: one fetch per refresh, however many callers and processes.
 *
 * - single-flight: concurrent callers in this process share one in-flight fetch;
 * - refresh-ahead: a token with less than min(5 min, half its lifetime) left is refreshed in the
 *   background while callers keep using it; an expired token is awaited;
 * - shared store + lock: processes re-read the store after taking the lock, and callers that
 *   cannot take it poll the store instead of fetching;
 * - invalidate-if-same: after 40001/40014/42001 only the token that failed is deleted, so a newer
 *   token fetched elsewhere survives;
 * - stable mode asks without force_refresh first and forces only when WeChat hands back the very
 *   token that failed (force is limited to 20/day, >= 30 s apart).
 */
import { MiniAppError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { sleep } from '../core/retry.js';
import type { StoredToken, TokenStore } from './store.js';

export type TokenMode = 'stable' | 'classic';

export interface FetchedToken {
  access_token: string;
  expires_in: number;
}

export interface TokenManagerOptions {
  key: string;
  mode: TokenMode;
  store: TokenStore;
  fetch: (forceRefresh: boolean) => Promise<FetchedToken>;
  now: () => number;
  logger?: Logger;
  /** Refresh when less than this remains (capped at half the lifetime). @default 300000 */
  refreshMarginMs?: number;
  /** Lease of the store lock; above the worst-case fetch time. @default 30000 */
  lockLeaseMs?: number;
  /** Poll interval while another process holds the lock. @default 50 */
  lockPollMs?: number;
}

/** What the executor needs from a token source. */
export interface TokenSource {
  /** The cached token if it is fresh, synchronously (the hot path). */
  peek(): string | undefined;
  /** A valid token; `failedToken` = the token WeChat just rejected. */
  get(opts?: { forceRefresh?: boolean; failedToken?: string }): Promise<string>;
}

const STORE_DOWN = Symbol('store-down');

export class TokenManager implements TokenSource {
  private local?: StoredToken;
  private inflight?: Promise<string>;
  private readonly margin: number;
  private readonly lease: number;
  private readonly poll: number;

  constructor(private readonly o: TokenManagerOptions) {
    this.margin = o.refreshMarginMs ?? 300_000;
    this.lease = o.lockLeaseMs ?? 30_000;
    this.poll = o.lockPollMs ?? 50;
  }

  private isValid(t: StoredToken | undefined, now = this.o.now()): boolean {
    return !!t && now < t.expiresAt;
  }
  private isFresh(t: StoredToken | undefined, now = this.o.now()): boolean {
    if (!t) return false;
    const margin = Math.min(this.margin, (t.expiresAt - t.fetchedAt) / 2);
    return now < t.expiresAt - margin;
  }

  peek(): string | undefined {
    const t = this.local;
    return t && this.isFresh(t) ? t.token : undefined;
  }

  async get(opts: { forceRefresh?: boolean; failedToken?: string } = {}): Promise<string> {
    const { forceRefresh = false, failedToken } = opts;
    if (!forceRefresh && !failedToken) {
      const t = this.local;
      if (t && this.isFresh(t)) return t.token;
      if (t && this.isValid(t)) {
        // Refresh ahead in the background; keep serving the still-valid token.
        this.refresh(undefined, false).catch((e) =>
          this.o.logger?.warn?.(`background token refresh failed: ${e?.message}`),
        );
        return t.token;
      }
    }
    const cur = this.local;
    if (failedToken && cur && cur.token !== failedToken && this.isValid(cur)) return cur.token;
    // A refresh already in flight (e.g. background) may hand back the failed token: ask again once.
    for (let i = 0; i < 2; i++) {
      const t = await this.refresh(failedToken, forceRefresh);
      if (!failedToken || t !== failedToken) return t;
    }
    throw new MiniAppError('access token refresh returned the token WeChat just rejected');
  }

  private refresh(failed: string | undefined, force: boolean): Promise<string> {
    if (this.inflight) return this.inflight;
    const p = this.doRefresh(failed, force).finally(() => {
      if (this.inflight === p) this.inflight = undefined;
    });
    this.inflight = p;
    return p;
  }

  private async store<T>(what: string, fn: () => Promise<T>): Promise<T | typeof STORE_DOWN> {
    try {
      return await fn();
    } catch (e) {
      this.o.logger?.warn?.(`token store ${what} failed (${(e as Error)?.message}); using this process's token`);
      return STORE_DOWN;
    }
  }

  private usable(s: StoredToken | undefined | typeof STORE_DOWN, failed?: string): s is StoredToken {
    // (true only for a fresh stored token that is not the one that failed)
    return s !== STORE_DOWN && !!s && this.isFresh(s) && s.token !== failed;
  }

  private async doRefresh(failed: string | undefined, force: boolean): Promise<string> {
    const { store, key } = this.o;
    if (failed) {
      if (this.local?.token === failed) this.local = undefined;
      await this.store('deleteIf', () => store.deleteIf(key, failed));
    }
    if (!force) {
      const s = await this.store('get', () => store.get(key));
      if (this.usable(s, failed)) return this.adopt(s);
      if (s === STORE_DOWN) {
        // Redis (or another shared store) is down: keep serving our own valid token.
        if (this.local && this.isValid(this.local) && this.local.token !== failed) return this.local.token;
        return this.fetchAndStore(failed, force);
      }
    }
    const lock = store.lock;
    if (!lock) return this.fetchAndStore(failed, force);
    const deadline = Date.now() + this.lease * 2;
    for (;;) {
      const release = await this.store('lock', () => lock.acquire(key, this.lease));
      if (release === STORE_DOWN) return this.fetchAndStore(failed, force);
      if (release) {
        try {
          if (!force) {
            const s = await this.store('get', () => store.get(key));
            if (this.usable(s, failed)) return this.adopt(s);
          }
          return await this.fetchAndStore(failed, force);
        } finally {
          await release().catch((e) => this.o.logger?.warn?.(`token lock release failed: ${e?.message}`));
        }
      }
      // Someone else is fetching: wait for their token in the store instead of fetching.
      await sleep(this.poll + Math.random() * this.poll);
      const s = await this.store('get', () => store.get(key));
      if (this.usable(s, failed)) return this.adopt(s);
      const recent = s !== STORE_DOWN ? (s as StoredToken | undefined) : undefined;
      if (force && recent && recent.fetchedAt > this.o.now() - this.lease) return this.adopt(recent);
      if (Date.now() > deadline) {
        this.o.logger?.warn?.('token lock held past twice its lease; fetching without it');
        return this.fetchAndStore(failed, force);
      }
    }
  }

  private adopt(s: StoredToken): string {
    this.local = s;
    return s.token;
  }

  private async fetchAndStore(failed: string | undefined, force: boolean): Promise<string> {
    let r = await this.o.fetch(force);
    if (this.o.mode === 'stable' && !force && failed && r.access_token === failed) {
      this.o.logger?.info?.('stable_token returned the rejected token; asking again with force_refresh');
      r = await this.o.fetch(true);
    }
    if (!r || typeof r.access_token !== 'string' || !r.access_token) {
      throw new MiniAppError('token endpoint returned no access_token');
    }
    const now = this.o.now();
    const expiresIn = Number(r.expires_in) > 0 ? Number(r.expires_in) : 7200;
    const st: StoredToken = { token: r.access_token, fetchedAt: now, expiresAt: now + expiresIn * 1000 };
    this.local = st;
    this.o.logger?.info?.(`fetched ${this.o.mode} access token (expires in ${expiresIn}s)`);
    await this.store('set', () => this.o.store.set(this.o.key, st));
    return st.token;
  }
}

/** A user-supplied token source (a central token service). Called before every request. */
export class CustomTokenSource implements TokenSource {
  constructor(private readonly fn: (ctx: { forceRefresh: boolean; failedToken?: string }) => Promise<string>) {}
  peek(): undefined {
    return undefined;
  }
  async get(opts: { forceRefresh?: boolean; failedToken?: string } = {}): Promise<string> {
    const t = await this.fn({ forceRefresh: !!opts.forceRefresh || !!opts.failedToken, failedToken: opts.failedToken });
    if (typeof t !== 'string' || !t) throw new MiniAppError('the accessToken option returned no token');
    return t;
  }
}
