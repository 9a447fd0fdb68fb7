/**
 * Mini-program codes (小程序码 / 二维码): createQRCode, get, getUnlimited. PROTOCOL.md §5.1–5.2.
 * Success is an image (`image/*`, PNG or JPEG); failure is a JSON body (the executor decides by
 * Content-Type, so an error is never returned as image bytes).
 */
import { type BinaryResult, defineArea, endpoint } from '../core/endpoint.js';
import { ENV_VERSIONS, checkParams, fail } from '../internal/validate.js';

/** Line colour. WeChat's doc example shows strings; numbers are sent, both are accepted. */
export interface LineColor {
  r: number | string;
  g: number | string;
  b: number | string;
}

/** `release` (default) | `trial` | `develop`. */
export type EnvVersion = 'release' | 'trial' | 'develop';

/** Options shared by the round codes (wxacode.get, wxacode.getUnlimited). */
export interface RoundCodeOptions {
  /** Image width in px, 280–1280. @default 430 */
  width?: number;
  /** Let WeChat pick the line colour. @default false */
  auto_color?: boolean;
  /** Line colour, used when `auto_color` is false. @default {r:0,g:0,b:0} */
  line_color?: LineColor;
  /** Transparent background (the image is then a PNG). @default false */
  is_hyaline?: boolean;
  /** Which version the code opens. @default 'release' */
  env_version?: EnvVersion;
}

/** wxacode.createQRCode params (square QR code). */
export interface CreateQRCodeParams {
  /** Page path, query allowed (`pages/index/index?id=1`); required, ≤ 128 chars. */
  path: string;
  /** Image width in px, 280–1280. @default 430 */
  width?: number;
}

/** wxacode.get params (round code, limited count). */
export interface GetWxacodeParams extends RoundCodeOptions {
  /** Page path, query allowed; required, ≤ 1024 chars. */
  path: string;
}

/** wxacode.getUnlimited params (round code, unlimited count, 5000 calls/min). */
export interface GetUnlimitedParams extends RoundCodeOptions {
  /**
   * 1–32 chars of `` 0-9A-Za-z!#$&'()*+,/:;=?@-._~ `` (no `%`). Arrives in the page as
   * `query.scene`, URL-encoded: the page must `decodeURIComponent` it.
   */
  scene: string;
  /** Published page, no leading `/`, no query. @default the home page */
  page?: string;
  /** Check that `page` exists in the published app (41030 otherwise). @default true */
  check_path?: boolean;
}

/** A generated code. */
export interface WxacodeResult extends BinaryResult {
  /**
   * Codes generated so far against the 100,000 lifetime cap (createQRCode + get), from the
   * `Num-Used` response header; absent when WeChat does not send it (getUnlimited).
   */
  numUsed?: number;
}

const SCENE_RE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;

function checkWidth(api: string, width: unknown): void {
  if (width === undefined) return;
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 280 || width > 1280) {
    fail(api, 'width', '`width` must be an integer from 280 to 1280 (px)');
  }
}

function checkEnv(api: string, env: unknown): void {
  if (env !== undefined && !ENV_VERSIONS.includes(env as string)) {
    fail(api, 'env_version', '`env_version` must be release, trial or develop');
  }
}

function checkBool(api: string, p: Record<string, unknown>, field: string): void {
  if (p[field] !== undefined && typeof p[field] !== 'boolean') fail(api, field, `\`${field}\` must be a boolean`);
}

function checkLineColor(api: string, c: unknown): void {
  if (c === undefined) return;
  const ok =
    c !== null &&
    typeof c === 'object' &&
    (['r', 'g', 'b'] as const).every((k) => {
      const v = Number((c as Record<string, unknown>)[k]);
      return Number.isInteger(v) && v >= 0 && v <= 255;
    });
  if (!ok) fail(api, 'line_color', '`line_color` must be {r, g, b} with integers 0–255');
}

/** `scancode_time` is reserved by WeChat (it appends the scan time) and must not be a query key. */
function checkReservedQuery(api: string, field: string, value: string): void {
  const q = value.indexOf('?');
  if (q < 0) return;
  const keys = value
    .slice(q + 1)
    .split('&')
    .map((kv) => kv.split('=')[0]);
  if (keys.includes('scancode_time'))
    fail(api, field, `\`${field}\` must not use the reserved parameter scancode_time`);
}

function checkPath(api: string, p: Record<string, unknown>, maxChars: number): void {
  const path = p.path;
  if (typeof path !== 'string' || path.length === 0) fail(api, 'path', '`path` is required (non-empty string)');
  if (path.length > maxChars) fail(api, 'path', `\`path\` must be at most ${maxChars} characters`);
  checkReservedQuery(api, 'path', path);
}

function checkRoundOptions(api: string, p: Record<string, unknown>): void {
  checkWidth(api, p.width);
  checkEnv(api, p.env_version);
  checkBool(api, p, 'auto_color');
  checkBool(api, p, 'is_hyaline');
  checkLineColor(api, p.line_color);
}

/** Validates getUnlimited params: scene charset/length, page shape, options. */
export function validateGetUnlimited(p: GetUnlimitedParams): void {
  const api = 'wxacode.getUnlimited';
  checkParams(api, p);
  if (typeof p.scene !== 'string' || !SCENE_RE.test(p.scene)) {
    fail(api, 'scene', "`scene` must be 1–32 characters of 0-9 A-Z a-z !#$&'()*+,/:;=?@-._~ (no %)");
  }
  if (p.page !== undefined) {
    if (typeof p.page !== 'string' || p.page.length === 0) fail(api, 'page', '`page` must be a non-empty string');
    if (p.page.startsWith('/')) fail(api, 'page', '`page` must not start with "/" (e.g. pages/index/index)');
    if (p.page.includes('?')) fail(api, 'page', '`page` must not carry a query: put it in `scene`');
  }
  checkBool(api, p as unknown as Record<string, unknown>, 'check_path');
  checkRoundOptions(api, p as unknown as Record<string, unknown>);
}

/** Adds `numUsed` from the `Num-Used` response header (undici lower-cases header names). */
function withNumUsed(result: BinaryResult, headers: Record<string, string | string[] | undefined>): WxacodeResult {
  const raw = headers['num-used'];
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw !== undefined && Number.isFinite(n) ? { ...result, numUsed: n } : result;
}

export const wxacode = defineArea('wxacode', {
  /**
   * Square QR code for a page path. Shares the 100,000 lifetime cap with `wxacode.get` (45029 beyond).
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_createqrcode
   */
  createQRCode: endpoint<CreateQRCodeParams, WxacodeResult>({
    method: 'POST',
    path: '/cgi-bin/wxaapp/createwxaqrcode',
    security: 'supported', // PROTOCOL §15.7 (a code answers bytes, so it is never secured)
    auth: 'access_token',
    request: 'json',
    response: 'binary',
    // Same path → same code; the cap counts distinct paths, so a replay costs nothing.
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_createqrcode',
    validate: (p) => {
      const api = 'wxacode.createQRCode';
      checkParams(api, p);
      checkPath(api, p as unknown as Record<string, unknown>, 128);
      checkWidth(api, p.width);
    },
    decode: withNumUsed,
  }),
  /**
   * Round code for a page path (query allowed). Shares the 100,000 lifetime cap with createQRCode.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_getqrcode
   */
  get: endpoint<GetWxacodeParams, WxacodeResult>({
    method: 'POST',
    path: '/wxa/getwxacode',
    security: 'supported', // PROTOCOL §15.7 (a code answers bytes, so it is never secured)
    auth: 'access_token',
    request: 'json',
    response: 'binary',
    // Same path → same code; the cap counts distinct paths, so a replay costs nothing.
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_getqrcode',
    validate: (p) => {
      const api = 'wxacode.get';
      checkParams(api, p);
      // [conflict] old doc: ≤128 bytes, new doc: ≤1024 chars. Lenient reading: accept up to
      // 1024 chars here and let WeChat answer 40159 if it really applies the old limit.
      checkPath(api, p as unknown as Record<string, unknown>, 1024);
      checkRoundOptions(api, p as unknown as Record<string, unknown>);
    },
    decode: withNumUsed,
  }),
  /**
   * Round code for a page + scene, unlimited in count, 5000 calls/min (45009 beyond).
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_getunlimitedqrcode
   */
  getUnlimited: endpoint<GetUnlimitedParams, WxacodeResult>({
    method: 'POST',
    path: '/wxa/getwxacodeunlimit',
    security: 'supported', // PROTOCOL §15.7 (a code answers bytes, so it is never secured)
    auth: 'access_token',
    request: 'json',
    response: 'binary',
    // Same page + scene → the same image, and nothing is created on WeChat's side.
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_getunlimitedqrcode',
    validate: validateGetUnlimited,
    decode: withNumUsed,
  }),
});
