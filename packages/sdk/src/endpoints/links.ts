/**
 * Links into the mini program: URL Scheme (`weixin://dl/business/?t=…`), URL Link
 * (`https://wxaurl.cn/…`) and Short Link. PROTOCOL.md §5.3–5.5.
 */
import { type Envelope, defineArea, endpoint } from '../core/endpoint.js';
import { ENV_VERSIONS, checkParams, fail } from '../internal/validate.js';
import type { EnvVersion } from './wxacode.js';

/** Expiry shared by schemes and URL links: at `expire_time`, or `expire_interval` days after creation. */
export interface LinkExpiry {
  /**
   * Kept for old callers: WeChat no longer issues permanent schemes/links, so it is effectively
   * always true [unverified: community answer]. Sent only when given.
   */
  is_expire?: boolean;
  /** 0: expires at `expire_time`; 1: expires `expire_interval` days after creation. @default 0 */
  expire_type?: 0 | 1;
  /** Unix seconds, at most 30 days ahead (with `expire_type` 0). */
  expire_time?: number;
  /** Days, 1–30 (with `expire_type` 1). */
  expire_interval?: number;
}

/** The page a link opens. */
export interface JumpWxa {
  /** Published page, no query; empty = home page. */
  path?: string;
  /** ≤ 1024 chars of `` 0-9A-Za-z!#$&'()*+,/:;=?@-._~% ``. */
  query?: string;
  /** Only effective when opened outside WeChat. @default 'release' */
  env_version?: EnvVersion;
}

/** urlscheme.generate params. */
export interface GenerateSchemeParams extends LinkExpiry {
  jump_wxa?: JumpWxa;
}
export interface GenerateSchemeResult extends Envelope {
  /** `weixin://dl/business/?t=TICKET` */
  openlink: string;
}

/** Cloud-base H5 static site to open instead of a page (urllink.generate). */
export interface CloudBase {
  /** Cloud environment (required when cloud_base is given). */
  env: string;
  domain?: string;
  /** H5 page path, no query. */
  path?: string;
  query?: string;
  /** Required for third-party batch cloud development. */
  resource_appid?: string;
}

/** urllink.generate params. */
export interface GenerateUrlLinkParams extends JumpWxa, LinkExpiry {
  cloud_base?: CloudBase;
}
export interface GenerateUrlLinkResult extends Envelope {
  /** e.g. `https://wxaurl.cn/BQZRrcFCPvg` */
  url_link: string;
}

/** urllink.query params. */
export interface QueryUrlLinkParams {
  /** The URL link to look up (required unless `query_type` is 1). */
  url_link?: string;
  /** 0: the link's configuration; 1: today's remaining visit quota. @default 0 */
  query_type?: 0 | 1;
}
export interface UrlLinkInfo {
  appid: string;
  path: string;
  query: string;
  /** Unix seconds. */
  create_time: number;
  /** Unix seconds; 0 = never. */
  expire_time: number;
  env_version: string;
  cloud_base?: Partial<CloudBase>;
}
export interface QueryUrlLinkResult extends Envelope {
  url_link_info?: UrlLinkInfo;
  /** Remaining visits today for schemes + URL links. */
  quota_info?: { remain_visit_quota: number };
  /** The openid that visited the link; empty string when nobody has. */
  visit_openid?: string;
}

/** urlscheme.query params. */
export interface QuerySchemeParams {
  /** The scheme to look up: encrypted (`weixin://dl/business/?t=…`) or plaintext (required unless `query_type` is 1). */
  scheme?: string;
  /** 0: the scheme's configuration; 1: today's remaining visit quota. @default 0 */
  query_type?: 0 | 1;
}
/** A scheme's configuration (fields from the official doc of `POST /wxa/queryscheme`). */
export interface SchemeInfo {
  appid: string;
  path: string;
  query: string;
  /** Unix seconds. */
  create_time: number;
  /** Unix seconds; 0 = never. */
  expire_time: number;
  env_version: string;
}
export interface QuerySchemeResult extends Envelope {
  scheme_info?: SchemeInfo;
  /** Remaining visits today for URL Schemes (encrypted + plaintext) and encrypted URL Links. */
  quota_info?: { remain_visit_quota: number };
  /** The openid that opened the scheme; empty string when nobody has (older doc). */
  visit_openid?: string;
}

/** shortlink.generate params. */
export interface GenerateShortLinkParams {
  /** Published page, query allowed, ≤ 1024 chars. */
  page_url: string;
  /** Page title; WeChat truncates beyond 20 chars with "...". */
  page_title?: string;
  /** Permanent (≤ 100,000 per app) or valid for 30 days. @default false */
  is_permanent?: boolean;
}
export interface GenerateShortLinkResult extends Envelope {
  /** e.g. `#小程序://AppName/AbCdEf` */
  link: string;
}

const QUERY_RE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~%]*$/;
const MAX_DAYS = 30;

function checkOptionalString(api: string, field: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'string') fail(api, field, `\`${field}\` must be a string`);
}

/** Path + query + env_version of the page to open (scheme's jump_wxa, or the URL link itself). */
function checkJump(api: string, j: Record<string, any>, prefix: string): void {
  checkOptionalString(api, `${prefix}path`, j.path);
  if (typeof j.path === 'string' && j.path.includes('?')) {
    fail(api, `${prefix}path`, `\`${prefix}path\` must not carry a query: use \`${prefix}query\``);
  }
  checkOptionalString(api, `${prefix}query`, j.query);
  if (typeof j.query === 'string') {
    if (j.query.length > 1024) fail(api, `${prefix}query`, `\`${prefix}query\` must be at most 1024 characters`);
    if (!QUERY_RE.test(j.query)) {
      fail(api, `${prefix}query`, `\`${prefix}query\` may contain only 0-9 A-Z a-z and !#$&'()*+,/:;=?@-._~%`);
    }
  }
  if (j.env_version !== undefined && !ENV_VERSIONS.includes(j.env_version)) {
    fail(api, `${prefix}env_version`, `\`${prefix}env_version\` must be release, trial or develop`);
  }
}

/**
 * Expiry rules. "At most 30 days ahead" for `expire_time` is left to the server: it depends on
 * the server's clock (the emulator's is virtual), so only the shape is checked here.
 */
function checkExpiry(api: string, p: LinkExpiry): void {
  if (p.is_expire !== undefined && typeof p.is_expire !== 'boolean')
    fail(api, 'is_expire', '`is_expire` must be a boolean');
  if (p.expire_type !== undefined && p.expire_type !== 0 && p.expire_type !== 1) {
    fail(api, 'expire_type', '`expire_type` must be 0 (at expire_time) or 1 (after expire_interval days)');
  }
  if (p.expire_time !== undefined && (!Number.isInteger(p.expire_time) || p.expire_time <= 0)) {
    fail(api, 'expire_time', '`expire_time` must be a Unix time in seconds');
  }
  if (p.expire_interval !== undefined) {
    if (!Number.isInteger(p.expire_interval) || p.expire_interval < 1 || p.expire_interval > MAX_DAYS) {
      fail(api, 'expire_interval', `\`expire_interval\` must be an integer from 1 to ${MAX_DAYS} (days)`);
    }
    if (p.expire_type !== 1) fail(api, 'expire_type', '`expire_interval` needs `expire_type: 1`');
  }
  if (p.expire_type === 1 && p.expire_interval === undefined) {
    fail(api, 'expire_interval', '`expire_type: 1` needs `expire_interval` (1–30 days)');
  }
  if (p.expire_type === 1 && p.expire_time !== undefined) {
    fail(api, 'expire_time', '`expire_time` is for `expire_type: 0`; use `expire_interval` with type 1');
  }
}

export const urlscheme = defineArea('urlscheme', {
  /**
   * Generates an encrypted URL Scheme `weixin://dl/business/?t=…` that opens a page.
   * @see https://developers.weixin.qq.com/minigame/dev/api-backend/open-api/url-scheme/urlscheme.generate.html
   */
  generate: endpoint<GenerateSchemeParams, GenerateSchemeResult>({
    method: 'POST',
    path: '/wxa/generatescheme',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    // A replay mints a second, equally valid scheme; the orphan costs one unit of the daily
    // generation quota and has no other effect, so reliability wins.
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/minigame/dev/api-backend/open-api/url-scheme/urlscheme.generate.html',
    validate: (p) => {
      const api = 'urlscheme.generate';
      if (p === undefined) return;
      checkParams(api, p);
      if (p.jump_wxa !== undefined) {
        checkParams(api, p.jump_wxa);
        checkJump(api, p.jump_wxa, 'jump_wxa.');
      }
      checkExpiry(api, p);
    },
  }),
  /**
   * Looks up a URL Scheme's configuration (85403 when unknown) or today's visit quota.
   * Response fields: https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/url-scheme/api_queryscheme
   * (`scheme_info`, `quota_info`) and the older urlscheme.query page (`visit_openid`).
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/url-scheme/api_queryscheme.html
   */
  query: endpoint<QuerySchemeParams, QuerySchemeResult>({
    method: 'POST',
    path: '/wxa/queryscheme',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: true, // read-only
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/url-scheme/api_queryscheme.html',
    validate: (p) => checkLinkQuery('urlscheme.query', p, 'scheme'),
  }),
});

/** urlscheme.query / urllink.query: `query_type` 0 | 1, and the link itself unless asking for the quota. */
function checkLinkQuery(api: string, p: any, field: 'scheme' | 'url_link'): void {
  checkParams(api, p);
  if (p.query_type !== undefined && p.query_type !== 0 && p.query_type !== 1) {
    fail(
      api,
      'query_type',
      `\`query_type\` must be 0 (${field === 'scheme' ? 'scheme' : 'link'} info) or 1 (visit quota)`,
    );
  }
  if (p.query_type !== 1 && (typeof p[field] !== 'string' || !p[field])) {
    fail(api, field, `\`${field}\` is required (non-empty string)`);
  }
}

export const urllink = defineArea('urllink', {
  /**
   * Generates an encrypted URL Link `https://wxaurl.cn/…` (SMS, mail, web pages).
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/url-link/api_generateurllink.html
   */
  generate: endpoint<GenerateUrlLinkParams, GenerateUrlLinkResult>({
    method: 'POST',
    path: '/wxa/generate_urllink',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    // As urlscheme.generate: a replay only mints a second valid link.
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/url-link/api_generateurllink.html',
    validate: (p) => {
      const api = 'urllink.generate';
      if (p === undefined) return;
      checkParams(api, p);
      checkJump(api, p, '');
      checkExpiry(api, p);
      if (p.cloud_base !== undefined) {
        checkParams(api, p.cloud_base);
        if (typeof p.cloud_base.env !== 'string' || !p.cloud_base.env) {
          fail(api, 'cloud_base.env', '`cloud_base.env` is required (non-empty string)');
        }
        for (const k of ['domain', 'path', 'query', 'resource_appid']) {
          checkOptionalString(api, `cloud_base.${k}`, p.cloud_base[k as keyof CloudBase]);
        }
        if (p.cloud_base.path?.includes('?')) fail(api, 'cloud_base.path', '`cloud_base.path` must not carry a query');
      }
    },
  }),
  /**
   * Looks up a URL Link's configuration (85403 when unknown) or today's visit quota.
   * @see https://developers.weixin.qq.com/minigame/dev/api-backend/open-api/url-link/urllink.query.html
   */
  query: endpoint<QueryUrlLinkParams, QueryUrlLinkResult>({
    method: 'POST',
    path: '/wxa/query_urllink',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: true, // read-only
    doc: 'https://developers.weixin.qq.com/minigame/dev/api-backend/open-api/url-link/urllink.query.html',
    validate: (p) => checkLinkQuery('urllink.query', p, 'url_link'),
  }),
});

export const shortlink = defineArea('shortlink', {
  /**
   * Generates a Short Link (`#小程序://…`) for use inside WeChat.
   * @see https://developers.weixin.qq.com/minigame/dev/api-backend/open-api/short-link/shortlink.generate.html
   */
  generate: endpoint<GenerateShortLinkParams, GenerateShortLinkResult>({
    method: 'POST',
    path: '/wxa/genwxashortlink',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    // Not replayed: a permanent link counts against a 100,000 lifetime cap and a replay after
    // a lost response would spend a second one.
    idempotent: false,
    doc: 'https://developers.weixin.qq.com/minigame/dev/api-backend/open-api/short-link/shortlink.generate.html',
    validate: (p) => {
      const api = 'shortlink.generate';
      checkParams(api, p);
      if (typeof p.page_url !== 'string' || !p.page_url)
        fail(api, 'page_url', '`page_url` is required (non-empty string)');
      if (p.page_url.length > 1024) fail(api, 'page_url', '`page_url` must be at most 1024 characters');
      checkOptionalString(api, 'page_title', p.page_title);
      if (p.is_permanent !== undefined && typeof p.is_permanent !== 'boolean') {
        fail(api, 'is_permanent', '`is_permanent` must be a boolean');
      }
    },
  }),
});
