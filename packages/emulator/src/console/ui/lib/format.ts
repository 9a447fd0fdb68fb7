/** Display helpers shared by the pages. */
import type { Lang } from './i18n.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-01 22:10:05` in the browser's time zone, from Unix milliseconds (the virtual clock). */
export function formatTime(ms: number | undefined, withDate = true): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
}

/** From Unix seconds. */
export function formatSeconds(s: number | undefined, withDate = true): string {
  return s === undefined ? '—' : formatTime(s * 1000, withDate);
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatNumber(n: number, lang: Lang): string {
  return n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US');
}
