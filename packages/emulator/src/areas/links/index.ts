/**
 * Links into the mini program (PROTOCOL.md §5.3–5.5): URL Scheme `weixin://dl/business/?t=…`
 * (remembered for urlscheme.query, 85403 when unknown),
 * URL Link `https://wxaurl.cn/…` (remembered for urllink.query, 85403 when unknown) and Short
 * Link `#小程序://<app name>/<code>`. Every link is kept for inspection.
 */
import { randomBytes } from 'node:crypto';
import { type AreaContext, type AreaModule, type EmuApp, WxError } from '../../context.js';

export type LinkKind = 'scheme' | 'urllink' | 'shortlink';

/** One generated link, as kept for inspection. */
export interface LinkRecord {
  kind: LinkKind;
  /** The link as returned: openlink, url_link or link. */
  link: string;
  appid: string;
  path: string;
  query: string;
  env_version: string;
  /** Virtual-clock Unix seconds. */
  create_time: number;
  /** Unix seconds; 0 = never (permanent short links). */
  expire_time: number;
  cloud_base?: Record<string, string>;
  page_title?: string;
  is_permanent?: boolean;
}

interface Slice {
  links: LinkRecord[];
  /** url_link → index into `links`. */
  byUrlLink: Record<string, number>;
}

const QUERY_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~%]*$/;
const ENV_VERSIONS = ['release', 'trial', 'develop'];
const DAY = 86400;
const MAX_DAYS = 30;
const TICKET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A base62 ticket like WeChat's (`BQZRrcFCPvg`): 11 chars for schemes/URL links. */
function ticket(n = 11): string {
  let out = '';
  for (const byte of randomBytes(n)) out += TICKET_CHARS[byte % 62];
  return out;
}

const err = {
  path: () => new WxError(40165, 'invalid weapp pagepath'),
  args: (what: string) => new WxError(40097, `invalid args: ${what}`),
  // Community-observed text; the limit is now 30 days [unverified].
  expire: () => new WxError(85401, 'time limit between 1min and 30days'),
  notFound: () => new WxError(85403, 'url_link not exist'),
  schemeNotFound: () => new WxError(85403, 'scheme not exist'),
};

/** The daily visit quota of schemes + URL links [inferred]; not modelled. */
const QUOTA = { remain_visit_quota: 5_000_000 };

/** Checks a page against the app's published pages (no list = nothing to check). Leading `/` tolerated. */
function page(app: EmuApp, raw: unknown, allowQuery: boolean): string {
  if (raw === undefined || raw === null || raw === '') return '';
  if (typeof raw !== 'string') throw err.path();
  const p = raw.replace(/^\/+/, '');
  const bare = p.split('?', 1)[0]!;
  if (!allowQuery && p.includes('?')) throw err.path();
  if (app.pages.length > 0 && !app.pages.includes(bare)) throw err.path();
  return p;
}

function query(raw: unknown): string {
  if (raw === undefined || raw === null) return '';
  if (typeof raw !== 'string' || raw.length > 1024 || !QUERY_CHARS.test(raw)) throw err.args('query');
  return raw;
}

function envVersion(raw: unknown): string {
  if (raw === undefined || raw === null || raw === '') return 'release';
  if (!ENV_VERSIONS.includes(raw as string)) throw err.args('env_version');
  return raw as string;
}

const mod: AreaModule = {
  name: 'links',
  register(ctx: AreaContext) {
    const s = ctx.slice<Slice>('links', () => ({ links: [], byUrlLink: {} }));

    /**
     * Expiry as WeChat applies it: type 0 → `expire_time` within (now + 1 min, now + 30 days]
     * (absent = 30 days, since permanent links are no longer issued [unverified]); type 1 →
     * `expire_interval` 1–30 days.
     */
    function expiry(b: Record<string, any>): number {
      const now = ctx.clock.now();
      const type = Number(b.expire_type ?? 0);
      if (type === 1) {
        const days = Number(b.expire_interval);
        if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw err.expire();
        return now + days * DAY;
      }
      if (type !== 0) throw err.args('expire_type');
      if (b.expire_time === undefined || b.expire_time === null || b.expire_time === 0) return now + MAX_DAYS * DAY;
      const t = Number(b.expire_time);
      if (!Number.isInteger(t) || t < now + 60 || t > now + MAX_DAYS * DAY) throw err.expire();
      return t;
    }

    function keep(rec: LinkRecord): LinkRecord {
      s.links.push(rec);
      if (rec.kind === 'urllink') s.byUrlLink[rec.link] = s.links.length - 1;
      return rec;
    }

    ctx.route({
      method: 'POST',
      path: '/wxa/generatescheme',
      auth: 'access_token',
      body: 'json',
      handler: ({ app, body }) => {
        const j = body.jump_wxa ?? {};
        if (typeof j !== 'object') throw err.args('jump_wxa');
        const rec = keep({
          kind: 'scheme',
          link: `weixin://dl/business/?t=${ticket()}`,
          appid: app.appid,
          path: page(app, j.path, false),
          query: query(j.query),
          env_version: envVersion(j.env_version),
          create_time: ctx.clock.now(),
          expire_time: expiry(body),
        });
        return { openlink: rec.link };
      },
    });

    ctx.route({
      method: 'POST',
      path: '/wxa/generate_urllink',
      auth: 'access_token',
      body: 'json',
      handler: ({ app, body }) => {
        let cloud: Record<string, string> | undefined;
        if (body.cloud_base !== undefined && body.cloud_base !== null) {
          const c = body.cloud_base;
          if (typeof c !== 'object' || typeof c.env !== 'string' || !c.env) throw err.args('cloud_base.env');
          cloud = {};
          for (const k of ['env', 'domain', 'path', 'query', 'resource_appid'])
            cloud[k] = typeof c[k] === 'string' ? c[k] : '';
        }
        const rec = keep({
          kind: 'urllink',
          link: `https://wxaurl.cn/${ticket()}`,
          appid: app.appid,
          path: page(app, body.path, false),
          query: query(body.query),
          env_version: envVersion(body.env_version),
          create_time: ctx.clock.now(),
          expire_time: expiry(body),
          cloud_base: cloud,
        });
        return { url_link: rec.link };
      },
    });

    ctx.route({
      method: 'POST',
      path: '/wxa/query_urllink',
      auth: 'access_token',
      body: 'json',
      handler: ({ app, body }) => {
        const quota = { ...QUOTA };
        if (Number(body.query_type ?? 0) === 1) return { quota_info: quota };
        if (typeof body.url_link !== 'string' || !body.url_link) throw err.args('url_link');
        // The doc's example queries with a `?cq=…` suffix; look the link up without it.
        const idx = s.byUrlLink[body.url_link.split('?', 1)[0]!];
        const rec = idx === undefined ? undefined : s.links[idx];
        if (!rec || rec.appid !== app.appid) throw err.notFound();
        const info: Record<string, unknown> = {
          appid: rec.appid,
          path: rec.path,
          query: rec.query,
          create_time: rec.create_time,
          expire_time: rec.expire_time,
          env_version: rec.env_version,
        };
        if (rec.cloud_base) info.cloud_base = rec.cloud_base;
        return { url_link_info: info, quota_info: quota, visit_openid: '' };
      },
    });

    /**
     * `POST /wxa/queryscheme` (fields from the official doc,
     * https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/url-scheme/api_queryscheme):
     * an encrypted scheme is looked up by its ticket; its `&cq=` suffix, as in the doc's example,
     * is reported as the query. A plaintext scheme (`?appid=&path=&query=&env_version=`) describes
     * itself: it is answered from its own parameters when it names this app [inferred].
     */
    ctx.route({
      method: 'POST',
      path: '/wxa/queryscheme',
      auth: 'access_token',
      body: 'json',
      handler: ({ app, body }) => {
        const quota = { ...QUOTA };
        if (Number(body.query_type ?? 0) === 1) return { quota_info: quota };
        if (typeof body.scheme !== 'string' || !body.scheme.startsWith('weixin://dl/business/?')) {
          throw err.args('scheme');
        }
        const params = new URLSearchParams(body.scheme.slice(body.scheme.indexOf('?') + 1));
        const t = params.get('t');
        let info: Record<string, unknown>;
        if (t) {
          const rec = s.links.find((l) => l.kind === 'scheme' && l.link === `weixin://dl/business/?t=${t}`);
          if (!rec || rec.appid !== app.appid) throw err.schemeNotFound();
          const cq = params.get('cq');
          info = {
            appid: rec.appid,
            path: rec.path,
            query: cq ?? rec.query,
            create_time: rec.create_time,
            expire_time: rec.expire_time,
            env_version: rec.env_version,
          };
        } else {
          if (params.get('appid') !== app.appid) throw err.schemeNotFound();
          info = {
            appid: app.appid,
            path: params.get('path') ?? '',
            query: params.get('query') ?? '',
            create_time: 0,
            expire_time: 0,
            env_version: params.get('env_version') || 'release',
          };
        }
        return { scheme_info: info, quota_info: quota, visit_openid: '' };
      },
    });

    ctx.route({
      method: 'POST',
      path: '/wxa/genwxashortlink',
      auth: 'access_token',
      body: 'json',
      handler: ({ app, body }) => {
        if (typeof body.page_url !== 'string' || !body.page_url || body.page_url.length > 1024) throw err.path();
        const title = typeof body.page_title === 'string' ? body.page_title : '';
        const permanent = body.is_permanent === true || body.is_permanent === 'true';
        const now = ctx.clock.now();
        const rec = keep({
          kind: 'shortlink',
          link: `#小程序://${app.name || app.appid}/${ticket(6)}`,
          appid: app.appid,
          path: page(app, body.page_url, true),
          query: '',
          env_version: 'release',
          create_time: now,
          // Temporary short links live 30 days (official doc).
          expire_time: permanent ? 0 : now + MAX_DAYS * DAY,
          // WeChat truncates titles beyond 20 characters with "...".
          page_title: title.length > 20 ? `${title.slice(0, 20)}...` : title,
          is_permanent: permanent,
        });
        return { link: rec.link };
      },
    });

    function listLinks(filter: { appid?: string; kind?: LinkKind } = {}): LinkRecord[] {
      return s.links
        .filter((l) => (!filter.appid || l.appid === filter.appid) && (!filter.kind || l.kind === filter.kind))
        .map((l) => structuredClone(l));
    }

    ctx.admin({
      method: 'GET',
      path: 'links',
      handler: ({ query: q }) => listLinks({ appid: q.appid, kind: q.kind as LinkKind | undefined }),
    });

    return { listLinks };
  },
};

export default mod;
