/** The security area's state slice: settings, content rules, media fixtures, visits, checks, pending pushes. */
import type { Verdict } from './rules.js';

export type Strategy = 'keyword' | 'content_model';
export type Suggest = 'risky' | 'review' | 'pass';
export type SecApi = 'msgSecCheck' | 'mediaCheckAsync' | 'imgSecCheck';

/** A text rule: content containing `match` yields a finding of `strategy`. */
export interface TextRule {
  id: string;
  strategy: Strategy;
  match: string;
  suggest: Suggest;
  /** §16.5 label, e.g. 20006. */
  label: number;
  /** content_model: 0–100. */
  prob?: number;
  /** keyword: the undocumented `level` of the official example. */
  level?: number;
}

/** An image verdict, found by the uploaded bytes' sha256 (imgSecCheck, media fixtures) or by URL. */
export interface ImageRule {
  id: string;
  sha256?: string;
  url?: string;
  suggest: Suggest;
  label: number;
  prob?: number;
}

/** A URL WeChat "can download": the emulator never fetches from the internet. */
export interface MediaFixture {
  url: string;
  /** 1 audio, 2 image. */
  media_type?: number;
  /** sha256 of the bytes, when registered with data (image rules by sha256 then apply). */
  sha256?: string;
}

export interface QuotaLimit {
  perMinute: number;
  perDay: number;
}

export interface SecuritySettings {
  /** Virtual seconds between mediaCheckAsync and its push. @default 5 */
  pushDelaySeconds: number;
  /** 61010 unless the openid opened the app (login, message, admin visit) within the window. @default true */
  requireVisit: boolean;
  /** @default 7200 */
  visitWindowSeconds: number;
  quotas: Record<SecApi, QuotaLimit>;
}

/** One check, kept for inspection (the console's table). */
export interface CheckRecord {
  id: number;
  appid: string;
  api: SecApi;
  /** 1 = legacy behaviour, 2 = current. */
  version: 1 | 2;
  /** Virtual Unix seconds. */
  at: number;
  openid?: string;
  scene?: number;
  content?: string;
  media_url?: string;
  media_type?: number;
  sha256?: string;
  trace_id?: string;
  /** The errcode answered (0, 87014, 61010, ...). */
  errcode: number;
  verdict?: Verdict;
  /** mediaCheckAsync: pending until the push is due, then pushed. */
  push?: { status: 'pending' | 'sent' | 'no push config'; due: number; errcode?: number; delivery?: string };
}

export interface SecuritySlice {
  settings: SecuritySettings;
  textRules: TextRule[];
  /** Texts that answer 87014 in v1 (the official test strings by default). */
  v1RiskyTexts: string[];
  imageRules: ImageRule[];
  media: Record<string, MediaFixture>;
  /** `appid|openid` → last visit (virtual Unix seconds). */
  visits: Record<string, number>;
  checks: CheckRecord[];
  /** `appid|api|period` → calls. */
  counters: Record<string, number>;
  nextId: number;
}

/** The v1 test strings that return 87014 (PROTOCOL §16.2). */
export const V1_TEST_STRINGS = ['特3456书yuuo莞6543李zxcz蒜7782法fgnv级', '完2347全dfji试3726测asad感3847知qwez到'];

/** Seeded content_model rules, so a fresh emulator flags something (documented in docs/security.md). */
export const DEFAULT_TEXT_RULES: Omit<TextRule, 'id'>[] = [
  { strategy: 'content_model', match: '赌博', suggest: 'risky', label: 20006, prob: 90 },
  { strategy: 'content_model', match: '色情', suggest: 'risky', label: 20002, prob: 90 },
  { strategy: 'content_model', match: '代开发票', suggest: 'risky', label: 20008, prob: 85 },
  { strategy: 'content_model', match: '加微信', suggest: 'review', label: 10001, prob: 60 },
];

/** PROTOCOL §16.1/§16.3/§16.4. */
export const DEFAULT_QUOTAS: Record<SecApi, QuotaLimit> = {
  msgSecCheck: { perMinute: 4000, perDay: 2_000_000 },
  mediaCheckAsync: { perMinute: 2000, perDay: 200_000 },
  imgSecCheck: { perMinute: 2000, perDay: 200_000 },
};

export const MAX_CHECKS = 1000;

export function initialSlice(): SecuritySlice {
  return {
    settings: {
      pushDelaySeconds: 5,
      requireVisit: true,
      visitWindowSeconds: 7200,
      quotas: structuredClone(DEFAULT_QUOTAS),
    },
    textRules: DEFAULT_TEXT_RULES.map((r, i) => ({ ...r, id: `default-${i + 1}` })),
    v1RiskyTexts: [...V1_TEST_STRINGS],
    imageRules: [],
    media: {},
    visits: {},
    checks: [],
    counters: {},
    nextId: 1,
  };
}
