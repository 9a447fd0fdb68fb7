/**
 * Verdicts from the configured rules (PROTOCOL §16): text findings per strategy, the overall
 * suggestion (risky > review > pass), image verdicts by sha256 or URL.
 */
import type { ImageRule, MediaFixture, SecuritySlice, Suggest, TextRule } from './state.js';

/** One detail item as WeChat sends it (keyword items may be bare: `{strategy, errcode}`). */
export interface Finding {
  strategy: string;
  errcode: number;
  suggest?: Suggest;
  label?: number;
  keyword?: string;
  prob?: number;
  level?: number;
}

export interface Verdict {
  result: { suggest: Suggest; label: number };
  detail: Finding[];
}

const RANK: Record<Suggest, number> = { pass: 0, review: 1, risky: 2 };
const PASS = { strategy: 'content_model', errcode: 0, suggest: 'pass' as const, label: 100, prob: 90 };

function finding(rule: TextRule): Finding {
  const base = { strategy: rule.strategy, errcode: 0, suggest: rule.suggest, label: rule.label };
  return rule.strategy === 'keyword'
    ? { ...base, keyword: rule.match, ...(rule.level !== undefined ? { level: rule.level } : {}) }
    : { ...base, prob: rule.prob ?? 90 };
}

/** The overall result: the most severe finding's suggestion and label; `pass` is label 100. */
export function overall(detail: Finding[]): Verdict['result'] {
  let worst: Finding | undefined;
  for (const d of detail) {
    if (d.errcode === 0 && d.suggest && (!worst || RANK[d.suggest] > RANK[worst.suggest as Suggest])) worst = d;
  }
  if (!worst || worst.suggest === 'pass') return { suggest: 'pass', label: 100 };
  return { suggest: worst.suggest as Suggest, label: worst.label ?? 21000 };
}

/** msgSecCheck v2: every matching rule is a finding; each strategy reports even when nothing matched. */
export function checkText(rules: TextRule[], texts: string[]): Verdict {
  const hits = rules.filter((r) => r.match && texts.some((t) => t.includes(r.match)));
  const detail = hits.map(finding);
  if (!hits.some((h) => h.strategy === 'content_model')) detail.unshift({ ...PASS });
  // Real responses carry a bare keyword item when no custom keyword matched (PROTOCOL §16.1).
  if (!hits.some((h) => h.strategy === 'keyword')) detail.push({ strategy: 'keyword', errcode: 0 });
  return { result: overall(detail), detail };
}

/** msgSecCheck v1: 87014 for a risky text. */
export function isRiskyV1(slice: SecuritySlice, content: string): boolean {
  if (slice.v1RiskyTexts.some((t) => content.includes(t))) return true;
  return slice.textRules.some((r) => r.suggest === 'risky' && r.match && content.includes(r.match));
}

function imageVerdict(rule: ImageRule | undefined): Verdict {
  const d: Finding = rule
    ? { strategy: 'content_model', errcode: 0, suggest: rule.suggest, label: rule.label, prob: rule.prob ?? 90 }
    : { ...PASS };
  return { result: overall([d]), detail: [d] };
}

/** Image bytes (imgSecCheck): the rule for their sha256, else pass. */
export function checkImageHash(slice: SecuritySlice, sha256: string): Verdict {
  return imageVerdict(slice.imageRules.find((r) => r.sha256 === sha256));
}

/** A downloadable media URL: the rule for the URL, else for the fixture's sha256, else pass. */
export function checkMedia(slice: SecuritySlice, media: MediaFixture): Verdict {
  const rule =
    slice.imageRules.find((r) => r.url === media.url) ??
    (media.sha256 ? slice.imageRules.find((r) => r.sha256 === media.sha256) : undefined);
  return imageVerdict(rule);
}
