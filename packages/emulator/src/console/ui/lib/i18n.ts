/**
 * Labels in Chinese and English. Each page declares its own strings next to its code with
 * `defineStrings({ en: {...}, zh: {...} })` (both languages must have the same keys, checked by
 * the type), and reads them with `const t = useT(strings)`; `t('key', { n: 3 })` fills `{n}`.
 * Strings every page uses live in `common` below.
 */
import { useEffect, useState } from 'preact/hooks';

export type Lang = 'zh' | 'en';
export const LANGS: Lang[] = ['zh', 'en'];

export interface Strings<K extends string> {
  en: Record<K, string>;
  zh: Record<K, string>;
}

/** Declares a page's labels; a key missing in one language is a type error. */
export function defineStrings<K extends string>(strings: { en: Record<K, string>; zh: NoInfer<Record<K, string>> }) {
  return strings as Strings<K>;
}

const STORAGE_KEY = 'miniapp-emulator-console.lang';
const listeners = new Set<(l: Lang) => void>();

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl === 'zh' || fromUrl === 'en') return fromUrl;
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {}
  return navigator.language?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

let current: Lang = initialLang();
document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {}
  for (const l of listeners) l(lang);
}

/** The current language; re-renders the component when it changes. */
export function useLang(): Lang {
  const [lang, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => listeners.delete(set);
  }, []);
  return lang;
}

export type Translate<K extends string> = (key: K, vars?: Record<string, string | number>) => string;

function fill(text: string, vars?: Record<string, string | number>): string {
  return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : text;
}

/** `t(key, vars)` over a page's strings, in the current language. */
export function useT<K extends string>(strings: Strings<K>): Translate<K> {
  const lang = useLang();
  return (key, vars) => fill(strings[lang][key] ?? strings.en[key] ?? key, vars);
}

/** A label given inline as `{ en, zh }` (page titles). */
export type Text = Record<Lang, string>;

export const common = defineStrings({
  en: {
    console: 'Emulator console',
    subtitle: 'WeChat API emulator',
    language: '中文',
    live: 'live',
    connecting: 'connecting…',
    offline: 'offline',
    refresh: 'Refresh',
    loading: 'Loading…',
    empty: 'Nothing yet',
    copy: 'Copy',
    copied: 'Copied',
    app: 'App',
    time: 'Time',
    status: 'Status',
    actions: 'Actions',
    details: 'Details',
    hide: 'Hide',
    failed: 'Failed: {message}',
    notFound: 'No such page',
    all: 'All',
    menu: 'Menu',
  },
  zh: {
    console: '模拟器控制台',
    subtitle: '微信服务端 API 模拟器',
    language: 'English',
    live: '实时',
    connecting: '连接中…',
    offline: '已断开',
    refresh: '刷新',
    loading: '加载中…',
    empty: '暂无数据',
    copy: '复制',
    copied: '已复制',
    app: '小程序',
    time: '时间',
    status: '状态',
    actions: '操作',
    details: '详情',
    hide: '收起',
    failed: '失败：{message}',
    notFound: '页面不存在',
    all: '全部',
    menu: '菜单',
  },
});
