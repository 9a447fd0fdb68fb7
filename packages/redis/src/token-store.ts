import type { StoredToken, TokenStore } from '@miniapp-server/sdk';
import { Connection, type RedisConnectionOptions } from './connection.js';
import { DEFAULT_KEY_PREFIX, tokenKeys } from './keys.js';
import { RedisTokenLock } from './lock.js';
import { DELETE_TOKEN_IF, SET_TOKEN } from './scripts.js';

/** Options of {@link RedisTokenStore}. */
export interface RedisTokenStoreOptions extends RedisConnectionOptions {
  /**
   * Prefix of every key; give each environment (prod, staging) its own when they share a Redis.
   * @default 'miniapp:'
   */
  keyPrefix?: string;
  /**
   * The longest one process keeps renewing the fetch lock's lease (see {@link RedisTokenLock}).
   * @default 60000
   */
  maxLockHoldMs?: number;
}

// The token manager may run on a test clock (the emulator's virtual time). When `fetchedAt` is
// far from this machine's clock, expire after the token's lifetime instead of at `expiresAt`,
// which would otherwise be hours off in one direction or the other.
function ttlOf(value: StoredToken, now: number): number {
  const sameClock = Math.abs(now - value.fetchedAt) < 60_000;
  return sameClock ? value.expiresAt - now : value.expiresAt - value.fetchedAt;
}

/**
 * Access tokens shared by every process of a deployment through Redis, with a leased lock so a
 * cold start or a 40001 leads to one token fetch across the cluster, not one per process.
 *
 * Pass it to the client: `new MiniApp({ appId, appSecret, tokenStore: new RedisTokenStore({ redis }) })`.
 * Keys are namespaced by appid and token kind (classic and stable never collide; several apps
 * can share one Redis) and expire with the token. Every operation fails fast with
 * "Redis unavailable: …" while Redis is down; the token manager then uses the token it holds.
 *
 * Docs: https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html
 * ("建议开发者使用中控服务器统一获取和刷新 access_token").
 */
export class RedisTokenStore implements TokenStore {
  /** The cross-process lock the token manager takes around a fetch. */
  readonly lock: RedisTokenLock;
  private readonly conn: Connection;
  private readonly prefix: string;

  constructor(opts: RedisTokenStoreOptions) {
    this.conn = new Connection(opts);
    this.prefix = opts.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.lock = new RedisTokenLock(this.conn, {
      keyPrefix: this.prefix,
      maxHoldMs: opts.maxLockHoldMs,
      logger: opts.logger ?? console,
    });
  }

  /** Reads the token stored for a key (`<kind>:<appid>`), or undefined. */
  async get(key: string): Promise<StoredToken | undefined> {
    const k = tokenKeys(this.prefix, key).token;
    const h = await this.conn.run('token get', (r) => r.hgetall(k));
    const expiresAt = Number(h.e);
    const fetchedAt = Number(h.f);
    // Missing or malformed (written by something else): treat as absent and fetch anew.
    if (!h.t || !Number.isFinite(expiresAt) || !Number.isFinite(fetchedAt)) return undefined;
    return { token: h.t, expiresAt, fetchedAt };
  }

  /**
   * Stores a token until `expiresAt`. A token fetched earlier than the stored one is not
   * written (the newer token wins, whatever order the writes arrive in). An already expired
   * token is not stored. The key's TTL is the time left until `expiresAt` (or, when `fetchedAt`
   * is on a clock more than a minute away from this machine's, the token's lifetime).
   */
  async set(key: string, value: StoredToken): Promise<void> {
    const ttlMs = Math.ceil(ttlOf(value, Date.now()));
    if (!(ttlMs > 0)) return;
    const k = tokenKeys(this.prefix, key).token;
    await this.conn.run('token set', (r) =>
      SET_TOKEN.run(r, [k], [value.token, value.expiresAt, value.fetchedAt, ttlMs]),
    );
  }

  /** Deletes the stored token only if it is still `token` (atomic compare-and-delete). */
  async deleteIf(key: string, token: string): Promise<boolean> {
    const k = tokenKeys(this.prefix, key).token;
    const n = await this.conn.run('token delete', (r) => DELETE_TOKEN_IF.run(r, [k], [token]));
    return n === 1;
  }
}
