/**
 * 同城配送 order callbacks (PROTOCOL §18.4): the JSON WeChat POSTs to an order's `callback_url` on
 * every status change, signed with MD5 over the sorted fields and the 消息推送 Token. Verify, hand
 * to your code once, reply `{"return_code":0,"return_msg":"OK"}` (anything else and WeChat retries).
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/same_city_distribution/api_intracity_addorder.html
 */
import { nodeCrypto } from '../internal/node-crypto.js';
import type { IntracityOrderStatusCode } from '../endpoints/intracity.js';
import type { Logger } from '../core/logger.js';
import { type DedupeStore, MemoryDedupeStore } from './dedupe.js';
import { type NodeHandler, nodeHandler } from './adapters/node.js';
import type { PushEndpoint } from './http.js';

/** One callback. `wx_order_id` (beyond 2^53) and `wx_store_id` are strings. */
export interface IntracityCallback {
  appid: string;
  wx_store_id: string;
  wx_order_id: string;
  store_order_id: string;
  order_status: IntracityOrderStatusCode;
  /** Unix seconds of the status change. */
  status_change_time: number;
  /** Unix seconds of this push. */
  timestamp: number;
  service_trans_id: string;
  sign: string;
  [key: string]: unknown;
}

/** The reply WeChat expects; anything else makes it retry. */
export const INTRACITY_CALLBACK_OK = '{"return_code":0,"return_msg":"OK"}';

// Integers longer than 15 digits would lose digits in JSON.parse: keep them as text.
const BIG_INT = /("[^"\\]*"\s*:\s*)(-?\d{16,})(?=\s*[,}])/g;

/** Parses a callback body keeping big integers (wx_order_id) exact; undefined when it is not a JSON object. */
export function parseIntracityCallback(body: string | Buffer): IntracityCallback | undefined {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  try {
    const obj = JSON.parse(text.replace(BIG_INT, '$1"$2"'));
    return obj && typeof obj === 'object' && !Array.isArray(obj) ? obj : undefined;
  } catch {
    return undefined;
  }
}

/** `key=value` of every field but `sign`, sorted by key (ASCII), joined with `&`, then `&token=<token>`. */
export function intracityCallbackSignString(fields: Record<string, unknown>, token: string): string {
  const parts: string[] = [];
  for (const key of Object.keys(fields).sort()) {
    if (key === 'sign') continue;
    const v = fields[key];
    if (v === undefined || v === null) continue;
    parts.push(`${key}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  return `${parts.join('&')}&token=${token}`;
}

/** lowercase hex MD5 of the sign string. */
export function intracityCallbackSign(fields: Record<string, unknown>, token: string): string {
  return nodeCrypto().createHash('md5').update(intracityCallbackSignString(fields, token), 'utf8').digest('hex');
}

/**
 * Checks a callback's `sign` in constant time. `body` is the parsed object or the raw JSON text
 * (preferred: big integers stay exact). `token` is the mini program's 消息推送 Token.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/same_city_distribution/api_intracity_addorder.html
 */
export function verifyIntracityCallback(body: string | Buffer | Record<string, unknown>, token: string): boolean {
  const fields = typeof body === 'string' || Buffer.isBuffer(body) ? parseIntracityCallback(body) : body;
  if (!fields || typeof fields.sign !== 'string' || typeof token !== 'string') return false;
  const expected = Buffer.from(intracityCallbackSign(fields, token), 'utf8');
  const given = Buffer.from(fields.sign.toLowerCase(), 'utf8');
  return given.length === expected.length && nodeCrypto().timingSafeEqual(given, expected);
}

export interface IntracityCallbackOptions {
  /** The 消息推送 Token (开发管理 → 开发设置 → 消息推送). Never logged. */
  token: string;
  /** Your code; runs once per callback (WeChat's retries are answered OK without a second run). */
  onCallback: (callback: IntracityCallback) => void | Promise<void>;
  /** Refuse callbacks whose `timestamp` is further than this from now (seconds); 0 = no check. @default 0 */
  maxAgeSeconds?: number;
  /** Drops repeats by (wx_order_id, order_status, status_change_time). @default MemoryDedupeStore */
  dedupe?: DedupeStore | false;
  /** @default Date */
  clock?: { now(): number };
  logger?: Logger;
  /** @default 65536 */
  maxBodyBytes?: number;
  /** A body not fully received within this is refused with 408. @default 5000 */
  bodyTimeoutMs?: number;
}

export interface IntracityCallbackReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const reply = (status: number, body: string, type = 'application/json'): IntracityCallbackReply => ({
  status,
  headers: { 'content-type': `${type}; charset=utf-8` },
  body,
});

/**
 * The receiver: `handle(rawBody)` for any framework, `nodeHandler()` for node:http / Express.
 * Forged (400/401) or stale callbacks never reach `onCallback`; a throwing handler answers 500 so
 * WeChat retries.
 */
export class IntracityCallbackReceiver {
  private readonly dedupe?: DedupeStore;
  constructor(private readonly opts: IntracityCallbackOptions) {
    if (!opts || typeof opts.token !== 'string' || typeof opts.onCallback !== 'function')
      throw new TypeError('IntracityCallbackReceiver needs { token, onCallback }');
    this.dedupe = opts.dedupe === false ? undefined : (opts.dedupe ?? new MemoryDedupeStore());
  }

  async handle(body: string | Buffer): Promise<IntracityCallbackReply> {
    const cb = parseIntracityCallback(body);
    if (!cb) return this.refuse(400, 'body is not a JSON object');
    if (!verifyIntracityCallback(cb, this.opts.token)) return this.refuse(401, 'sign does not verify');
    const max = this.opts.maxAgeSeconds ?? 0;
    const now = (this.opts.clock ?? Date).now() / 1000;
    if (max > 0 && Math.abs(now - Number(cb.timestamp)) > max) return this.refuse(401, 'stale timestamp');
    cb.wx_order_id = String(cb.wx_order_id);
    cb.wx_store_id = String(cb.wx_store_id);
    const key = `intracity:${cb.appid}:${cb.wx_order_id}:${cb.order_status}:${cb.status_change_time}`;
    if (this.dedupe && !(await this.dedupe.claim(key, 86400))) return reply(200, INTRACITY_CALLBACK_OK);
    try {
      await this.opts.onCallback(cb);
    } catch (err) {
      if (this.dedupe) await this.dedupe.release?.(key);
      this.opts.logger?.error?.(`intracity callback handler failed: ${(err as Error)?.message}`);
      return reply(500, '{"return_code":1,"return_msg":"handler failed"}');
    }
    return reply(200, INTRACITY_CALLBACK_OK);
  }

  /**
   * `http.createServer(receiver.nodeHandler())` or `app.post('/intracity', receiver.nodeHandler())`.
   * The push receiver's hardened node adapter: aborted, malformed, stalled or oversized bodies are
   * refused without reaching `handle` and never escape as a rejection.
   */
  nodeHandler(): NodeHandler {
    const endpoint: PushEndpoint = {
      maxBodyBytes: this.opts.maxBodyBytes ?? 65536,
      bodyTimeoutMs: this.opts.bodyTimeoutMs ?? 5000,
      logger: {
        warn: (m) => this.opts.logger?.warn?.(m),
        error: (m) => this.opts.logger?.error?.(m),
      },
      handle: async (req) => {
        if (req.method !== 'POST') return reply(405, 'POST only', 'text/plain');
        const body = req.body ?? '';
        return this.handle(typeof body === 'string' || Buffer.isBuffer(body) ? body : Buffer.from(body));
      },
      refuse: (status, reason) => this.refuse(status, reason),
    };
    return nodeHandler(endpoint);
  }

  private refuse(status: number, why: string): IntracityCallbackReply {
    this.opts.logger?.warn?.(`intracity callback refused (${status}): ${why}`);
    return reply(status, JSON.stringify({ return_code: status, return_msg: why }));
  }
}
