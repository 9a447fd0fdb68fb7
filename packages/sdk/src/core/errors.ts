import { redact } from './redact.js';

/**
 * Base class of every error this library throws. Messages never contain secrets
 * (access_token, appsecret, session_key, EncodingAESKey): they pass through `redact`.
 */
export class MiniAppError extends Error {
  override name = 'MiniAppError';
  /**
   * Set on errors of API calls: `'token'` when getting the access_token the call needed failed
   * (the call itself was never sent; `api` names the token endpoint), `'call'` when the call's
   * own request failed.
   */
  stage?: 'token' | 'call';
  constructor(message: string, options?: { cause?: unknown }) {
    super(redact(message), options);
  }
}

/** Parses the ` rid: xxxx` (or older ` hint: [xxxx]`) trace suffix WeChat appends to errmsg. */
export function parseRid(errmsg: string): string | undefined {
  const m = /\brid:\s*([0-9a-zA-Z-]+)/.exec(errmsg) ?? /\bhint:\s*\[([^\]]+)\]/.exec(errmsg);
  return m ? m[1] : undefined;
}

/**
 * WeChat answered with a non-zero `errcode` (usually with HTTP 200).
 * Branch on `errcode`, never on `errmsg` text.
 */
export class ApiError extends MiniAppError {
  override name = 'ApiError';
  /** WeChat's errcode, always a number (string codes are normalised). */
  readonly errcode: number;
  /** WeChat's errmsg, as received (secrets redacted). */
  readonly errmsg: string;
  /** Official API name, e.g. `auth.code2Session`, or `METHOD /path` for `app.request`. */
  readonly api: string;
  /** Trace id parsed from the errmsg suffix, when present. */
  readonly rid?: string;
  /** The decoded response body (secrets are never in error bodies WeChat returns). */
  readonly body?: Record<string, unknown>;
  constructor(args: { errcode: number; errmsg: string; api: string; body?: Record<string, unknown> }) {
    super(`${args.api} failed: errcode ${args.errcode}: ${args.errmsg}`);
    this.errcode = args.errcode;
    this.errmsg = redact(args.errmsg);
    this.api = args.api;
    this.rid = parseRid(args.errmsg);
    this.body = args.body;
  }
}

/**
 * Immediate delivery / logistics errors also carry the carrier's `resultcode`/`resultmsg` (for the
 * logistics assistant: its `delivery_resultcode` / `delivery_resultmsg`).
 */
export class DeliveryError extends ApiError {
  override name = 'DeliveryError';
  readonly resultcode: number;
  readonly resultmsg: string;
  constructor(args: {
    errcode: number;
    errmsg: string;
    api: string;
    resultcode: number;
    resultmsg: string;
    body?: Record<string, unknown>;
  }) {
    super(args);
    this.resultcode = args.resultcode;
    this.resultmsg = redact(args.resultmsg);
    // errcode 0: the platform accepted the call and the carrier refused it.
    if (args.errcode === 0)
      this.message = redact(`${args.api} failed: carrier resultcode ${args.resultcode}: ${args.resultmsg}`);
  }
}

/**
 * The error for a non-zero errcode: a DeliveryError when the body carries the logistics carrier's
 * second level (`delivery_resultcode` / `delivery_resultmsg`, errcode 9300501), else an ApiError.
 */
export function apiErrorOf(errcode: number, api: string, body: Record<string, any>): ApiError {
  const errmsg = String(body.errmsg ?? '');
  if (body.delivery_resultcode !== undefined && body.delivery_resultcode !== null) {
    const resultcode = Number(body.delivery_resultcode);
    return new DeliveryError({
      errcode,
      errmsg,
      api,
      body,
      resultcode: Number.isFinite(resultcode) ? resultcode : -1,
      resultmsg: String(body.delivery_resultmsg ?? ''),
    });
  }
  return new ApiError({ errcode, errmsg, api, body });
}

/** A non-2xx HTTP status from the server. */
export class HttpError extends MiniAppError {
  override name = 'HttpError';
  readonly status: number;
  readonly api: string;
  constructor(status: number, api: string, detail = '') {
    super(`${api} failed: HTTP ${status}${detail ? `: ${detail}` : ''}`);
    this.status = status;
    this.api = api;
  }
}

/** The connection failed (refused, reset, DNS...). `sent` tells whether the request may have reached the server. */
export class NetworkError extends MiniAppError {
  override name = 'NetworkError';
  readonly api: string;
  readonly code?: string;
  /** false when the failure happened before any byte was written (safe to retry any call). */
  readonly sent: boolean;
  constructor(api: string, cause: unknown, sent: boolean) {
    const c = cause as { code?: string; message?: string } | undefined;
    super(`${api} failed: network error${c?.code ? ` ${c.code}` : ''}${c?.message ? `: ${c.message}` : ''}`, { cause });
    this.api = api;
    this.code = c?.code;
    this.sent = sent;
  }
}

/**
 * No complete response within `timeoutMs`. A timed-out call may still have been carried out by
 * WeChat (`sent`): do not repeat a send blindly, reconcile it (see docs/messaging.md).
 */
export class TimeoutError extends MiniAppError {
  override name = 'TimeoutError';
  readonly api: string;
  readonly timeoutMs: number;
  /**
   * true once the request may have reached WeChat: it was handed to a connection, so the outcome
   * is unknown. false when the call timed out while still queued for a free connection (all
   * `connections` busy): it was never written, and even a send may be retried.
   */
  readonly sent: boolean;
  constructor(api: string, timeoutMs: number, sent = true) {
    super(`${api} failed: timed out after ${timeoutMs} ms`);
    this.api = api;
    this.timeoutMs = timeoutMs;
    this.sent = sent;
  }
}

/** Invalid parameters, detected before anything was sent. */
export class ValidationError extends MiniAppError {
  override name = 'ValidationError';
  /** The API whose params were rejected, when known. */
  readonly api?: string;
  /** The offending field, when one can be named. */
  readonly field?: string;
  constructor(message: string, opts: { api?: string; field?: string } = {}) {
    super(opts.api ? `${opts.api}: ${message}` : message);
    this.api = opts.api;
    this.field = opts.field;
  }
}

/** A push or open-data signature did not verify. */
export class SignatureError extends MiniAppError {
  override name = 'SignatureError';
}

/** Decryption failed (bad base64, key/iv length, padding, plaintext, appid/watermark mismatch). */
export class DecryptError extends MiniAppError {
  override name = 'DecryptError';
}
