/**
 * The content-security routes (PROTOCOL §16): `/wxa/msg_sec_check` (v2 with `version: 2`, v1
 * without), `/wxa/media_check_async` (verdict pushed later on the virtual clock), and the legacy
 * multipart `/wxa/img_sec_check`.
 */
import { createHash } from 'node:crypto';
import { quotaDay } from '../../clock.js';
import { type AreaContext, type EmuApp, WxError } from '../../context.js';
import { imageInfo } from '../../image.js';
import { checkImageHash, checkText, isRiskyV1 } from './rules.js';
import { type CheckRecord, MAX_CHECKS, type SecApi, type SecuritySlice } from './state.js';

export const err = {
  format: () => new WxError(47001, 'data format error'),
  openid: () => new WxError(40003, 'invalid openid'),
  mismatch: () => new WxError(43104, 'appid and openid not match'),
  scene: () => new WxError(40129, 'invalid scene'),
  // The doc's text for "用户访问记录超时（用户未在近两小时访问小程序）".
  visit: () => new WxError(61010, 'code is expired'),
  minute: () => new WxError(44991, 'reach max api minute frequence'),
  day: () => new WxError(45009, 'reach max api daily quota limit'),
  mediaType: () => new WxError(40004, 'invalid media type'),
  repeat: () => new WxError(87020, 'repeat request limit exceeded'),
  risky: () => new WxError(87014, 'risky content'),
  size: () => new WxError(40006, 'invalid media size'),
  missing: () => new WxError(41005, 'media data missing'),
};

/** ≤ 2500 characters (v2); v1 allows 500 KB. */
const V2_MAX_CHARS = 2500;
const V1_MAX_BYTES = 500 * 1024;
const IMG_MAX_BYTES = 1024 * 1024;

export interface SecurityRoutesDeps {
  ctx: AreaContext;
  st: () => SecuritySlice;
  /** Runs due pushes first, so a request sees the current state. */
  tick: () => void;
}

/** v2 when `version` is 2; absent = legacy v1 behaviour (PROTOCOL §16.2 [inferred]); anything else 47001. */
function versionOf(body: Record<string, unknown>): 1 | 2 {
  if (body.version === undefined) return 1;
  if (Number(body.version) === 2) return 2;
  throw err.format();
}

export function registerSecurityRoutes({ ctx, st, tick }: SecurityRoutesDeps): void {
  function record(rec: Omit<CheckRecord, 'id' | 'at'>): CheckRecord {
    const s = st();
    const full = { id: s.nextId++, at: ctx.clock.now(), ...rec } as CheckRecord;
    s.checks.push(full);
    if (s.checks.length > MAX_CHECKS) s.checks.splice(0, s.checks.length - MAX_CHECKS);
    ctx.emit('security.check', { id: full.id, api: full.api, errcode: full.errcode });
    return full;
  }

  /** Counts the call; 44991 / 45009 past the per-minute / per-day limit. */
  function quota(app: EmuApp, api: SecApi): void {
    const s = st();
    const now = ctx.clock.now();
    const limit = s.settings.quotas[api];
    const minute = `${app.appid}|${api}|m${Math.floor(now / 60)}`;
    const day = `${app.appid}|${api}|d${quotaDay(now)}`;
    s.counters[minute] = (s.counters[minute] ?? 0) + 1;
    s.counters[day] = (s.counters[day] ?? 0) + 1;
    if (s.counters[minute] > limit.perMinute) throw err.minute();
    if (s.counters[day] > limit.perDay) throw err.day();
  }

  /** The v2 author checks: openid of this app (43104 when it belongs to another), scene, a visit within 2 h. */
  function author(app: EmuApp, body: Record<string, any>): { openid: string; scene: number } {
    const openid = body.openid;
    if (typeof openid !== 'string' || !openid) throw err.openid();
    if (!ctx.getUser(app.appid, openid)) {
      throw ctx.listApps().some((a) => ctx.getUser(a.appid, openid)) ? err.mismatch() : err.openid();
    }
    const scene = Number(body.scene);
    if (![1, 2, 3, 4].includes(scene)) throw err.scene();
    const s = st();
    const visited = s.visits[`${app.appid}|${openid}`];
    if (
      s.settings.requireVisit &&
      (visited === undefined || ctx.clock.now() - visited > s.settings.visitWindowSeconds)
    ) {
      throw err.visit();
    }
    return { openid, scene };
  }

  /** Records a failed check too (the console lists refusals), then rethrows. */
  function recorded<T>(app: EmuApp, api: SecApi, version: 1 | 2, body: Record<string, any>, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      // 87014 answers record themselves, with their verdict.
      if (e instanceof WxError && e.errcode !== 87014) {
        record({
          appid: app.appid,
          api,
          version,
          errcode: e.errcode,
          openid: typeof body.openid === 'string' ? body.openid : undefined,
          content: typeof body.content === 'string' ? body.content : undefined,
          media_url: typeof body.media_url === 'string' ? body.media_url : undefined,
        });
      }
      throw e;
    }
  }

  ctx.route({
    method: 'POST',
    path: '/wxa/msg_sec_check',
    auth: 'access_token',
    body: 'json',
    handler: ({ app, body }) => {
      tick();
      const version = versionOf(body);
      return recorded(app, 'msgSecCheck', version, body, () => {
        quota(app, 'msgSecCheck');
        const content = body.content;
        if (typeof content !== 'string' || !content) throw err.format();
        if (version === 1) {
          if (Buffer.byteLength(content) > V1_MAX_BYTES) throw err.format();
          const risky = isRiskyV1(st(), content);
          record({ appid: app.appid, api: 'msgSecCheck', version, content, errcode: risky ? 87014 : 0 });
          if (risky) throw err.risky();
          return {};
        }
        if ([...content].length > V2_MAX_CHARS) throw err.format();
        const { openid, scene } = author(app, body);
        const texts = [content, body.title, body.nickname, scene === 1 ? body.signature : undefined].filter(
          (t): t is string => typeof t === 'string',
        );
        const verdict = checkText(st().textRules, texts);
        const trace_id = traceId();
        record({
          appid: app.appid,
          api: 'msgSecCheck',
          version,
          openid,
          scene,
          content,
          trace_id,
          errcode: 0,
          verdict,
        });
        // errcode 0 even when risky: the verdict is in `result`.
        return { trace_id, result: verdict.result, detail: verdict.detail };
      });
    },
  });

  ctx.route({
    method: 'POST',
    path: '/wxa/media_check_async',
    auth: 'access_token',
    body: 'json',
    handler: ({ app, body }) => {
      tick();
      const version = versionOf(body);
      return recorded(app, 'mediaCheckAsync', version, body, () => {
        quota(app, 'mediaCheckAsync');
        const media_url = body.media_url;
        if (typeof media_url !== 'string' || !/^https?:\/\//i.test(media_url)) throw err.format();
        const media_type = Number(body.media_type);
        if (media_type !== 1 && media_type !== 2) throw err.mediaType();
        const who = version === 2 ? author(app, body) : undefined;
        const s = st();
        // The same URL while its previous check is still pending (PROTOCOL §16.3 87020 [inferred trigger]).
        if (s.checks.some((c) => c.appid === app.appid && c.media_url === media_url && c.push?.status === 'pending')) {
          throw err.repeat();
        }
        // v1 trace ids are 32 hex characters; v2 ones look like rids (PROTOCOL §16.3.2).
        const trace_id = version === 2 ? traceId() : ctx.randomId(16);
        const due = ctx.clock.now() + s.settings.pushDelaySeconds;
        record({
          appid: app.appid,
          api: 'mediaCheckAsync',
          version,
          ...(who ?? {}),
          media_url,
          media_type,
          trace_id,
          errcode: 0,
          push: { status: 'pending', due },
        });
        return { trace_id };
      });
    },
  });

  ctx.route({
    method: 'POST',
    path: '/wxa/img_sec_check',
    auth: 'access_token',
    body: 'multipart',
    handler: ({ app, files }) => {
      tick();
      return recorded(app, 'imgSecCheck', 1, {}, () => {
        quota(app, 'imgSecCheck');
        const file = files.find((f) => f.field === 'media');
        if (!file || file.data.length === 0) throw err.missing();
        if (file.data.length > IMG_MAX_BYTES) throw err.size();
        if (!imageInfo(file.data)) throw err.mediaType();
        const sha256 = createHash('sha256').update(file.data).digest('hex');
        const verdict = checkImageHash(st(), sha256);
        const risky = verdict.result.suggest === 'risky';
        record({ appid: app.appid, api: 'imgSecCheck', version: 1, sha256, errcode: risky ? 87014 : 0, verdict });
        if (risky) throw err.risky();
        return {};
      });
    },
  });

  function traceId(): string {
    return `${ctx.randomId(4)}-${ctx.randomId(4)}-${ctx.randomId(4)}`;
  }
}
