/** The security area's admin operations (handle methods and `/__emulator/security/*` routes). */
import { createHash } from 'node:crypto';
import { AdminError } from '../../admin/ops.js';
import type { AreaContext, EmuApp } from '../../context.js';
import type {
  CheckRecord,
  ImageRule,
  MediaFixture,
  SecApi,
  SecuritySettings,
  SecuritySlice,
  Strategy,
  Suggest,
  TextRule,
} from './state.js';

const SUGGESTS: Suggest[] = ['risky', 'review', 'pass'];
const STRATEGIES: Strategy[] = ['keyword', 'content_model'];
const APIS: SecApi[] = ['msgSecCheck', 'mediaCheckAsync', 'imgSecCheck'];

export interface TextRuleInput {
  strategy?: Strategy;
  match: string;
  suggest?: Suggest;
  label?: number;
  prob?: number;
  level?: number;
}

export interface ImageRuleInput {
  sha256?: string;
  /** The image bytes, base64: its sha256 is the key. */
  data?: string;
  url?: string;
  suggest?: Suggest;
  label?: number;
  prob?: number;
}

export interface MediaInput {
  url: string;
  media_type?: number;
  /** base64 bytes (their sha256 is matched against image rules) or the sha256 itself. */
  data?: string;
  sha256?: string;
}

function label(v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v)) throw new AdminError(400, 'label must be an integer (e.g. 20006)');
  return v as number;
}

function suggest(v: unknown, fallback: Suggest): Suggest {
  if (v === undefined) return fallback;
  if (!SUGGESTS.includes(v as Suggest)) throw new AdminError(400, `suggest must be one of ${SUGGESTS.join(', ')}`);
  return v as Suggest;
}

function sha256Of(input: { sha256?: string; data?: string }): string | undefined {
  if (input.data !== undefined) {
    if (typeof input.data !== 'string') throw new AdminError(400, 'data must be base64 text');
    return createHash('sha256').update(Buffer.from(input.data, 'base64')).digest('hex');
  }
  if (input.sha256 === undefined) return undefined;
  if (typeof input.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(input.sha256))
    throw new AdminError(400, 'sha256 must be 64 hex characters');
  return input.sha256.toLowerCase();
}

export function securityAdmin(ctx: AreaContext, st: () => SecuritySlice, resolveApp: (appid?: string) => EmuApp) {
  const newId = (prefix: string) => `${prefix}-${st().nextId++}`;
  return {
    /** Records that the user opened the mini program now (code2Session and user messages do it too). */
    visit(input: { appid?: string; openid: string }): { appid: string; openid: string; at: number } {
      const app = resolveApp(input?.appid);
      if (typeof input?.openid !== 'string' || !ctx.getUser(app.appid, input.openid))
        throw new AdminError(404, `unknown user ${String(input?.openid)} of app ${app.appid}`);
      const at = ctx.clock.now();
      st().visits[`${app.appid}|${input.openid}`] = at;
      return { appid: app.appid, openid: input.openid, at };
    },

    addTextRule(input: TextRuleInput): TextRule {
      if (typeof input?.match !== 'string' || !input.match) throw new AdminError(400, 'match is required (a string)');
      const strategy = input.strategy ?? 'keyword';
      if (!STRATEGIES.includes(strategy)) throw new AdminError(400, `strategy must be one of ${STRATEGIES.join(', ')}`);
      const rule: TextRule = {
        id: newId('text'),
        strategy,
        match: input.match,
        suggest: suggest(input.suggest, 'risky'),
        label: label(input.label, 20006),
        ...(input.prob !== undefined ? { prob: Number(input.prob) } : {}),
        ...(input.level !== undefined ? { level: Number(input.level) } : {}),
      };
      st().textRules.push(rule);
      return rule;
    },

    addImageRule(input: ImageRuleInput): ImageRule {
      const sha256 = sha256Of(input ?? {});
      const url = input?.url;
      if (url !== undefined && typeof url !== 'string') throw new AdminError(400, 'url must be a string');
      if (!sha256 && !url) throw new AdminError(400, 'an image rule needs sha256, data or url');
      const rule: ImageRule = {
        id: newId('image'),
        ...(sha256 ? { sha256 } : {}),
        ...(url ? { url } : {}),
        suggest: suggest(input.suggest, 'risky'),
        label: label(input.label, 20002),
        ...(input.prob !== undefined ? { prob: Number(input.prob) } : {}),
      };
      st().imageRules.push(rule);
      return rule;
    },

    removeRule(id: string): { ok: true } {
      const s = st();
      const before = s.textRules.length + s.imageRules.length;
      s.textRules = s.textRules.filter((r) => r.id !== id);
      s.imageRules = s.imageRules.filter((r) => r.id !== id);
      if (s.textRules.length + s.imageRules.length === before) throw new AdminError(404, `no rule ${id}`);
      return { ok: true };
    },

    rules(): { text: TextRule[]; image: ImageRule[]; v1RiskyTexts: string[] } {
      const s = st();
      return structuredClone({ text: s.textRules, image: s.imageRules, v1RiskyTexts: s.v1RiskyTexts });
    },

    /** Makes a URL "downloadable" for mediaCheckAsync; unknown URLs get the -1008 push. */
    addMedia(input: MediaInput): MediaFixture {
      if (typeof input?.url !== 'string' || !/^https?:\/\//i.test(input.url))
        throw new AdminError(400, 'url must be an http(s) URL');
      const sha256 = sha256Of(input);
      const media: MediaFixture = {
        url: input.url,
        ...(input.media_type !== undefined ? { media_type: Number(input.media_type) } : {}),
        ...(sha256 ? { sha256 } : {}),
      };
      st().media[input.url] = media;
      return { ...media };
    },

    listMedia(): MediaFixture[] {
      return structuredClone(Object.values(st().media));
    },

    /** Checks, oldest first (each with its verdict and, for mediaCheckAsync, the push). */
    checks(filter: { appid?: string; api?: string; limit?: number | string } = {}): CheckRecord[] {
      let list = st().checks.filter(
        (c) => (!filter.appid || c.appid === filter.appid) && (!filter.api || c.api === filter.api),
      );
      const limit = Number(filter.limit);
      if (Number.isInteger(limit) && limit > 0) list = list.slice(-limit);
      return structuredClone(list);
    },

    clearChecks(): { ok: true } {
      st().checks.length = 0;
      return { ok: true };
    },

    /** Push delay, the visit rule and quotas. */
    configure(patch: Partial<SecuritySettings> = {}): SecuritySettings {
      const s = st().settings;
      if (patch.pushDelaySeconds !== undefined) {
        const n = Number(patch.pushDelaySeconds);
        if (!Number.isFinite(n) || n < 0) throw new AdminError(400, 'pushDelaySeconds must be a non-negative number');
        s.pushDelaySeconds = n;
      }
      if (patch.requireVisit !== undefined) s.requireVisit = !!patch.requireVisit;
      if (patch.visitWindowSeconds !== undefined) s.visitWindowSeconds = Number(patch.visitWindowSeconds);
      for (const api of APIS) {
        const q = patch.quotas?.[api];
        if (q) s.quotas[api] = { ...s.quotas[api], ...q };
      }
      return structuredClone(s);
    },

    settings(): SecuritySettings {
      return structuredClone(st().settings);
    },
  };
}
