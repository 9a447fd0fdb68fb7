/**
 * Content security (内容安全, PROTOCOL.md §16): msgSecCheck and mediaCheckAsync (version 2), and the
 * legacy imgSecCheck. Trap: a risky text comes back with `errcode: 0` — the call worked, the
 * content did not pass. Branch on `result.suggest` (or `isRisky(result)`), never on errcode.
 */
import { type Envelope, type FileInput, defineArea, endpoint } from '../core/endpoint.js';
import { ValidationError } from '../core/errors.js';
import { checkParams, fail, optionalString, requireString } from '../internal/validate.js';

/** `scene` of the v2 checks. */
export const SecCheckScene = {
  /** 资料 */
  PROFILE: 1,
  /** 评论 */
  COMMENT: 2,
  /** 论坛 */
  FORUM: 3,
  /** 社交日志 */
  SOCIAL_LOG: 4,
} as const;
export type SecCheckSceneValue = (typeof SecCheckScene)[keyof typeof SecCheckScene];

/** `media_type` of mediaCheckAsync: 1 audio, 2 image. */
export const MediaType = { AUDIO: 1, IMAGE: 2 } as const;
export type MediaTypeValue = (typeof MediaType)[keyof typeof MediaType];

/** Documented label codes (PROTOCOL §16.5). `label` stays an open number: new codes must decode. */
export const SecCheckLabel = {
  NORMAL: 100,
  AD: 10001,
  POLITICS: 20001,
  PORN: 20002,
  ABUSE: 20003,
  ILLEGAL: 20006,
  FRAUD: 20008,
  VULGAR: 20012,
  COPYRIGHT: 20013,
  OTHER: 21000,
} as const;

/** `risky` (block), `review` (queue for a human), `pass`. Unknown values are kept. */
export type SecCheckSuggest = 'risky' | 'pass' | 'review' | (string & {});

/** msgSecCheck's text limit ("≤ 2500 字"). */
export const MSG_SEC_CHECK_MAX_CHARS = 2500;
/** imgSecCheck's file limit ("图片大小限制：1M"; staff reported ~500 KB in practice, PROTOCOL §16.4). */
export const IMG_SEC_CHECK_MAX_BYTES = 1024 * 1024;

/** security.msgSecCheck params (version 2; the SDK sends `version: 2`). */
export interface MsgSecCheckParams {
  /** The text, ≤ 2500 characters, raw UTF-8 (`\uXXXX`-escaped text is not recognised). */
  content: string;
  scene: SecCheckSceneValue;
  /** The author; must have opened the mini program in the last 2 hours (61010 otherwise). */
  openid: string;
  title?: string;
  nickname?: string;
  /** 个性签名: only meaningful with `scene: 1`. */
  signature?: string;
}

/** The overall verdict. */
export interface SecCheckVerdict {
  suggest: SecCheckSuggest;
  /** 100 = normal; see {@link SecCheckLabel}. */
  label: number;
}

/** One strategy's finding. Every field but `strategy` may be absent; order is not fixed. */
export interface SecCheckDetail {
  /** `content_model`, `keyword`, ... */
  strategy: string;
  /** Only a 0 here makes this item's result valid. */
  errcode?: number;
  suggest?: SecCheckSuggest;
  label?: number;
  /** The custom keyword that matched (keyword strategy). */
  keyword?: string;
  /** 0–100. */
  prob?: number;
  /** Undocumented, seen in the official example. */
  level?: number;
}

export interface MsgSecCheckResult extends Envelope {
  trace_id: string;
  result: SecCheckVerdict;
  /** Always an array here (empty when WeChat sent none). */
  detail: SecCheckDetail[];
}

/** security.mediaCheckAsync params (version 2; the SDK sends `version: 2`). */
export interface MediaCheckAsyncParams {
  /** A public http(s) URL WeChat can download (image ≤ 10 MB, or audio). */
  media_url: string;
  /** 1 audio, 2 image — must match the URL's content. */
  media_type: MediaTypeValue;
  scene: SecCheckSceneValue;
  /** Must have opened the mini program in the last 2 hours. */
  openid: string;
}
export interface MediaCheckAsyncResult extends Envelope {
  /** Matches the `trace_id` of the `wxa_media_check` push that carries the verdict. */
  trace_id: string;
}

/** security.imgSecCheck params (legacy 1.0). */
export interface ImgSecCheckParams {
  /** The image (PNG/JPEG/GIF, ≤ 1 MB, ≤ 750×1334 px), sent as the multipart part `media`. */
  media: FileInput;
}

function checkScene(api: string, p: Record<string, any>): void {
  if (![1, 2, 3, 4].includes(p.scene)) fail(api, 'scene', '`scene` must be 1, 2, 3 or 4 (SecCheckScene)');
}

function suggestOf(v: unknown): SecCheckSuggest {
  return typeof v === 'string' ? v : String(v ?? '');
}

function labelOf(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

/** Lenient: `detail` always an array, string labels as numbers. */
function decodeMsgSecCheck(r: any): MsgSecCheckResult {
  const detail = Array.isArray(r.detail) ? r.detail : r.detail ? [r.detail] : [];
  for (const d of detail) {
    if (d.label !== undefined) d.label = labelOf(d.label);
    if (d.errcode !== undefined) d.errcode = Number(d.errcode);
    if (d.prob !== undefined) d.prob = Number(d.prob);
  }
  const result = r.result ?? {};
  return {
    ...r,
    trace_id: String(r.trace_id ?? ''),
    result: { ...result, suggest: suggestOf(result.suggest), label: labelOf(result.label) },
    detail,
  };
}

export const security = defineArea('security', {
  /**
   * Checks a text (version 2). `errcode: 0` only means the call worked: a risky text also answers
   * 0 with `result.suggest: 'risky'` — use `isRisky(result)`.
   */
  msgSecCheck: endpoint<MsgSecCheckParams, MsgSecCheckResult>({
    method: 'POST',
    path: '/wxa/msg_sec_check',
    security: 'supported', // PROTOCOL §15.7
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/sec-center/sec-check/api_msgseccheck.html',
    validate: (p) => {
      const api = 'security.msgSecCheck';
      checkParams(api, p);
      requireString(api, p, 'content');
      if ([...p.content].length > MSG_SEC_CHECK_MAX_CHARS) {
        fail(api, 'content', `\`content\` is longer than ${MSG_SEC_CHECK_MAX_CHARS} characters`);
      }
      checkScene(api, p);
      requireString(api, p, 'openid');
      for (const f of ['title', 'nickname', 'signature']) optionalString(api, p, f);
    },
    wire: (p) => ({ ...p, version: 2 }),
    decode: decodeMsgSecCheck,
  }),
  /** Queues an image or audio check (version 2); the verdict arrives as the `wxa_media_check` push. */
  mediaCheckAsync: endpoint<MediaCheckAsyncParams, MediaCheckAsyncResult>({
    method: 'POST',
    path: '/wxa/media_check_async',
    security: 'supported', // PROTOCOL §15.7
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: false, // a replay queues a second check (and may hit 87020)
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/sec-center/sec-check/api_mediacheckasync.html',
    validate: (p) => {
      const api = 'security.mediaCheckAsync';
      checkParams(api, p);
      requireString(api, p, 'media_url');
      if (!/^https?:\/\/[^\s/]+/i.test(p.media_url)) fail(api, 'media_url', '`media_url` must be an http(s) URL');
      if (p.media_type !== 1 && p.media_type !== 2) {
        fail(api, 'media_type', '`media_type` must be 1 (audio) or 2 (image) (MediaType)');
      }
      checkScene(api, p);
      requireString(api, p, 'openid');
    },
    wire: (p) => ({ ...p, version: 2 }),
  }),
  /** Legacy 1.0 image check: a risky image is an ApiError 87014 (`risky content`). Prefer mediaCheckAsync. */
  imgSecCheck: endpoint<ImgSecCheckParams, Envelope>({
    method: 'POST',
    path: '/wxa/img_sec_check',
    auth: 'access_token',
    request: 'multipart',
    response: 'json',
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/framework/security.imgSecCheck.html',
    fileField: 'media',
    maxFileBytes: IMG_SEC_CHECK_MAX_BYTES,
    validate: (p) => {
      if (p == null || typeof p !== 'object' || (p as ImgSecCheckParams).media == null) {
        throw new ValidationError('`media` is required (the image file)', {
          api: 'security.imgSecCheck',
          field: 'media',
        });
      }
    },
  }),
});

/**
 * Whether a content-security verdict says "risky": a msgSecCheck result or a `wxa_media_check`
 * push (v2 `result.suggest`, v1 `isrisky`). `review` is not risky: queue it for a human.
 * Never read `errcode: 0` as "the content is fine".
 */
export function isRisky(verdict: { result?: { suggest?: unknown }; isrisky?: unknown } | null | undefined): boolean {
  if (!verdict) return false;
  if (verdict.result && typeof verdict.result === 'object') return verdict.result.suggest === 'risky';
  return Number(verdict.isrisky) === 1;
}
