/**
 * HTTP transport: undici's dispatch API on one keep-alive Pool per client. Node's global fetch
 * tops out near a quarter of undici.request's throughput on loopback (ARCHITECTURE.md), so the
 * SDK talks to undici directly. undici is loaded with the first request (it is most of the
 * SDK's import time), never when a dispatcher of your own is given.
 */
import type { Dispatcher } from 'undici';
import { lazyRequire } from '../internal/lazy-require.js';
import { NetworkError, TimeoutError, ValidationError } from './errors.js';

export interface TransportOptions {
  /** Max sockets to the API host. @default 64 */
  connections?: number;
  /** Idle keep-alive time of a socket. @default 30000 */
  keepAliveTimeoutMs?: number;
  /** Use your own undici Dispatcher (proxy agent, mock agent, shared pool). */
  dispatcher?: Dispatcher;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body: text for JSON endpoints (decoded once), bytes for binary ones. */
  body: Buffer | string;
}

// Failures that happen before a byte of the request can have reached the server.
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * One request's undici handler: collects the body, maps failures to the SDK's errors, and settles
 * the call's promise. A Dispatcher's `dispatch` with this handler, rather than `request()`, because
 * request() wraps every response in a stream.Readable that the SDK only drains into one buffer
 * again: about 10 % of a loopback call's CPU (bench/RESULTS.md). The legacy handler methods are the
 * ones every Dispatcher (undici 5–7, MockAgent, ProxyAgent, composed interceptors) calls natively.
 */
class Exchange {
  private status = 0;
  private rawHeaders: readonly (Buffer | string)[] = [];
  private readonly chunks: Buffer[] = [];
  private abortFn: ((reason?: Error) => void) | undefined;
  /** Why the call was cancelled before undici handed out its abort function. */
  private reason: Error | undefined;
  private settled = false;
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private onAbort: (() => void) | undefined;
  readonly done: Promise<RawResponse>;
  private resolve!: (res: RawResponse) => void;
  private reject!: (err: unknown) => void;

  constructor(
    private readonly api: string,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
    private readonly binary: boolean,
  ) {
    this.done = new Promise<RawResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (signal) {
      // What request() does with a signal: its reason (an AbortError) is the call's error.
      const abort = () => this.cancel(signal.reason ?? new DOMException('This operation was aborted', 'AbortError'));
      if (signal.aborted) abort();
      else {
        this.onAbort = abort;
        signal.addEventListener('abort', abort, { once: true });
      }
    }
    // undici's own header/body timers are coarse (~1 s resolution, and sub-second values are not
    // honoured: nodejs/undici#4055), so a sub-second budget gets a precise timer of our own.
    if (timeoutMs < 1000 && !this.settled) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.cancel(new TimeoutError(api, timeoutMs));
      }, timeoutMs);
    }
  }

  /**
   * Aborts the request. One still queued for a socket (undici hands out its abort function only
   * when it is about to write) is rejected now and dropped, unsent, when its turn comes.
   */
  private cancel(reason: Error): void {
    if (this.abortFn) this.abortFn(reason);
    else {
      this.reason = reason;
      this.onError(reason);
    }
  }

  /** The first settlement wins; the timer and the abort listener go with it. */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
    return true;
  }

  /** undici's failure as the SDK's: a TimeoutError, the abort reason, or a NetworkError. */
  private failure(err: unknown): unknown {
    // Before onConnect the request was still queued for a socket and is never written: not sent.
    if (this.timedOut) return new TimeoutError(this.api, this.timeoutMs, this.abortFn !== undefined);
    if (this.signal?.aborted) return err;
    const code = (err as { code?: string } | undefined)?.code ?? '';
    if (TIMEOUTS.has(code)) return new TimeoutError(this.api, this.timeoutMs);
    return new NetworkError(this.api, err, !NOT_SENT.has(code));
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.reason) abort(this.reason);
    else this.abortFn = abort;
  }

  onHeaders(status: number, rawHeaders: readonly (Buffer | string)[]): boolean {
    // 1xx: informational, the final answer follows.
    if (status >= 200) {
      this.status = status;
      this.rawHeaders = rawHeaders;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (!this.settle()) return;
    const { chunks } = this;
    let body: Buffer | string;
    if (this.binary) body = Buffer.concat(chunks);
    else if (chunks.length === 0) body = '';
    else {
      const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      // A UTF-8 BOM is skipped, as undici's text() does.
      const bom = buf.length > 2 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
      body = buf.toString('utf8', bom ? 3 : 0);
    }
    this.resolve({ status: this.status, headers: headersOf(this.rawHeaders), body });
  }

  onError(err: Error): void {
    if (this.settle()) this.reject(this.failure(err));
  }
}

/** undici's raw header list as an object: names lower-cased, repeated names as arrays (its parseHeaders). */
function headersOf(raw: readonly (Buffer | string)[]): RawResponse['headers'] {
  const out: RawResponse['headers'] = Object.create(null);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i].toString('latin1').toLowerCase();
    const value = raw[i + 1].toString('latin1');
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return out;
}

export class Transport {
  readonly origin: string;
  /** Path prefix of the base URL (usually empty). */
  readonly prefix: string;
  /** The caller's dispatcher, or our Pool once the first request made it. */
  private dispatcher: Dispatcher | undefined;
  private readonly owned: boolean;
  private readonly poolOptions: { connections: number; keepAliveTimeout: number };

  constructor(baseUrl: string, opts: TransportOptions = {}) {
    const u = new URL(baseUrl);
    this.origin = u.origin;
    this.prefix = u.pathname.replace(/\/+$/, '');
    this.owned = !opts.dispatcher;
    this.dispatcher = opts.dispatcher;
    // undici's own check, made here because the Pool is only built with the first request.
    const c = opts.connections;
    if (c != null && (typeof c !== 'number' || !Number.isFinite(c) || c < 0)) {
      throw new ValidationError('`connections` must be a non-negative number (0: no limit)', { field: 'connections' });
    }
    this.poolOptions = { connections: opts.connections ?? 64, keepAliveTimeout: opts.keepAliveTimeoutMs ?? 30_000 };
  }

  private closed = false;

  private pool(): Dispatcher {
    const { Pool } = lazyRequire('undici') as typeof import('undici');
    const pool = new Pool(this.origin, this.poolOptions);
    // Closed before its first request: requests fail as they did on a closed Pool.
    if (this.closed) void pool.close();
    this.dispatcher = pool;
    return pool;
  }

  /** Sends one request and reads the whole body. `path` includes the query string. */
  send(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string> | undefined,
    body: string | Buffer | undefined,
    timeoutMs: number,
    api: string,
    signal: AbortSignal | undefined,
    binary: boolean,
  ): Promise<RawResponse> {
    const dispatcher = this.dispatcher ?? this.pool();
    const ex = new Exchange(api, timeoutMs, signal, binary);
    const undiciTimeout = Math.max(timeoutMs, 1000);
    try {
      dispatcher.dispatch(
        {
          origin: this.origin,
          method,
          path,
          headers,
          body,
          headersTimeout: undiciTimeout,
          bodyTimeout: undiciTimeout,
        },
        ex as unknown as Dispatcher.DispatchHandler,
      );
    } catch (err) {
      // Dispatchers report their failures to onError; one that throws instead is treated alike.
      ex.onError(err as Error);
    }
    return ex.done;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.owned && this.dispatcher) await this.dispatcher.close();
  }
}
