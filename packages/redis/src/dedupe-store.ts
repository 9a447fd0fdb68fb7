import type { DedupeStore } from '@miniapp-server/sdk';
import { Connection, type RedisConnectionOptions } from './connection.js';
import { DEFAULT_KEY_PREFIX, dedupeKey } from './keys.js';

/** Options of {@link RedisDedupeStore}. */
export interface RedisDedupeStoreOptions extends RedisConnectionOptions {
  /** @default 'miniapp:' */
  keyPrefix?: string;
  /**
   * How long a push id is remembered. When set it replaces the TTL the receiver asks for.
   * WeChat retries a push within about 15 s, so anything from a minute up is plenty.
   * @default the receiver's value
   */
  ttlSeconds?: number;
}

/**
 * Push dedupe shared by every process: WeChat may deliver a retried push to a different
 * worker, and the handler must still run once. `SET key 1 NX EX ttl` claims a push id;
 * `release` forgets it when the handler failed, so WeChat's next retry runs it again.
 *
 * Docs: https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
export class RedisDedupeStore implements DedupeStore {
  private readonly conn: Connection;
  private readonly prefix: string;
  private readonly ttlSeconds?: number;

  constructor(opts: RedisDedupeStoreOptions) {
    this.conn = new Connection(opts);
    this.prefix = opts.keyPrefix ?? DEFAULT_KEY_PREFIX;
    if (opts.ttlSeconds !== undefined && !(opts.ttlSeconds >= 1)) throw new TypeError('ttlSeconds must be >= 1');
    this.ttlSeconds = opts.ttlSeconds;
  }

  /**
   * @returns true when `key` was new (handle the push), false when it was claimed within the TTL
   * @throws MiniAppError "Redis unavailable: …" when Redis cannot be reached
   */
  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(this.ttlSeconds ?? ttlSeconds));
    const k = dedupeKey(this.prefix, key);
    const ok = await this.conn.run('dedupe claim', (r) => r.set(k, '1', 'EX', ttl, 'NX'));
    return ok === 'OK';
  }

  /** Forgets `key`. */
  async release(key: string): Promise<void> {
    const k = dedupeKey(this.prefix, key);
    await this.conn.run('dedupe release', (r) => r.del(k));
  }
}
