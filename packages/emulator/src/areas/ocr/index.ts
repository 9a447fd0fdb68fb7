/**
 * OCR (`/cv/ocr/*`, PROTOCOL.md §6). One POST route per recogniser taking a multipart `img` part
 * or a query `img_url`. Answers come from, in order: a registered fixture; real recognition with
 * tesseract.js (printedText, bankcard); a deterministic synthetic card/licence derived from the
 * image hash (or 101001 in strict mode). Every call is recorded for inspection.
 */
import type { Server } from 'node:http';
import type { AreaContext, AreaModule, WxRequest, WxResult } from '../../context.js';
import { WxError } from '../../context.js';
import { AdminError } from '../../admin/ops.js';
import {
  OCR_PATHS,
  type OcrFixture,
  type OcrFixtureInput,
  type OcrKind,
  findFixture,
  isOcrKind,
  makeFixture,
  sha256Hex,
} from './fixtures.js';
import { type ImageInfo, imageInfo } from '../../image.js';
import { type RecognisedLine, Recogniser } from './recogniser.js';
import { type RenderTextOptions, renderTextPng } from './render.js';
import { syntheticResult } from './synthetic.js';

/** WeChat's image limit ("小于2M"). */
export const OCR_MAX_BYTES = 2 * 1024 * 1024;
/** "100次/天" in the new doc (the old wording says 500; PROTOCOL §6.1 [conflict]). */
export const OCR_DEFAULT_DAILY_QUOTA = 100;
const FETCH_TIMEOUT_MS = 5000;
const MAX_CALLS_KEPT = 1000;
/** Images of the most recent calls kept for the console (by sha256; not part of exportState). */
const MAX_IMAGES_KEPT = 64;

export interface OcrConfig {
  /** Calls per app per (virtual, Beijing) day before 45009. @default 100 */
  dailyQuota: number;
  /** Card/licence recognisers answer 101001 instead of synthetic results when no fixture matches. @default false */
  strict: boolean;
}

/** One OCR call as the emulator saw it. */
export interface OcrCall {
  seq: number;
  /** Virtual-clock Unix milliseconds. */
  time: number;
  appid: string;
  kind: OcrKind;
  path: string;
  input: 'img' | 'img_url' | 'none';
  img_url?: string;
  /** The multipart part, as received. */
  field?: string;
  filename?: string;
  contentType?: string;
  size?: number;
  sha256?: string;
  type?: string;
  /** Where the answer came from. */
  source?: 'fixture' | 'recognition' | 'synthetic';
  fixtureId?: string;
  errcode: number;
  /** The success fields returned (no errcode/errmsg). */
  result?: Record<string, unknown>;
  /** Wall-clock milliseconds tesseract spent on this image (real recognition only). */
  recognitionMs?: number;
}

export interface OcrCallFilter {
  kind?: OcrKind;
  appid?: string;
  /** Only the newest n calls. */
  limit?: number;
}

interface OcrSlice {
  config: OcrConfig;
  fixtures: OcrFixture[];
  calls: OcrCall[];
  /** `${appid}:${beijingDay}` → calls counted. */
  usage: Record<string, number>;
  seq: number;
}

const ERR = {
  url: () => new WxError(101000, 'invalid image url'),
  notFound: () => new WxError(101001, 'certificate not found'),
  image: () => new WxError(101002, 'invalid image'),
  // The doc only says "小于2M"; the errcode is the platform's media-size one [inferred].
  size: () => new WxError(40006, 'invalid media size'),
  // Neither img nor img_url (e.g. an SDK naming the part `file`, PROTOCOL §11 #7) [inferred].
  missing: () => new WxError(41005, 'media data missing'),
  quota: () =>
    new WxError(
      45009,
      'reach max api daily quota limit, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r',
    ),
};

/** Hosts the emulator will download an img_url from: this machine only, never the internet. */
function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Days since the epoch in China Standard Time (quotas reset at Beijing midnight). */
function beijingDay(unixSeconds: number): number {
  return Math.floor((unixSeconds + 8 * 3600) / 86400);
}

function quad(l: RecognisedLine) {
  return {
    left_top: { x: l.x0, y: l.y0 },
    right_top: { x: l.x1, y: l.y0 },
    right_bottom: { x: l.x1, y: l.y1 },
    left_bottom: { x: l.x0, y: l.y1 },
  };
}

/** The longest 15–19 digit run (groups may be split by spaces or dashes): what a card number looks like. */
export function findCardNumber(lines: string[]): string | undefined {
  let best: string | undefined;
  for (const line of lines) {
    for (const m of line.matchAll(/\d(?:[ -]?\d)+/g)) {
      const digits = m[0].replace(/\D/g, '');
      if (digits.length >= 15 && digits.length <= 19 && (!best || digits.length > best.length)) best = digits;
    }
  }
  return best;
}

async function download(url: string): Promise<Buffer> {
  let res: Response;
  try {
    // redirect: 'error' so a loopback URL cannot bounce the emulator onto the internet.
    res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch {
    throw ERR.url();
  }
  if (!res.ok) throw ERR.url();
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > OCR_MAX_BYTES) throw ERR.size();
  return Buffer.from(await res.arrayBuffer());
}

const ocrArea: AreaModule = {
  name: 'ocr',
  register(ctx: AreaContext) {
    const s = ctx.slice<OcrSlice>('ocr', () => ({
      config: { dailyQuota: OCR_DEFAULT_DAILY_QUOTA, strict: false },
      fixtures: [],
      calls: [],
      usage: {},
      seq: 0,
    }));
    const recogniser = new Recogniser();
    let closeHooked = false;
    const hookClose = (req: WxRequest) => {
      if (closeHooked) return;
      closeHooked = true;
      if (ctx.onClose) return; // registered below
      // Fallback for a core without onClose: the HTTP server's close event.
      (req.raw.server.server as Server).once('close', () => void recogniser.close());
    };
    ctx.onClose?.(() => recogniser.close());

    const recognise = async (call: OcrCall, data: Buffer): Promise<RecognisedLine[]> => {
      const started = performance.now();
      try {
        return await recogniser.recognise(data);
      } catch (err) {
        if (/offline|model not found|traineddata|closed/i.test(String((err as Error)?.message))) {
          throw new WxError(-1, 'system error');
        }
        throw ERR.image(); // leptonica could not read the pixels
      } finally {
        call.recognitionMs = Math.round(performance.now() - started);
      }
    };

    const answer = async (kind: OcrKind, req: WxRequest, call: OcrCall): Promise<Record<string, unknown>> => {
      const day = beijingDay(ctx.clock.now());
      const usageKey = `${req.app.appid}:${day}`;
      if ((s.usage[usageKey] ?? 0) >= s.config.dailyQuota) throw ERR.quota();
      s.usage[usageKey] = (s.usage[usageKey] ?? 0) + 1;

      // WeChat: "传这个则不用传 img_url" — the uploaded part wins when both are present.
      const part = req.files.find((f) => f.field === 'img');
      let data: Buffer;
      if (part) {
        Object.assign(call, {
          input: 'img',
          field: part.field,
          filename: part.filename,
          contentType: part.contentType,
          size: part.data.length,
        });
        data = part.data;
      } else if (req.query.img_url) {
        const url = req.query.img_url;
        Object.assign(call, { input: 'img_url', img_url: url });
        const byUrl = findFixture(s.fixtures, kind, { img_url: url });
        if (byUrl) return fromFixture(call, byUrl);
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          throw ERR.url();
        }
        if (!/^https?:$/.test(parsed.protocol) || !isLoopback(parsed.hostname)) throw ERR.url();
        data = await download(url);
        call.size = data.length;
      } else {
        throw ERR.missing();
      }
      if (data.length > OCR_MAX_BYTES) throw ERR.size();
      const img = imageInfo(data);
      if (!img) throw ERR.image();
      call.sha256 = sha256Hex(data);
      keepImage(call.sha256, data, img.contentType);
      const byHash = findFixture(s.fixtures, kind, { sha256: call.sha256 });
      if (byHash) return fromFixture(call, byHash);

      if (kind === 'printedText' || kind === 'bankcard') {
        hookClose(req);
        const lines = await recognise(call, data);
        call.source = 'recognition';
        if (kind === 'printedText') {
          // A blank page is a successful read with no lines [inferred]; cards answer 101001.
          return { items: lines.map((l) => ({ text: l.text, pos: quad(l) })), ...imgSize(img) };
        }
        const number = findCardNumber(lines.map((l) => l.text));
        if (!number) throw ERR.notFound();
        return { number };
      }
      if (s.config.strict) throw ERR.notFound();
      call.source = 'synthetic';
      return syntheticResult(kind, call.sha256, img);
    };

    const fromFixture = (call: OcrCall, fx: OcrFixture): Record<string, unknown> => {
      call.source = 'fixture';
      call.fixtureId = fx.id;
      const code = Number(fx.result.errcode ?? 0);
      if (code !== 0) throw new WxError(code, String(fx.result.errmsg ?? 'error'));
      const { errcode: _c, errmsg: _m, ...fields } = fx.result;
      return structuredClone(fields);
    };

    const handler =
      (kind: OcrKind) =>
      async (req: WxRequest): Promise<WxResult> => {
        const call: OcrCall = {
          seq: ++s.seq,
          time: ctx.clock.nowMs(),
          appid: req.app.appid,
          kind,
          path: OCR_PATHS[kind],
          input: 'none',
          errcode: 0,
        };
        if (req.query.type !== undefined) call.type = req.query.type; // accepted and ignored (PROTOCOL §6.1)
        try {
          const result = await answer(kind, req, call);
          call.result = result;
          // The official samples send errcode as a string ("0"): clients must cope (PROTOCOL §1).
          return { errcode: '0', errmsg: 'ok', ...result };
        } catch (err) {
          call.errcode = err instanceof WxError ? err.errcode : -1;
          throw err;
        } finally {
          s.calls.push(call);
          if (s.calls.length > MAX_CALLS_KEPT) s.calls.splice(0, s.calls.length - MAX_CALLS_KEPT);
        }
      };

    for (const kind of Object.keys(OCR_PATHS) as OcrKind[]) {
      ctx.route({
        method: 'POST',
        path: OCR_PATHS[kind],
        auth: 'access_token',
        body: 'multipart',
        handler: handler(kind),
      });
    }

    const images = new Map<string, { data: Buffer; contentType: string }>();
    function keepImage(sha256: string, data: Buffer, contentType: string): void {
      images.delete(sha256); // re-inserted as the newest
      images.set(sha256, { data, contentType });
      for (const old of images.keys()) {
        if (images.size <= MAX_IMAGES_KEPT) break;
        images.delete(old);
      }
    }

    // ---- handle methods (mirrored by the admin routes below)
    const ops = {
      /** Registers an answer for an image, its sha256, or an img_url. Returns the stored fixture. */
      addFixture(input: OcrFixtureInput): OcrFixture {
        const fx = makeFixture(input, ctx.randomId(8));
        s.fixtures.push(fx);
        return structuredClone(fx);
      },
      listFixtures(): OcrFixture[] {
        return structuredClone(s.fixtures);
      },
      /** Removes one fixture; false when the id is unknown. */
      removeFixture(id: string): boolean {
        const i = s.fixtures.findIndex((f) => f.id === id);
        if (i >= 0) s.fixtures.splice(i, 1);
        return i >= 0;
      },
      clearFixtures(): void {
        s.fixtures.splice(0);
      },
      /** Recorded OCR calls, oldest first. */
      calls(filter: OcrCallFilter = {}): OcrCall[] {
        let out = s.calls.filter(
          (c) => (!filter.kind || c.kind === filter.kind) && (!filter.appid || c.appid === filter.appid),
        );
        if (filter.limit !== undefined && filter.limit >= 0) out = out.slice(Math.max(0, out.length - filter.limit));
        return structuredClone(out);
      },
      clearCalls(): void {
        s.calls.splice(0);
        images.clear();
      },
      /** The image of a recent call (the newest 64 distinct images are kept), by its sha256. */
      image(sha256: string): { contentType: string; data: Buffer } | undefined {
        const img = images.get(sha256);
        return img && { contentType: img.contentType, data: img.data };
      },
      config(): OcrConfig {
        return { ...s.config };
      },
      /** Changes the daily quota and/or strict mode. Returns the new config. */
      configure(patch: Partial<OcrConfig>): OcrConfig {
        if (patch.dailyQuota !== undefined) {
          if (!Number.isInteger(patch.dailyQuota) || patch.dailyQuota < 0) {
            throw new TypeError('dailyQuota must be a non-negative integer');
          }
          s.config.dailyQuota = patch.dailyQuota;
        }
        if (patch.strict !== undefined) {
          if (typeof patch.strict !== 'boolean') throw new TypeError('strict must be a boolean');
          s.config.strict = patch.strict;
        }
        return { ...s.config };
      },
      /** Today's (virtual, Beijing) quota use of an app. */
      usage(appid: string): { appid: string; used: number; limit: number; remaining: number } {
        const used = s.usage[`${appid}:${beijingDay(ctx.clock.now())}`] ?? 0;
        const limit = s.config.dailyQuota;
        return { appid, used, limit, remaining: Math.max(0, limit - used) };
      },
      /** A PNG of `text` drawn with the built-in font: an image the recognisers can really read. */
      renderText(text: string, options?: RenderTextOptions): Buffer {
        return renderTextPng(text, options);
      },
      /** Starts the tesseract worker now (it otherwise starts on the first recognition). */
      async warmUp(): Promise<{ startupMs: number | undefined }> {
        await recogniser.recognise(renderTextPng('0', { scale: 3 }));
        return { startupMs: recogniser.startupMs };
      },
    };

    // Thrown TypeErrors/RangeErrors become HTTP 400 with the message (the core's admin error rule).
    ctx.admin({ method: 'GET', path: 'ocr/fixtures', handler: () => ops.listFixtures() });
    ctx.admin({
      method: 'POST',
      path: 'ocr/fixtures',
      handler: ({ body }) => {
        const { image_base64, ...rest } = (body ?? {}) as OcrFixtureInput & { image_base64?: string };
        return ops.addFixture(
          image_base64 !== undefined ? { ...rest, image: Buffer.from(image_base64, 'base64') } : rest,
        );
      },
    });
    ctx.admin({ method: 'DELETE', path: 'ocr/fixtures', handler: () => ops.clearFixtures() });
    ctx.admin({
      method: 'DELETE',
      path: 'ocr/fixtures/:id',
      handler: ({ params }) => ({ removed: ops.removeFixture(params.id) }),
    });
    ctx.admin({
      method: 'GET',
      path: 'ocr/calls',
      handler: ({ query }) =>
        ops.calls({
          kind: isOcrKind(query.kind) ? query.kind : undefined,
          appid: query.appid,
          limit: query.limit !== undefined ? Number(query.limit) : undefined,
        }),
    });
    ctx.admin({ method: 'DELETE', path: 'ocr/calls', handler: () => ops.clearCalls() });
    ctx.admin({
      method: 'GET',
      path: 'ocr/images/:sha256',
      handler: ({ params }) => {
        const img = ops.image(params.sha256 ?? '');
        if (!img) throw new AdminError(404, `no image ${params.sha256} (only the newest ${MAX_IMAGES_KEPT} are kept)`);
        return { sha256: params.sha256, contentType: img.contentType, image_base64: img.data.toString('base64') };
      },
    });
    ctx.admin({ method: 'GET', path: 'ocr/config', handler: () => ops.config() });
    ctx.admin({ method: 'PUT', path: 'ocr/config', handler: ({ body }) => ops.configure(body ?? {}) });
    ctx.admin({
      method: 'GET',
      path: 'ocr/usage',
      handler: ({ query }) => ops.usage(query.appid ?? ctx.listApps()[0]?.appid ?? ''),
    });
    ctx.admin({
      method: 'POST',
      path: 'ocr/render',
      handler: ({ body }) => ({
        image_base64: ops.renderText(String(body?.text ?? ''), { scale: body?.scale }).toString('base64'),
      }),
    });
    return ops;
  },
};

function imgSize(img: ImageInfo): Record<string, unknown> {
  return img.w > 0 ? { img_size: { w: img.w, h: img.h } } : {};
}

export default ocrArea;
