/**
 * The access-token manager: one fetch per refresh, however many callers and processes.
 *
 * - single-flight: concurrent callers in this process share one in-flight fetch, and so share
 *   its retries (the fetch itself is retried with the client's backoff on transient failures);
 * - refresh-ahead: a token with less than min(5 min, half its lifetime) left is refreshed in the
 *   background while callers keep using it; an expired token is awaited;
 * - shared store + lock: processes re-read the store after taking the lock, and callers that
 *   cannot take it poll the store instead of fetching;
 * - a token is replaced, never deleted first: after 40001/40014/42001 the token that failed stops
 *   being served here, and the store keeps it until a new one is in hand (a newer token another
 *   process stored is adopted instead of fetching);
 * - stable mode asks without force_refresh first and forces only when WeChat hands back the very
 *   token that failed (force is limited to 20/day, >= 30 s apart). When even the force returns
 *   it (a force within 30 s of the last does), WeChat has just confirmed it as current: it is
 *   handed back and the call replayed once with it. At most 2 token requests per 40001 event.
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
  /** The refresh in flight, and the rejected token it was started for. */
  private inflight?: { promise: Promise<string>; failed?: string };
  /** A token WeChat rejected: not served from the local cache until a refresh settles it. */
  private rejected?: string;
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
    return t && this.isFresh(t) && t.token !== this.rejected ? t.token : undefined;
  }

  async get(opts: { forceRefresh?: boolean; failedToken?: string } = {}): Promise<string> {
    const { forceRefresh = false, failedToken } = opts;
    if (failedToken) return this.replace(failedToken);
    if (!forceRefresh) {
      const t = this.local;
      if (t && t.token !== this.rejected) {
        if (this.isFresh(t)) return t.token;
        if (this.isValid(t)) {
          // Refresh ahead in the background; keep serving the still-valid token.
          this.refresh(undefined, false).catch((e) =>
            this.o.logger?.warn?.(`background token refresh failed: ${e?.message}`),
          );
          return t.token;
        }
      }
    }
    return this.refresh(undefined, forceRefresh);
  }

  /**
   * A token to replace `failed`, which WeChat just rejected. Every caller that saw it fail shares
   * one replacement; a refresh already in flight (e.g. refresh-ahead) is used when it brings a
   * different token, and counts as the first ask when it brings the same one.
   */
  private async replace(failed: string): Promise<string> {
    const cur = this.local;
    if (cur && cur.token !== failed && this.isValid(cur)) return cur.token;
    this.rejected = failed;
    let asked = false;
    const running = this.inflight;
    if (running) {
      let t: string | undefined;
      try {
        t = await running.promise;
      } catch (e) {
        // The replacement itself failed (after its retries): every caller waiting on it shares that.
        if (running.failed === failed) throw e;
      }
      if (t !== undefined) {
        if (t !== failed || running.failed === failed) return t;
        asked = true;
      }
    }
    return this.refresh(failed, false, asked);
  }

  private refresh(failed: string | undefined, force: boolean, asked = false): Promise<string> {
    if (this.inflight) return this.inflight.promise;
    const promise = this.doRefresh(failed, force, asked).finally(() => {
      if (this.inflight?.promise === promise) this.inflight = undefined;
    });
    this.inflight = { promise, failed };
    return promise;
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

  private async doRefresh(failed: string | undefined, force: boolean, asked: boolean): Promise<string> {
    const { store, key } = this.o;
    if (!force) {
      const s = await this.store('get', () => store.get(key));
      if (this.usable(s, failed)) return this.adopt(s);
      if (s === STORE_DOWN) {
        // Redis (or another shared store) is down: keep serving our own valid token.
        if (this.local && this.isValid(this.local) && this.local.token !== failed) return this.local.token;
        return this.fetchAndStore(failed, force, asked);
      }
    }
    const lock = store.lock;
    if (!lock) return this.fetchAndStore(failed, force, asked);
    const deadline = Date.now() + this.lease * 2;
    for (;;) {
      const release = await this.store('lock', () => lock.acquire(key, this.lease));
      if (release === STORE_DOWN) return this.fetchAndStore(failed, force, asked);
      if (release) {
        try {
          if (!force) {
            const s = await this.store('get', () => store.get(key));
            if (this.usable(s, failed)) return this.adopt(s);
          }
          return await this.fetchAndStore(failed, force, asked);
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
        return this.fetchAndStore(failed, force, asked);
      }
    }
  }

  /** After a failed force: serve the rejected token again, since stable_token just confirmed it. */
  private keepConfirmed(token: string, error: unknown): string {
    this.o.logger?.warn?.(
      `force_refresh failed (${(error as Error)?.message}); replaying with the token stable_token just returned`,
    );
    this.rejected = undefined;
    return token;
  }

  private adopt(s: StoredToken): string {
    this.local = s;
    this.rejected = undefined;
    return s.token;
  }

  /**
   * Fetches and stores a token. After a rejection in stable mode: ask (unless a refresh already
   * in flight asked), and force only if the answer is the rejected token; whatever the force
   * returns is kept, even that same token (WeChat just confirmed it as current).
   */
  private async fetchAndStore(failed: string | undefined, force: boolean, asked: boolean): Promise<string> {
    const stable = this.o.mode === 'stable';
    let r: FetchedToken;
    if (stable && !force && failed && asked) {
      // The refresh in flight already asked and got the rejected token back as current.
      try {
        r = await this.o.fetch(true);
      } catch (e) {
        return this.keepConfirmed(failed, e);
      }
    } else {
      r = await this.o.fetch(force);
      if (stable && !force && failed && r?.access_token === failed) {
        this.o.logger?.info?.('stable_token returned the rejected token; asking again with force_refresh');
        try {
          r = await this.o.fetch(true);
        } catch (e) {
          // A failed force (never retried once sent) must not fail every waiting call: WeChat
          // has just handed this token back as current, so it is the one to replay with.
          this.keepConfirmed(failed, e);
        }
      }
    }
    if (!r || typeof r.access_token !== 'string' || !r.access_token) {
      throw new MiniAppError('token endpoint returned no access_token');
    }
    if (failed && r.access_token === failed) {
      this.o.logger?.info?.('WeChat confirmed the rejected token as current; replaying the call once with it');
    }
    this.rejected = undefined;
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
