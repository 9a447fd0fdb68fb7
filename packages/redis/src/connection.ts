import { MiniAppError } from '@miniapp-server/sdk';
import type { Cluster, Redis } from 'ioredis';

/** The ioredis client you pass in: a standalone/Sentinel `Redis` or a `Cluster`. */
export type RedisClient = Redis | Cluster;

/** Where the stores report Redis outages. `console` fits. */
export interface RedisStoreLogger {
  warn(message: string): void;
  info?(message: string): void;
}

/** Options shared by both stores. */
export interface RedisConnectionOptions {
  /**
   * The ioredis client (`new Redis(...)`, `new Redis({ sentinels, name })` or `new Cluster([...])`).
   * You own it: connect, configure and `quit()` it yourself.
   */
  redis: RedisClient;
  /**
   * Upper bound for one store operation. When Redis does not answer in time the operation fails
   * with "Redis unavailable" instead of hanging the token manager or the push receiver.
   * @default 1000
   */
  commandTimeoutMs?: number;
  /**
   * Receives one warning when Redis becomes unreachable and one note when it is back.
   * @default console
   */
  logger?: RedisStoreLogger;
}

// While ioredis is in one of these states a command would sit in its offline queue until the
// reconnect succeeds (or maxRetriesPerRequest runs out): fail at once instead.
const DOWN = new Set(['reconnecting', 'close', 'end', 'disconnecting']);

// Redis answered, but it cannot serve right now: as good as down for our purposes.
const UNAVAILABLE_REPLIES = /^(LOADING|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN|BUSY)\b/;

/**
 * Watches one ioredis client: keeps its last connection error (so "Redis unavailable" says why)
 * and logs outages once. Listening to 'error' also matters for safety: an EventEmitter 'error'
 * without a listener throws, and some ioredis paths (Cluster subscribers) emit it raw.
 * One monitor per client, shared by every store built on it.
 */
class ConnectionMonitor {
  lastError: string | undefined;
  private outageLogged = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly logger: RedisStoreLogger,
  ) {
    redis.on('error', (err: unknown) => {
      this.lastError = err instanceof Error ? err.message : String(err);
      if (!this.outageLogged) {
        this.outageLogged = true;
        this.logger.warn(
          `@miniapp-server/redis: Redis unavailable (${this.lastError}); ioredis keeps reconnecting, ` +
            'token calls fall back to the token held in memory meanwhile',
        );
      }
    });
    redis.on('ready', () => {
      if (this.outageLogged) this.logger.info?.('@miniapp-server/redis: Redis connection is back');
      this.outageLogged = false;
      this.lastError = undefined;
    });
  }

  get status(): string {
    return this.redis.status;
  }
}

const monitors = new WeakMap<RedisClient, ConnectionMonitor>();

/**
 * Runs store operations against one client: fails fast while the client is disconnected, bounds
 * every operation by a timeout, and turns every failure into a MiniAppError that says whether
 * Redis is down or a command was refused.
 */
export class Connection {
  readonly redis: RedisClient;
  private readonly monitor: ConnectionMonitor;
  private readonly timeoutMs: number;

  constructor(opts: RedisConnectionOptions) {
    if (!opts?.redis || typeof (opts.redis as { evalsha?: unknown }).evalsha !== 'function') {
      throw new TypeError('@miniapp-server/redis: pass an ioredis client as { redis }');
    }
    this.redis = opts.redis;
    this.timeoutMs = opts.commandTimeoutMs ?? 1000;
    let monitor = monitors.get(opts.redis);
    if (!monitor) {
      monitor = new ConnectionMonitor(opts.redis, opts.logger ?? console);
      monitors.set(opts.redis, monitor);
    }
    this.monitor = monitor;
  }

  /** The error to throw while Redis cannot be reached. */
  unavailable(reason: string, cause?: unknown): MiniAppError {
    const last =
      this.monitor.lastError && !reason.includes(this.monitor.lastError)
        ? `; last error: ${this.monitor.lastError}`
        : '';
    return new MiniAppError(`Redis unavailable: ${reason}${last}`, { cause });
  }

  /** Runs `fn` (which sends commands on `this.redis`) under the fail-fast and timeout rules. */
  async run<T>(what: string, fn: (redis: RedisClient) => Promise<T>): Promise<T> {
    const status = this.monitor.status;
    if (DOWN.has(status)) throw this.unavailable(`connection is ${status} (${what} not sent)`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(this.unavailable(`no reply to ${what} within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      // The losing promise's rejection is handled by race(), so a late failure is not unhandled.
      return await Promise.race([fn(this.redis), timeout]);
    } catch (err) {
      if (err instanceof MiniAppError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const replied = err instanceof Error && err.name === 'ReplyError';
      if (replied && !UNAVAILABLE_REPLIES.test(message)) {
        throw new MiniAppError(`Redis ${what} failed: ${message}`, { cause: err });
      }
      throw this.unavailable(`${what} failed: ${message}`, err);
    } finally {
      clearTimeout(timer);
    }
  }
}
