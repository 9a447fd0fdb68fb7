/**
 * HTTP transport: undici's request API on one keep-alive Pool per client. Node's global fetch
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

type UndiciResponse = Dispatcher.ResponseData;
type Fail = (err: unknown) => never;
const readText = (res: UndiciResponse, fail: Fail): Promise<RawResponse> =>
  res.body.text().then((text) => ({ status: res.statusCode, headers: res.headers, body: text }), fail);
const readBytes = (res: UndiciResponse, fail: Fail): Promise<RawResponse> =>
  res.body.arrayBuffer().then((ab) => ({ status: res.statusCode, headers: res.headers, body: Buffer.from(ab) }), fail);

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

  /**
   * Sends one request and reads the whole body. `path` includes the query string. A plain promise
   * chain, not an async function: this runs once per call, and the frames add up.
   */
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
    // undici's own header/body timers are coarse (~1 s resolution, and sub-second values are not
    // honoured: nodejs/undici#4055), so a sub-second budget gets a precise timer of our own.
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    let sig = signal;
    if (timeoutMs < 1000) {
      const ac = new AbortController();
      timer = setTimeout(() => {
        timedOut = true;
        ac.abort();
      }, timeoutMs);
      sig = signal ? AbortSignal.any([signal, ac.signal]) : ac.signal;
    }
    const undiciTimeout = Math.max(timeoutMs, 1000);
    const fail: Fail = (err) => {
      if (timer) clearTimeout(timer);
      if (timedOut) throw new TimeoutError(api, timeoutMs);
      if (signal?.aborted) throw err;
      const code = (err as { code?: string }).code ?? '';
      if (TIMEOUTS.has(code)) throw new TimeoutError(api, timeoutMs);
      throw new NetworkError(api, err, !NOT_SENT.has(code));
    };
    const read = binary ? readBytes : readText;
    let p: Promise<RawResponse>;
    try {
      // Two promises per call: the request's (its failure mapped by `fail`) and the body's.
      p = dispatcher
        .request({
          origin: this.origin,
          method,
          path,
          headers,
          body,
          headersTimeout: undiciTimeout,
          bodyTimeout: undiciTimeout,
          signal: sig,
        })
        .then((res) => read(res, fail), fail);
    } catch (err) {
      return Promise.reject(err).then(undefined, fail);
    }
    if (!timer) return p;
    const t = timer;
    return p.then((res) => {
      clearTimeout(t);
      return res;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.owned && this.dispatcher) await this.dispatcher.close();
  }
}
