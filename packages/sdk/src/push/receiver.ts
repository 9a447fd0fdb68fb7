/**
 * The message-push receiver: verify -> decrypt -> parse -> dedupe -> dispatch -> reply, in one
 * framework-neutral `handle()`. Adapters for node http / Express / Koa / Fastify / fetch only move
 * bytes in and out.
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
import { DecryptError, MiniAppError, ValidationError } from '../core/errors.js';
import {
  assertEncodingAESKey,
  decryptMessage,
  encryptMessage,
  msgSignature,
  safeEqual,
  signature,
} from '../crypto/message.js';
import { fetchHandler } from './adapters/fetch.js';
import { type FastifyPluginOptions, fastifyPlugin } from './adapters/fastify.js';
import { type KoaMiddleware, koaMiddleware } from './adapters/koa.js';
import { type NodeHandler, nodeHandler } from './adapters/node.js';
import { type DedupeStore, defaultDedupeKey, MemoryDedupeStore } from './dedupe.js';
import { completeReply } from './replies.js';
import { type PushEventMap, type PushMessage, pushEventName } from './events.js';
import { detectFormat, extractEncrypt, type PushFormat, PushParseError, parsePush, serialisePush } from './formats.js';
import { type PushEndpoint, type PushLogger, type PushRequest, type PushResponse, TEXT } from './http.js';
import { RefusalLog } from './refusals.js';

export type { PushEndpoint, PushLogger, PushRequest, PushResponse } from './http.js';

export interface PushDedupeOptions {
  /** @default new MemoryDedupeStore() (per process; use the Redis store with several instances) */
  store?: DedupeStore;
  /**
   * How long a handled push is remembered. WeChat retries within ~20 s.
   * @default 300
   */
  ttlSeconds?: number;
  /** The key of a push (stored as `push:<appId>:<key>`); return undefined to never dedupe it. @default defaultDedupeKey */
  key?: (message: PushMessage) => string | undefined;
}

export interface PushReceiverOptions {
  /** The Token from the push configuration (消息推送配置). */
  token: string;
  /** Your appid: decrypted pushes must carry it. */
  appId: string;
  /** The 43-character EncodingAESKey; required for safe and compatible mode. */
  encodingAESKey?: string;
  /**
   * Refuse plaintext pushes (answer 401). Needs `encodingAESKey`.
   * @default false
   */
  requireEncryption?: boolean;
  /**
   * Reject requests whose `timestamp` is further than this from now (replays). 0 disables.
   * @default 300
   */
  timestampToleranceSeconds?: number;
  /**
   * Run each push's handlers once although WeChat retries it. `false` disables; a DedupeStore
   * (e.g. the Redis one) or options.
   * @default { store: new MemoryDedupeStore(), ttlSeconds: 300 }
   */
  dedupe?: false | DedupeStore | PushDedupeOptions;
  /**
   * When handlers take longer, reply `success` (WeChat gives up after 5 s and retries) and let them
   * finish in the background; the overrun is logged.
   * @default 4500
   */
  handlerBudgetMs?: number;
  /**
   * Larger bodies are refused with 413 as soon as the limit is passed (the rest is not read and
   * the connection is closed).
   * @default 1048576 (1 MiB)
   */
  maxBodyBytes?: number;
  /**
   * A body not fully received within this many ms is refused with 408 and the connection closed
   * (WeChat itself gives up on a push after 5 s).
   * @default 5000
   */
  bodyTimeoutMs?: number;
  /**
   * Refusals (bad signatures, malformed or oversized bodies...) are logged at most once per kind
   * per interval, with one summary line counting the repeats. 0 logs every refusal.
   * @default 60000
   */
  refusalLogIntervalMs?: number;
  /** @default warnings and errors to `console.error` */
  logger?: PushLogger;
  /** The clock, Unix milliseconds (for tests and emulators). @default Date.now */
  now?: () => number;
}

/** Passed to handlers beside the message. */
export interface PushContext {
  /** The dispatch name, e.g. `text` or `event.update_waybill_status`. */
  name: string;
  /** The request's format; an object reply is serialised in it. */
  format: PushFormat;
  /** Whether the push was encrypted; an object reply is then encrypted too. */
  encrypted: boolean;
  /** The dedupe key, when deduplication applies. */
  dedupeKey?: string;
  /** The query string values (first value of each). */
  query: Record<string, string>;
}

/** An object (serialised in the request's format, encrypted if the request was), a raw string, or nothing (`success`). */
export type PushReply = Record<string, unknown> | string | null | undefined;
export type PushHandler<T = PushMessage> = (
  message: T,
  ctx: PushContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: lets `async (m) => { ... }` (Promise<void>) be a handler
) => PushReply | void | Promise<PushReply | void>;
export type PushErrorHandler = (error: unknown, message: PushMessage, ctx: PushContext) => void | Promise<void>;

const CONTENT_TYPE: Record<PushFormat, string> = {
  xml: 'application/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

function reply(status: number, body: string, contentType = TEXT, extra: Record<string, string> = {}): PushResponse {
  return { status, headers: { 'content-type': contentType, ...extra }, body };
}

/** Private reason for a refusal: logged, and its status returned; never thrown out of `handle`. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const consoleLogger: PushLogger = {
  warn: (m, meta) => console.error(`[miniapp push] ${m}`, meta ?? ''),
  error: (m, meta) => console.error(`[miniapp push] ${m}`, meta ?? ''),
};

function firstValues(query: PushRequest['query']): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof query === 'string' || query instanceof URLSearchParams) {
    const params = typeof query === 'string' ? new URLSearchParams(query.replace(/^\?/, '')) : query;
    for (const [k, v] of params) if (!(k in out)) out[k] = v;
    return out;
  }
  if (query) {
    for (const k of Object.keys(query)) {
      const v = query[k];
      const first = Array.isArray(v) ? v[0] : v;
      if (typeof first === 'string') out[k] = first;
    }
  }
  return out;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/**
 * Receives mini-program message pushes. Register handlers with `on`, then mount one of the
 * adapters (`nodeHandler()`, `koa()`, `fastify()`, `fetch()`) or call `handle()` yourself.
 *
 * ```ts
 * const receiver = new PushReceiver({ token, appId, encodingAESKey });
 * receiver.on('text', (msg) => ({ ...reply }));
 * http.createServer(receiver.nodeHandler()).listen(8080);
 * ```
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
export class PushReceiver implements PushEndpoint {
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;
  readonly logger: PushLogger;
  private readonly refusals: RefusalLog;
  private readonly token: string;
  private readonly appId: string;
  private readonly encodingAESKey?: string;
  private readonly requireEncryption: boolean;
  private readonly toleranceSeconds: number;
  private readonly budgetMs: number;
  private readonly now: () => number;
  private readonly dedupe?: Required<PushDedupeOptions>;
  private readonly handlers = new Map<string, PushHandler<any>[]>();
  private readonly anyHandlers: PushHandler[] = [];
  private readonly errorHandlers: PushErrorHandler[] = [];

  constructor(options: PushReceiverOptions) {
    if (!options || typeof options.token !== 'string' || options.token.length === 0) {
      throw new ValidationError('push.token is required (the Token of the push configuration)', { field: 'token' });
    }
    if (typeof options.appId !== 'string' || options.appId.length === 0) {
      throw new ValidationError('push.appId is required', { field: 'appId' });
    }
    if (options.encodingAESKey !== undefined) assertEncodingAESKey(options.encodingAESKey);
    if (options.requireEncryption && options.encodingAESKey === undefined) {
      throw new ValidationError('requireEncryption needs an encodingAESKey', { field: 'requireEncryption' });
    }
    const nonNegative = (v: number | undefined, field: string, dflt: number): number => {
      if (v === undefined) return dflt;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new ValidationError(`${field} must be a non-negative number`, { field });
      }
      return v;
    };
    this.token = options.token;
    this.appId = options.appId;
    this.encodingAESKey = options.encodingAESKey;
    this.requireEncryption = options.requireEncryption ?? false;
    this.toleranceSeconds = nonNegative(options.timestampToleranceSeconds, 'timestampToleranceSeconds', 300);
    this.budgetMs = nonNegative(options.handlerBudgetMs, 'handlerBudgetMs', 4500);
    this.maxBodyBytes = nonNegative(options.maxBodyBytes, 'maxBodyBytes', 1024 * 1024);
    this.bodyTimeoutMs = nonNegative(options.bodyTimeoutMs, 'bodyTimeoutMs', 5000);
    this.logger = options.logger ?? consoleLogger;
    this.refusals = new RefusalLog(
      this.logger,
      nonNegative(options.refusalLogIntervalMs, 'refusalLogIntervalMs', 60_000),
    );
    this.now = options.now ?? Date.now;
    const d = options.dedupe;
    if (d !== false) {
      const opts: PushDedupeOptions =
        d && typeof (d as DedupeStore).claim === 'function'
          ? { store: d as DedupeStore }
          : ((d as PushDedupeOptions) ?? {});
      this.dedupe = {
        store: opts.store ?? new MemoryDedupeStore(),
        ttlSeconds: nonNegative(opts.ttlSeconds, 'dedupe.ttlSeconds', 300),
        key: opts.key ?? defaultDedupeKey,
      };
    }
  }

  /** Handles one push by name: `text`, `image`, `miniprogrampage`, `event.<Event>`. The first handler's non-empty return is the reply. */
  on<K extends keyof PushEventMap>(name: K, handler: PushHandler<PushEventMap[K]>): this;
  on(name: string, handler: PushHandler): this;
  on(name: string, handler: PushHandler<any>): this {
    const list = this.handlers.get(name) ?? [];
    list.push(handler);
    this.handlers.set(name, list);
    return this;
  }

  /** Handles every push (after the named handlers), including events this library has no type for. */
  onAny(handler: PushHandler): this {
    this.anyHandlers.push(handler);
    return this;
  }

  /** Called with every handler error; the push is then answered 500 so WeChat retries it. */
  onError(handler: PushErrorHandler): this {
    this.errorHandlers.push(handler);
    return this;
  }

  /** A `(req, res, next?)` handler for `http.createServer` and Express (mount it before any body parser). */
  nodeHandler(): NodeHandler {
    return nodeHandler(this);
  }

  /** A Koa middleware (`app.use(receiver.koa())` or on a router). */
  koa(): KoaMiddleware {
    return koaMiddleware(this);
  }

  /** A Fastify plugin: `app.register(receiver.fastify(), { path: '/wechat/push' })`. */
  fastify(): (instance: any, opts: FastifyPluginOptions) => Promise<void> {
    return fastifyPlugin(this);
  }

  /** Web-standard handler for Hono, Next.js route handlers, Bun, Deno: `Request` in, `Response` out. */
  fetch(request: Request): Promise<Response> {
    return fetchHandler(this, request);
  }

  /**
   * Records a refusal decided outside `handle` (an adapter's 408/413/400 while reading the body)
   * in the rate-limited refusal log, and returns the response to send.
   */
  refuse(status: number, reason: string): PushResponse {
    this.refusals.note(status, reason);
    return reply(status, reason);
  }

  /** The core: never throws; refusals get their status (400/401/405/413) and never reach a handler. */
  async handle(request: PushRequest): Promise<PushResponse> {
    try {
      return await this.process(request);
    } catch (e) {
      if (e instanceof Refusal) return this.refuse(e.status, e.message);
      this.logger.error('push receiver failed', { error: e instanceof Error ? e.message : String(e) });
      return reply(500, 'internal error');
    }
  }

  private async process(request: PushRequest): Promise<PushResponse> {
    const method = String(request.method ?? '').toUpperCase();
    const query = firstValues(request.query);
    if (method === 'GET') return this.verifyUrl(query);
    if (method !== 'POST') return reply(405, 'method not allowed', TEXT, { allow: 'GET, POST' });

    const raw = request.body ?? '';
    const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength;
    if (size > this.maxBodyBytes) throw new Refusal(413, `body larger than ${this.maxBodyBytes} bytes`);
    const text =
      typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');

    this.checkTimestamp(query);
    const encrypted = query.encrypt_type === 'aes';
    // Plain mode authenticates the query only: check it before parsing an untrusted body.
    if (!encrypted) this.checkSignature(query);
    // Safe mode authenticates `Encrypt` only: read just that field of the unauthenticated
    // envelope (no full parse of attacker-controlled text before msg_signature is checked).
    const envelope = encrypted ? undefined : this.parse(text);
    let message: Record<string, unknown>;
    let format: PushFormat;
    let encrypt: unknown;
    if (envelope) {
      format = envelope.format;
      encrypt = envelope.message.Encrypt;
    } else {
      const detected = detectFormat(text);
      if (!detected) throw new Refusal(400, 'the body is neither XML nor JSON');
      format = detected;
      encrypt = extractEncrypt(text, format);
    }
    // Lenient: a compatible-mode body without encrypt_type is still decrypted when it is signed.
    const decrypt = encrypted || (typeof encrypt === 'string' && this.encodingAESKey && query.msg_signature);
    if (decrypt) {
      if (!this.encodingAESKey) {
        // Configuration error, not the sender's fault: 500 so the push is retried once fixed.
        this.logger.error('received an encrypted push but no encodingAESKey is configured');
        return reply(500, 'receiver not configured for encrypted pushes');
      }
      if (typeof encrypt !== 'string' || encrypt.length === 0) throw new Refusal(400, 'encrypted push without Encrypt');
      const given = query.msg_signature;
      if (!given || !safeEqual(msgSignature(this.token, query.timestamp, query.nonce, encrypt), given.toLowerCase())) {
        throw new Refusal(401, 'bad msg_signature');
      }
      let plain: string;
      try {
        plain = decryptMessage({ encodingAESKey: this.encodingAESKey, appId: this.appId, encrypt });
      } catch (e) {
        throw new Refusal(401, e instanceof DecryptError ? e.message : 'decryption failed');
      }
      const inner = this.parse(plain);
      message = inner.message;
      format = inner.format;
    } else {
      if (this.requireEncryption) throw new Refusal(401, 'plaintext push refused (requireEncryption)');
      const { Encrypt: _ignored, ...plainFields } = envelope!.message;
      message = plainFields;
    }
    return this.dispatch(message as PushMessage, {
      name: pushEventName(message),
      format,
      encrypted: Boolean(decrypt),
      query,
    });
  }

  private verifyUrl(query: Record<string, string>): PushResponse {
    this.checkTimestamp(query);
    this.checkSignature(query);
    if (query.echostr === undefined) throw new Refusal(400, 'missing echostr');
    // The raw echostr, not JSON, not quoted (PROTOCOL §7.2).
    return reply(200, query.echostr);
  }

  private checkTimestamp(query: Record<string, string>): void {
    if (!query.timestamp || !query.nonce) throw new Refusal(401, 'missing timestamp or nonce');
    if (this.toleranceSeconds === 0) return;
    const ts = Number(query.timestamp);
    if (!/^\d+$/.test(query.timestamp) || Math.abs(this.now() / 1000 - ts) > this.toleranceSeconds) {
      throw new Refusal(401, 'timestamp outside the tolerance (a replay, or a wrong clock?)');
    }
  }

  private checkSignature(query: Record<string, string>): void {
    const given = query.signature;
    if (!given || !safeEqual(signature(this.token, query.timestamp, query.nonce), given.toLowerCase())) {
      throw new Refusal(401, 'bad signature');
    }
  }

  private parse(text: string): { format: PushFormat; message: Record<string, unknown> } {
    try {
      return parsePush(text);
    } catch (e) {
      if (e instanceof PushParseError) throw new Refusal(400, e.message);
      throw e;
    }
  }

  private async dispatch(message: PushMessage, ctx: PushContext): Promise<PushResponse> {
    const handlers = [...(this.handlers.get(ctx.name) ?? []), ...this.anyHandlers];
    if (handlers.length === 0) {
      this.logger.debug?.('push without a handler', { name: ctx.name });
      return reply(200, 'success');
    }
    let key: string | undefined;
    if (this.dedupe) {
      const own = this.dedupe.key(message);
      if (own !== undefined) {
        key = `push:${this.appId}:${own}`;
        ctx.dedupeKey = key;
        let fresh = true;
        try {
          fresh = await this.dedupe.store.claim(key, this.dedupe.ttlSeconds);
        } catch (e) {
          // At-least-once beats dropping a push when the store is down.
          this.logger.warn('dedupe store failed; handling the push anyway', { error: (e as Error)?.message });
        }
        if (!fresh) {
          this.logger.info?.('duplicate push ignored', { name: ctx.name, key });
          return reply(200, 'success');
        }
      }
    }

    // Every handler starts now, in order. When each returns at once (the usual handler), the outcome
    // is known now: no budget timer, no race. A throw is an error path and takes the async one.
    let settledNow = true;
    const started = handlers.map((h) => {
      try {
        const value = h(message, ctx);
        if (isThenable(value)) settledNow = false;
        return value;
      } catch (reason) {
        settledNow = false;
        return Promise.reject(reason);
      }
    });
    const run = settledNow ? undefined : Promise.allSettled(started);
    let outcome: PromiseSettledResult<unknown>[] | 'late';
    if (run) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), this.budgetMs);
      });
      outcome = await Promise.race([run, late]);
      clearTimeout(timer);
    } else {
      outcome = started.map((value) => ({ status: 'fulfilled', value }));
    }
    if (outcome === 'late') {
      this.logger.warn(`push handlers exceeded ${this.budgetMs} ms; replied success, still running`, {
        name: ctx.name,
      });
      void run!.then((results) => this.reportErrors(results, message, ctx));
      return reply(200, 'success');
    }
    if (await this.reportErrors(outcome, message, ctx)) return this.fail(key);

    const result = outcome.find(
      (r): r is PromiseFulfilledResult<PushReply> =>
        r.status === 'fulfilled' && r.value !== undefined && r.value !== null && r.value !== '',
    );
    try {
      return this.render(completeReply(ctx.name, result?.value, message, Math.floor(this.now() / 1000)), ctx);
    } catch (e) {
      await this.notify(e, message, ctx);
      return this.fail(key);
    }
  }

  /** Answers 500 so WeChat retries, and releases the claim so the retry runs the handlers. */
  private async fail(key: string | undefined): Promise<PushResponse> {
    if (key && this.dedupe?.store.release) {
      try {
        await this.dedupe.store.release(key);
      } catch (e) {
        this.logger.warn('dedupe release failed', { error: (e as Error)?.message });
      }
    }
    return reply(500, 'handler failed');
  }

  private async reportErrors(results: PromiseSettledResult<unknown>[], message: PushMessage, ctx: PushContext) {
    let failed = false;
    for (const r of results) {
      if (r.status === 'rejected') {
        failed = true;
        await this.notify(r.reason, message, ctx);
      }
    }
    return failed;
  }

  private async notify(error: unknown, message: PushMessage, ctx: PushContext): Promise<void> {
    if (this.errorHandlers.length === 0) {
      this.logger.error('push handler failed', { name: ctx.name, error: (error as Error)?.message ?? String(error) });
    }
    for (const h of this.errorHandlers) {
      try {
        await h(error, message, ctx);
      } catch (e) {
        this.logger.error('onError handler failed', { error: (e as Error)?.message ?? String(e) });
      }
    }
  }

  private render(value: PushReply, ctx: PushContext): PushResponse {
    if (value === undefined || value === null || value === '') return reply(200, 'success');
    if (typeof value === 'string') return reply(200, value);
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new MiniAppError('a push handler must return an object, a string or nothing');
    }
    const plain = serialisePush(value, ctx.format);
    if (!ctx.encrypted || !this.encodingAESKey) return reply(200, plain, CONTENT_TYPE[ctx.format]);
    const Encrypt = encryptMessage({ encodingAESKey: this.encodingAESKey, appId: this.appId, message: plain });
    const TimeStamp = Math.floor(this.now() / 1000);
    const Nonce = ctx.query.nonce;
    const MsgSignature = msgSignature(this.token, TimeStamp, Nonce, Encrypt);
    const envelope = { Encrypt, MsgSignature, TimeStamp, Nonce };
    return reply(200, serialisePush(envelope, ctx.format), CONTENT_TYPE[ctx.format]);
  }
}
