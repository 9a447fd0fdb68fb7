import { randomBytes } from 'node:crypto';
import type { TokenLock } from '@miniapp-server/sdk';
import type { Connection, RedisStoreLogger } from './connection.js';
import { tokenKeys } from './keys.js';
import { RELEASE_LOCK, RENEW_LOCK } from './scripts.js';

/** Options of {@link RedisTokenLock}. */
export interface RedisTokenLockOptions {
  /** Key prefix, shared with the token store. */
  keyPrefix: string;
  /**
   * The longest a holder keeps renewing its lease. A holder stuck longer than this (a hung fetch)
   * lets the lease run out so another process can take over.
   * @default 60000
   */
  maxHoldMs?: number;
  logger: RedisStoreLogger;
}

/**
 * The distributed lock around a token fetch: `SET key <random owner> NX PX <lease>`.
 *
 * - Only the owner can release it (compare-and-delete in Lua), so a holder whose lease ran out
 *   cannot delete the lock a newer holder took.
 * - While held, the lease is renewed every third of its length (compare-and-PEXPIRE), so a
 *   slow fetch keeps the lock and a crashed holder loses it at most one lease later.
 * - Not Redlock: on a single primary (standalone, Sentinel or one cluster shard) it is as safe
 *   as that primary; a failover can lose a lock, which costs at most one extra token fetch and
 *   the token store's keep-newer rule stops an older token from overwriting a newer one.
 */
export class RedisTokenLock implements TokenLock {
  private readonly maxHoldMs: number;

  constructor(
    private readonly conn: Connection,
    private readonly opts: RedisTokenLockOptions,
  ) {
    this.maxHoldMs = opts.maxHoldMs ?? 60_000;
  }

  /**
   * Tries once to take the lock for a token-store key.
   * @param key the token manager's store key, e.g. `stable:wx1234`
   * @param leaseMs how long the lock survives without renewal (should exceed a normal token fetch)
   * @returns a release function when acquired, undefined when another holder has it
   * @throws MiniAppError "Redis unavailable: …" when Redis cannot be reached
   */
  async acquire(key: string, leaseMs: number): Promise<(() => Promise<void>) | undefined> {
    const lease = Math.max(1, Math.ceil(leaseMs));
    if (!Number.isFinite(lease)) throw new TypeError('leaseMs must be a finite number');
    const lockKey = tokenKeys(this.opts.keyPrefix, key).lock;
    const owner = randomBytes(16).toString('hex');
    let ok: string | null;
    try {
      ok = await this.conn.run('lock acquire', (r) => r.set(lockKey, owner, 'PX', lease, 'NX'));
    } catch (err) {
      // A timed-out SET may still have been applied: drop it now rather than block everyone
      // for a whole lease. Best effort; the lease bounds it anyway.
      this.conn.run('lock release', (r) => RELEASE_LOCK.run(r, [lockKey], [owner])).catch(() => {});
      throw err;
    }
    if (ok !== 'OK') return undefined;
    return this.held(lockKey, owner, lease);
  }

  private held(lockKey: string, owner: string, lease: number): () => Promise<void> {
    const started = Date.now();
    let released = false;
    let renewing = false;
    const timer = setInterval(
      () => {
        if (released || renewing) return;
        if (Date.now() - started > this.maxHoldMs) {
          clearInterval(timer);
          this.opts.logger.warn(
            `@miniapp-server/redis: token lock ${lockKey} held over ${this.maxHoldMs} ms; no longer renewing its lease`,
          );
          return;
        }
        renewing = true;
        this.conn
          .run('lock renew', (r) => RENEW_LOCK.run(r, [lockKey], [owner, lease]))
          .then((n) => {
            if (n === 1 || released) return;
            clearInterval(timer);
            this.opts.logger.warn(`@miniapp-server/redis: token lock ${lockKey} was lost (lease expired) while held`);
          })
          // Redis briefly unreachable: try again on the next tick; the lease covers the gap or
          // lapses, which is the correct outcome either way.
          .catch(() => {})
          .finally(() => {
            renewing = false;
          });
      },
      Math.max(10, Math.floor(lease / 3)),
    );
    // Renewal must never keep a process alive on its own.
    timer.unref();

    return async () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      try {
        await this.conn.run('lock release', (r) => RELEASE_LOCK.run(r, [lockKey], [owner]));
      } catch (err) {
        // Never fail the caller's (successful) token fetch over this: the lease frees the lock.
        this.opts.logger.warn(
          `@miniapp-server/redis: could not release token lock ${lockKey}, it frees itself within ${lease} ms: ${
            err instanceof Error ? err.message : String(err)
          }`,
        );
      }
    };
  }
}
