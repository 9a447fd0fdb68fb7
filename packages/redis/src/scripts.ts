import { createHash } from 'node:crypto';
import type { RedisClient } from './connection.js';

/**
 * A Lua script run with EVALSHA, falling back to EVAL when the server does not know it yet
 * (NOSCRIPT: first use, after a restart or SCRIPT FLUSH, or on a cluster node that has not
 * seen it). Not registered with `defineCommand`, so the user's client object is left alone.
 */
export class LuaScript {
  private readonly sha: string;
  constructor(
    private readonly source: string,
    private readonly numberOfKeys: number,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (keys.length !== this.numberOfKeys) throw new TypeError(`script expects ${this.numberOfKeys} key(s)`);
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Stores a token unless the stored one was fetched later (a writer whose lock lease ran out must
 * not overwrite a newer token: the classic endpoint invalidates older tokens).
 * KEYS[1] token hash; ARGV token, expiresAt, fetchedAt, ttlMs. Returns 1 when written.
 */
export const SET_TOKEN = new LuaScript(
  `local cur = redis.call('HGET', KEYS[1], 'f')
if cur and tonumber(cur) > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], 't', ARGV[1], 'e', ARGV[2], 'f', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`,
  1,
);

/** Deletes the token hash only if it still holds ARGV[1]. Returns 1 when deleted. */
export const DELETE_TOKEN_IF = new LuaScript(
  `if redis.call('HGET', KEYS[1], 't') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  1,
);

/** Deletes the lock only if ARGV[1] still owns it. Returns 1 when released. */
export const RELEASE_LOCK = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  1,
);

/** Extends the lock's lease to ARGV[2] ms only if ARGV[1] still owns it. Returns 1 when extended. */
export const RENEW_LOCK = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`,
  1,
);
