/**
 * wxacode: createQRCode, get, getUnlimited (PROTOCOL.md §5.1–5.2).
 *
 * Images are real PNGs: a standard QR code (qr-render.ts) at the requested width, so any QR
 * reader can check what a code points at. What the QR code encodes:
 *   - createQRCode / get: the `path` exactly as sent (`pages/item/item?id=42`);
 *   - getUnlimited: `<page>?scene=<encodeURIComponent(scene)>`, page defaulting to the app's
 *     first page (`?scene=…` alone when the app has no page list). WeChat hands the scene to
 *     the page URL-encoded, hence the encoding.
 * The answer is always `image/png` (WeChat answers `image/jpeg` for opaque codes; clients must
 * go by Content-Type, never assume one).
 *
 * Rules: createQRCode + get share a lifetime cap counted over distinct paths (Num-Used header,
 * 45029 beyond); getUnlimited is limited per virtual-clock minute (45009 beyond). Both limits are
 * configurable (`setLimits`) so tests can reach them. Every code is recorded; its image is
 * re-rendered on demand (rendering is deterministic), which keeps state small.
 */
import { AdminError } from '../../admin/ops.js';
import { type AreaContext, type AreaModule, type EmuApp, WxError } from '../../context.js';
import { type Rgb, renderQrPng } from './qr-render.js';

export type WxacodeApi = 'createQRCode' | 'get' | 'getUnlimited';

/** One generated code, as kept for inspection. */
export interface CodeRecord {
  id: string;
  appid: string;
  api: WxacodeApi;
  /** What the QR code encodes. */
  text: string;
  /** createQRCode / get. */
  path?: string;
  /** getUnlimited: the page used (the default home page when none was sent). */
  page?: string;
  scene?: string;
  width: number;
  line_color: Rgb;
  auto_color: boolean;
  is_hyaline: boolean;
  env_version: string;
  check_path?: boolean;
  /** Virtual-clock Unix seconds. */
  created_at: number;
  contentType: string;
}

export interface WxacodeLimits {
  /** Lifetime distinct paths for createQRCode + get, per app. @default 100000 */
  qrcodeCap: number;
  /** getUnlimited calls per virtual minute, per app. @default 5000 */
  unlimitedPerMinute: number;
}

export interface CodeFilter {
  appid?: string;
  api?: WxacodeApi;
  /** Only the newest n. */
  limit?: number;
}

interface Slice {
  limits: WxacodeLimits;
  codes: CodeRecord[];
  /** appid → path → true: the distinct paths counted against the cap. */
  paths: Record<string, Record<string, true>>;
  /** appid → number of distinct paths (kept beside `paths` to avoid counting keys per call). */
  used: Record<string, number>;
  /** appid → getUnlimited calls in the current virtual minute. */
  minute: Record<string, { minute: number; count: number }>;
}

export const DEFAULT_LIMITS: WxacodeLimits = { qrcodeCap: 100_000, unlimitedPerMinute: 5000 };
const SCENE_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]*$/;
const ENV_VERSIONS = ['release', 'trial', 'develop'];

const err = {
  scene: () => new WxError(40169, 'invalid length for scene, or the data is not json string'),
  sceneChars: () => new WxError(40129, 'invalid scene'), // [unverified] code, PROTOCOL §5.2
  path: () => new WxError(40159, 'invalid length for path, or the data is not json string'),
  page: () => new WxError(41030, 'invalid page'),
  // [inferred] PROTOCOL §5.2 names 40097 for bad arguments such as env_version; used for width too.
  args: (what: string) => new WxError(40097, `invalid args: ${what}`),
  reserved: () => new WxError(85096, 'scancode_time is a reserved parameter'), // [unverified] number
  cap: () => new WxError(45029, 'qrcode count out of limit'),
  rate: () => new WxError(45009, 'reach max api daily quota limit'),
};

/** Lenient boolean: JSON booleans, and the strings "true"/"false" some clients send. */
function bool(v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw err.args('boolean expected');
}

function width(v: unknown): number {
  if (v === undefined || v === null) return 430;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 280 || n > 1280) throw err.args('width must be 280-1280');
  return n;
}

/** `line_color` numbers or numeric strings (the doc example shows strings). */
function color(v: unknown): Rgb {
  if (v === undefined || v === null) return { r: 0, g: 0, b: 0 };
  if (typeof v !== 'object') throw err.args('line_color');
  const o = v as Record<string, unknown>;
  const c = { r: Number(o.r ?? 0), g: Number(o.g ?? 0), b: Number(o.b ?? 0) };
  for (const x of Object.values(c)) if (!Number.isInteger(x) || x < 0 || x > 255) throw err.args('line_color');
  return c;
}

function envVersion(v: unknown): string {
  if (v === undefined || v === null || v === '') return 'release';
  if (!ENV_VERSIONS.includes(v as string)) throw err.args('env_version');
  return v as string;
}

function hasReservedKey(path: string): boolean {
  const q = path.indexOf('?');
  return (
    q >= 0 &&
    path
      .slice(q + 1)
      .split('&')
      .some((kv) => kv.split('=')[0] === 'scancode_time')
  );
}

function pathParam(body: Record<string, any>, maxChars: number): string {
  const p = body.path;
  if (typeof p !== 'string' || p.length === 0 || p.length > maxChars) throw err.path();
  if (hasReservedKey(p)) throw err.reserved();
  return p;
}

const mod: AreaModule = {
  name: 'wxacode',
  register(ctx: AreaContext) {
    const s = ctx.slice<Slice>('wxacode', () => ({
      limits: { ...DEFAULT_LIMITS },
      codes: [],
      paths: {},
      used: {},
      minute: {},
    }));

    function record(app: EmuApp, rec: Omit<CodeRecord, 'id' | 'appid' | 'created_at' | 'contentType'>) {
      const full: CodeRecord = {
        id: ctx.randomId(8),
        appid: app.appid,
        created_at: ctx.clock.now(),
        contentType: 'image/png',
        ...rec,
      };
      s.codes.push(full);
      return full;
    }

    function image(rec: CodeRecord): Buffer {
      return renderQrPng({
        text: rec.text,
        width: rec.width,
        color: rec.auto_color ? { r: 0, g: 0, b: 0 } : rec.line_color,
        transparent: rec.is_hyaline,
      });
    }

    /** Counts `path` against the app's lifetime cap; returns the Num-Used value. */
    function countPath(appid: string, path: string): number {
      s.paths[appid] ??= {};
      const seen = s.paths[appid];
      if (!seen[path]) {
        if ((s.used[appid] ?? 0) >= s.limits.qrcodeCap) throw err.cap();
        seen[path] = true;
        s.used[appid] = (s.used[appid] ?? 0) + 1;
      }
      return s.used[appid] ?? 0;
    }

    function takeMinuteSlot(appid: string): void {
      const minute = Math.floor(ctx.clock.nowMs() / 60_000);
      const slot = s.minute[appid];
      if (!slot || slot.minute !== minute) s.minute[appid] = { minute, count: 0 };
      const cur = s.minute[appid]!;
      if (cur.count >= s.limits.unlimitedPerMinute) throw err.rate();
      cur.count++;
    }

    /** createQRCode and get: validate, count, render, answer with Num-Used. */
    function limitedCode(api: 'createQRCode' | 'get', app: EmuApp, body: Record<string, any>) {
      // [conflict] get's path: old doc ≤128 bytes, new doc ≤1024 chars; the emulator takes the
      // lenient reading. createQRCode: ≤128.
      const path = pathParam(body, api === 'get' ? 1024 : 128);
      const w = width(body.width);
      const round = api === 'get';
      const rec = {
        api,
        text: path,
        path,
        width: w,
        line_color: round ? color(body.line_color) : { r: 0, g: 0, b: 0 },
        auto_color: round ? bool(body.auto_color, false) : false,
        is_hyaline: round ? bool(body.is_hyaline, false) : false,
        env_version: round ? envVersion(body.env_version) : 'release',
      };
      const numUsed = countPath(app.appid, path);
      const binary = image(record(app, rec));
      return { binary, contentType: 'image/png', headers: { 'Num-Used': String(numUsed) } };
    }

    ctx.route({
      method: 'POST',
      path: '/cgi-bin/wxaapp/createwxaqrcode',
      auth: 'access_token',
      body: 'json',
      handler: (req) => limitedCode('createQRCode', req.app, req.body),
    });

    ctx.route({
      method: 'POST',
      path: '/wxa/getwxacode',
      auth: 'access_token',
      body: 'json',
      handler: (req) => limitedCode('get', req.app, req.body),
    });

    ctx.route({
      method: 'POST',
      path: '/wxa/getwxacodeunlimit',
      auth: 'access_token',
      body: 'json',
      handler: (req) => {
        const b = req.body;
        const scene = b.scene;
        if (typeof scene !== 'string' || scene.length === 0 || scene.length > 32) throw err.scene();
        if (!SCENE_CHARS.test(scene)) throw err.sceneChars();
        let page: string | undefined;
        if (b.page !== undefined && b.page !== null && b.page !== '') {
          if (typeof b.page !== 'string' || b.page.startsWith('/') || b.page.includes('?')) throw err.page();
          page = b.page;
        }
        const checkPath = bool(b.check_path, true);
        const rec = {
          api: 'getUnlimited' as const,
          width: width(b.width),
          line_color: color(b.line_color),
          auto_color: bool(b.auto_color, false),
          is_hyaline: bool(b.is_hyaline, false),
          env_version: envVersion(b.env_version),
          check_path: checkPath,
        };
        const home = req.app.pages[0];
        // An app without a page list accepts any page (nothing to check against).
        if (checkPath && page !== undefined && req.app.pages.length > 0 && !req.app.pages.includes(page)) {
          throw err.page();
        }
        takeMinuteSlot(req.app.appid);
        const target = page ?? home ?? '';
        const text = `${target}?scene=${encodeURIComponent(scene)}`;
        const binary = image(record(req.app, { ...rec, text, page: target, scene }));
        return { binary, contentType: 'image/png' };
      },
    });

    // ---- inspection (handle methods mirror the admin routes)
    function listCodes(filter: CodeFilter = {}): CodeRecord[] {
      let out = s.codes.filter(
        (c) => (!filter.appid || c.appid === filter.appid) && (!filter.api || c.api === filter.api),
      );
      if (filter.limit !== undefined && filter.limit >= 0) out = out.slice(Math.max(0, out.length - filter.limit));
      return out.map((c) => structuredClone(c));
    }
    function getCode(id: string): (CodeRecord & { image: Buffer }) | undefined {
      const rec = s.codes.find((c) => c.id === id);
      return rec ? { ...structuredClone(rec), image: image(rec) } : undefined;
    }
    function setLimits(patch: Partial<WxacodeLimits>): WxacodeLimits {
      for (const k of ['qrcodeCap', 'unlimitedPerMinute'] as const) {
        const v = patch?.[k];
        if (v === undefined) continue;
        if (!Number.isInteger(v) || v < 0) throw new TypeError(`${k} must be a non-negative integer`);
        s.limits[k] = v;
      }
      return { ...s.limits };
    }
    function usage(appid: string) {
      return {
        appid,
        numUsed: s.used[appid] ?? 0,
        qrcodeCap: s.limits.qrcodeCap,
        unlimitedThisMinute:
          s.minute[appid]?.minute === Math.floor(ctx.clock.nowMs() / 60_000) ? s.minute[appid]!.count : 0,
        unlimitedPerMinute: s.limits.unlimitedPerMinute,
      };
    }

    ctx.admin({
      method: 'GET',
      path: 'wxacode/codes',
      handler: ({ query }) =>
        listCodes({
          appid: query.appid,
          api: query.api as WxacodeApi | undefined,
          limit: query.limit !== undefined ? Number(query.limit) : undefined,
        }),
    });
    ctx.admin({
      method: 'GET',
      path: 'wxacode/codes/:id',
      handler: ({ params }) => {
        const code = getCode(params.id ?? '');
        if (!code) throw new AdminError(404, `no code ${params.id}`);
        const { image: png, ...meta } = code;
        return { ...meta, image_base64: png.toString('base64') };
      },
    });
    ctx.admin({ method: 'GET', path: 'wxacode/limits', handler: () => ({ ...s.limits }) });
    ctx.admin({ method: 'PUT', path: 'wxacode/limits', handler: ({ body }) => setLimits(body ?? {}) });
    ctx.admin({ method: 'GET', path: 'wxacode/usage/:appid', handler: ({ params }) => usage(params.appid ?? '') });

    return { listCodes, getCode, setLimits, usage };
  },
};

export default mod;
