/**
 * The one place that turns (endpoint, params) into an HTTP call: validation, wire encoding,
 * access_token, transport, JSON/binary decoding, errcode mapping, token refresh + one replay,
 * retries with backoff (idempotent endpoints only), redacted logging.
 */
import type { ApiSecurity } from '../crypto/api-security.js';
import type { CallOptions, Endpoint, WireContext } from './endpoint.js';
import { ApiError, HttpError, MiniAppError, ValidationError, apiErrorOf } from './errors.js';
import type { Logger } from './logger.js';
import { encodeMultipart, readFileInput } from './multipart.js';
import { backoffDelay, isRetryable, sleep } from './retry.js';
import type { RawResponse, Transport } from './transport.js';
import type { TokenSource } from '../token/manager.js';

/** errcodes that mean "this access_token is no good": refresh once, replay once. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
/** `attempts`' marker for "no attempt made yet". */
const NONE: unique symbol = Symbol('none');
const JSON_HEADERS = { 'content-type': 'application/json' };
const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

/** Form encoding; arrays become repeated keys. */
function toForm(params: Record<string, unknown> | undefined): string {
  let q = '';
  if (params) {
    for (const k in params) {
      const v = params[k];
      if (Array.isArray(v)) for (const item of v) q = appendQuery(q, k, item);
      else q = appendQuery(q, k, v);
    }
  }
  return q;
}

export interface ExecutorConfig {
  transport: Transport;
  tokens: TokenSource;
  appId: string;
  appSecret?: string;
  timeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  logger?: Logger;
  /** Carrier secrets by shopid, for endpoints that sign (immediate delivery). */
  deliverySecrets?: Readonly<Record<string, string>>;
  /** The API security layer, when keys are configured. */
  security?: ApiSecurity;
}

/** Per-endpoint data computed once, at construction. */
interface Compiled {
  ep: Endpoint;
  /** The transport's path prefix + the endpoint's path, and what joins a query to it. */
  basePath: string;
  sep: '?' | '&';
  needsToken: boolean;
  binary: boolean;
  bigInt?: RegExp;
  /** With one big-integer key: `"key"`, found with indexOf instead of running `bigInt`. */
  bigIntProbe?: string;
  /** Set when calls to this endpoint are encrypted and signed (each attempt sealed afresh). */
  sec?: ApiSecurity;
}

/** What follows a big-integer key: `\s*:\s*` then the integer (the tail of `Compiled.bigInt`). */
const BIG_INT_TAIL = /\s*:\s*(-?\d+)/y;

/**
 * `text.replace(/("key"\s*:\s*)(-?\d+)/g, '$1"$2"')` for one key, without scanning the body with
 * a regex: an indexOf per occurrence and a sticky match at it (a send's answer carries its msgid).
 */
function quoteAfter(text: string, probe: string): string {
  let out = '';
  let last = 0;
  for (let i = text.indexOf(probe); i !== -1; ) {
    BIG_INT_TAIL.lastIndex = i + probe.length;
    const m = BIG_INT_TAIL.exec(text);
    if (!m) {
      i = text.indexOf(probe, i + 1);
      continue;
    }
    const end = BIG_INT_TAIL.lastIndex;
    out += `${text.slice(last, end - m[1].length)}"${m[1]}"`;
    last = end;
    i = text.indexOf(probe, end);
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Characters encodeURIComponent leaves as they are (a subset): such text needs no encoding. */
const URI_SAFE = /^[\w.~-]*$/;
/** Param names repeat on every call of an endpoint: encode each once (bounded). */
const encodedKeys = new Map<string, string>();

function encodeKey(key: string): string {
  let e = encodedKeys.get(key);
  if (e === undefined) {
    if (encodedKeys.size >= 1024) encodedKeys.clear();
    e = encodeURIComponent(key);
    encodedKeys.set(key, e);
  }
  return e;
}

function appendQuery(q: string, key: string, value: unknown): string {
  if (value === undefined || value === null) return q;
  const v = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `${q}${q ? '&' : ''}${encodeKey(key)}=${URI_SAFE.test(v) ? v : encodeURIComponent(v)}`;
}

function toQuery(params: Record<string, unknown> | undefined, skip?: string): string {
  let q = '';
  if (params) {
    // Object.keys and an index, not for-in (which re-checks every key as it goes).
    const keys = Object.keys(params);
    for (let i = 0; i < keys.length; i++) if (keys[i] !== skip) q = appendQuery(q, keys[i], params[keys[i]]);
  }
  return q;
}

function mediaType(headers: RawResponse['headers']): string {
  const ct = headers['content-type'];
  const s = Array.isArray(ct) ? ct[0] : ct;
  return s ? s.split(';', 1)[0].trim().toLowerCase() : '';
}

export class Executor {
  private readonly compiled = new WeakMap<Endpoint, Compiled>();
  private readonly wireCtx: WireContext;
  constructor(readonly cfg: ExecutorConfig) {
    this.wireCtx = { appId: cfg.appId, deliverySecrets: cfg.deliverySecrets ?? {} };
  }

  private compile(ep: Endpoint): Compiled {
    let c = this.compiled.get(ep);
    if (!c) {
      const keys = ep.bigIntKeys?.length ? ep.bigIntKeys : undefined;
      const sec = this.cfg.security;
      // Every field set, in one order: one object shape for all endpoints (see endpoint()).
      c = {
        ep,
        basePath: this.cfg.transport.prefix + ep.path,
        sep: ep.path.includes('?') ? '&' : '?',
        needsToken: ep.auth === 'access_token',
        binary: ep.response === 'binary',
        bigInt: keys && new RegExp(`("(?:${keys.join('|')})"\\s*:\\s*)(-?\\d+)`, 'g'),
        bigIntProbe: keys?.length === 1 ? `"${keys[0]}"` : undefined,
        sec:
          sec?.applies(ep.security) && ep.method === 'POST' && ep.request === 'json' && ep.response === 'json'
            ? sec
            : undefined,
      };
      this.compiled.set(ep, c);
    }
    return c;
  }

  /** Calls one endpoint. Never throws synchronously: every failure is a rejected promise. */
  call(ep: Endpoint, params: any, opts?: CallOptions): Promise<any> {
    return ep.around ? this.callAround(ep, params, opts) : this.run(this.compile(ep), params, opts);
  }

  /**
   * The method a table entry becomes on the client: `call` with the endpoint's compiled entry kept
   * by the method itself (made on its first call), so a call does no lookup for it.
   */
  method(ep: Endpoint): (params?: any, opts?: CallOptions) => Promise<any> {
    if (ep.around) return (params, opts) => this.callAround(ep, params, opts);
    let c: Compiled | undefined;
    return (params, opts) => {
      c ??= this.compile(ep);
      return this.run(c, params, opts);
    };
  }

  /** `prepare`, its synchronous throws (validation) turned into a rejected promise. No closure here. */
  private run(c: Compiled, params: any, opts?: CallOptions): Promise<any> {
    try {
      return this.prepare(c, params, opts);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private callAround(ep: Endpoint, params: any, opts?: CallOptions): Promise<any> {
    try {
      return ep.around!(() => this.prepare(this.compile(ep), params, opts), opts);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Validates and encodes (synchronously, except for file reads), then sends. */
  private prepare(c: Compiled, params: any, opts?: CallOptions): Promise<any> {
    const { ep } = c;
    if (ep.validate) ep.validate(params);
    else if (params != null && typeof params !== 'object') {
      throw new ValidationError('params must be an object', { api: ep.name });
    }
    const cfg = this.cfg;
    if (ep.security === 'required' && !cfg.security)
      throw new ValidationError('this API must be encrypted and signed: configure apiSecurity', { api: ep.name });
    let wire: Record<string, unknown> | undefined = ep.wire ? ep.wire(params, this.wireCtx) : params;
    if (ep.fixed) wire = { ...ep.fixed, ...wire };

    // Encode once; only the access_token can change between attempts.
    let query = '';
    let body: string | Buffer | undefined;
    let headers: Record<string, string> | undefined;
    if (ep.auth === 'appsecret') {
      if (!cfg.appSecret) throw new ValidationError('this API needs appSecret in the client options', { api: ep.name });
      if (ep.method === 'GET') {
        query = appendQuery(appendQuery(query, 'appid', cfg.appId), 'secret', cfg.appSecret);
      } else {
        wire = { ...wire, appid: cfg.appId, secret: cfg.appSecret };
      }
    }
    switch (ep.request) {
      case 'query':
        query = query ? `${query}${wire && Object.keys(wire).length ? '&' : ''}${toQuery(wire)}` : toQuery(wire);
        break;
      case 'json':
        if (c.sec) return this.send(c, query, undefined, undefined, opts, wire ?? {});
        if (opts?.bodyEncoding === 'form') {
          body = toForm(wire);
          headers = FORM_HEADERS;
        } else {
          body = JSON.stringify(wire ?? {});
          headers = JSON_HEADERS;
        }
        break;
      case 'multipart': {
        const field = ep.fileField ?? 'media';
        const q = toQuery(wire, field);
        query = query && q ? `${query}&${q}` : query || q;
        const file = wire?.[field];
        if (file !== undefined && file !== null) return this.sendFile(c, query, field, file, opts);
        break;
      }
      case 'none':
        break;
    }
    return this.send(c, query, body, headers, opts);
  }

  /** Reads a file input, checks its size, and sends it as the multipart body. */
  private async sendFile(c: Compiled, query: string, field: string, file: unknown, opts?: CallOptions) {
    const { ep } = c;
    const part = await readFileInput(file as any, ep.name, field);
    if (ep.maxFileBytes !== undefined && part.data.length > ep.maxFileBytes) {
      throw new ValidationError(`\`${field}\` is ${part.data.length} bytes; the limit is ${ep.maxFileBytes} bytes`, {
        api: ep.name,
        field,
      });
    }
    const mp = encodeMultipart(field, part);
    return this.send(c, query, mp.body, { 'content-type': mp.contentType }, opts);
  }

  /**
   * Sends with token handling, decoding and retries. The common case (a cached token or none
   * needed, no API security) is one attempt in this small frame; a token to fetch and every failure
   * go to `attempts`, which holds the loop.
   */
  private send(
    c: Compiled,
    query: string,
    body: string | Buffer | undefined,
    headers: Record<string, string> | undefined,
    opts?: CallOptions,
    plain?: Record<string, unknown>,
  ): Promise<any> {
    const token = c.needsToken ? this.cfg.tokens.peek() : undefined;
    if (c.sec || (c.needsToken && token === undefined)) return this.attempts(c, query, body, headers, opts, plain);
    const recover = (err: unknown) => this.attempts(c, query, body, headers, opts, plain, token, err);
    let sent: Promise<RawResponse>;
    try {
      sent = this.attempt(c, this.pathOf(c, query, token), headers, body, opts);
    } catch (err) {
      return recover(err);
    }
    return sent.then((res) => {
      try {
        return this.decode(c, res);
      } catch (err) {
        return recover(err);
      }
    }, recover);
  }

  /** One request of a call, with the call's timeout and signal. */
  private attempt(
    c: Compiled,
    path: string,
    headers: Record<string, string> | undefined,
    body: string | Buffer | undefined,
    opts: CallOptions | undefined,
  ): Promise<RawResponse> {
    const { ep } = c;
    return this.cfg.transport.send(
      ep.method,
      path,
      headers,
      body,
      opts?.timeoutMs ?? this.cfg.timeoutMs,
      ep.name,
      opts?.signal,
      c.binary,
    );
  }

  /** The path with its query: the access_token first (when the endpoint takes one), then the params. */
  private pathOf(c: Compiled, query: string, token: string | undefined): string {
    const q = c.needsToken ? `access_token=${this.encodeToken(token!)}${query ? '&' : ''}${query}` : query;
    return q ? `${c.basePath}${c.sep}${q}` : c.basePath;
  }

  /**
   * The attempt loop: token fetch, refresh + one replay on a token errcode, retries with backoff.
   * `failed` is the error of an attempt `send` already made with `token` (NONE: no attempt yet).
   */
  private async attempts(
    c: Compiled,
    query: string,
    body: string | Buffer | undefined,
    headers: Record<string, string> | undefined,
    opts: CallOptions | undefined,
    plain: Record<string, unknown> | undefined,
    token?: string,
    failed: unknown = NONE,
  ): Promise<any> {
    const { ep } = c;
    const cfg = this.cfg;
    const maxRetries = opts?.maxRetries ?? cfg.maxRetries;
    const { needsToken } = c;
    let replayed = false;
    let freeReplays = 0;
    for (let attempt = 0; ; ) {
      // Outside the try: a failed token fetch is the token's failure (stage 'token'), never retried here.
      if (failed === NONE && needsToken && token === undefined) token = cfg.tokens.peek() ?? (await this.token());
      try {
        if (failed !== NONE) {
          const err = failed;
          failed = NONE;
          throw err;
        }
        // API security: every attempt (retry, token replay) gets a fresh nonce, IV, timestamp and signature.
        const sealed = c.sec?.seal(ep.path, plain);
        const res = await this.attempt(
          c,
          this.pathOf(c, query, token),
          sealed ? sealed.headers : headers,
          sealed ? sealed.body : body,
          opts,
        );
        if (sealed && res.status >= 200 && res.status < 300) res.body = c.sec!.open(sealed, res, ep.name);
        return this.decode(c, res);
      } catch (err) {
        if (needsToken && !replayed && err instanceof ApiError && TOKEN_ERRORS.has(err.errcode)) {
          // Not a retry: refresh once (only if the stored token is still the one that failed), replay once.
          replayed = true;
          cfg.logger?.info?.(`${ep.name}: errcode ${err.errcode}, refreshing the access token and replaying once`);
          token = await this.token(token);
          continue;
        }
        if (needsToken && replayed && freeReplays < 2 && err instanceof ApiError && TOKEN_ERRORS.has(err.errcode)) {
          // The replay's token was rejected too, but another call has replaced it since (a concurrent
          // forced refresh revokes the token in flight): use that one. No token request; bounded.
          const fresh = cfg.tokens.peek();
          if (fresh !== undefined && fresh !== token) {
            freeReplays++;
            token = fresh;
            continue;
          }
        }
        if (attempt < maxRetries && !opts?.signal?.aborted && isRetryable(err, ep.idempotent)) {
          const retryAfter =
            err instanceof HttpError ? (err as HttpError & { retryAfterMs?: number }).retryAfterMs : undefined;
          const delay = backoffDelay(attempt, cfg.retryBaseDelayMs, cfg.retryMaxDelayMs, retryAfter);
          cfg.logger?.warn?.(
            `${ep.name}: ${(err as Error).message}; retry ${attempt + 1}/${maxRetries} in ${delay} ms`,
          );
          attempt++;
          await sleep(delay, opts?.signal);
          continue;
        }
        if (err instanceof MiniAppError) err.stage = 'call';
        throw err;
      }
    }
  }

  /**
   * The access_token for a call (a replacement for `failed` after a token errcode). The token
   * source retries its own fetch and shares it between callers; its failure is marked
   * `stage: 'token'` so a caller can tell it from the call's own failure.
   */
  private async token(failed?: string): Promise<string> {
    try {
      return await this.cfg.tokens.get(failed === undefined ? undefined : { failedToken: failed });
    } catch (err) {
      if (err instanceof MiniAppError) err.stage = 'token';
      throw err;
    }
  }

  private lastToken = '';
  private lastEncoded = '';
  /** Tokens change every ~2 hours: encode each once. */
  private encodeToken(token: string): string {
    if (token !== this.lastToken) {
      this.lastEncoded = encodeURIComponent(token);
      this.lastToken = token;
    }
    return this.lastEncoded;
  }

  private decode(c: Compiled, res: RawResponse): any {
    const { ep } = c;
    if (res.status < 200 || res.status >= 300) {
      const err = new HttpError(res.status, ep.name, res.body.toString().slice(0, 200));
      const ra = res.headers['retry-after'];
      const sec = Number(Array.isArray(ra) ? ra[0] : ra);
      if (Number.isFinite(sec) && sec >= 0) (err as HttpError & { retryAfterMs?: number }).retryAfterMs = sec * 1000;
      throw err;
    }
    if (ep.response === 'binary') {
      // Decide by the media type before ';' (WeChat sends `application/json; encoding=utf-8`
      // for errors); with an unknown type, a body starting with '{' is a JSON error.
      const type = mediaType(res.headers);
      const jsonType = type === 'application/json' || type === 'text/json' || type.endsWith('+json');
      const isJson = jsonType || (!type.startsWith('image/') && (res.body as Buffer)[0] === 0x7b);
      if (!isJson) {
        const result = { data: res.body, contentType: type || 'application/octet-stream' };
        return ep.decode ? ep.decode(result, res.headers) : result;
      }
    }
    const obj = this.parseJson(c, res.body);
    return ep.decode ? ep.decode(obj, res.headers) : obj;
  }

  private parseJson(c: Compiled, body: Buffer | string): Record<string, any> {
    let text = typeof body === 'string' ? body : body.toString('utf8');
    if (c.bigIntProbe) text = quoteAfter(text, c.bigIntProbe);
    else if (c.bigInt) text = text.replace(c.bigInt, '$1"$2"');
    let obj: any;
    try {
      obj = JSON.parse(text);
    } catch {
      throw new MiniAppError(`${c.ep.name}: response is not JSON: ${text.slice(0, 120)}`);
    }
    if (obj === null || typeof obj !== 'object') throw new MiniAppError(`${c.ep.name}: response is not a JSON object`);
    const ec = obj.errcode;
    if (ec !== undefined && ec !== null) {
      const n = typeof ec === 'number' ? ec : Number(ec);
      if (!Number.isFinite(n) || (typeof ec === 'string' && ec.trim() === '')) {
        throw new MiniAppError(`${c.ep.name}: non-numeric errcode ${JSON.stringify(ec)}`);
      }
      obj.errcode = n;
      if (n !== 0) {
        throw apiErrorOf(n, c.ep.name, obj);
      }
    }
    return obj;
  }
}
