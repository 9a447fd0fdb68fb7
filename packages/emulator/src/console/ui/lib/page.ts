/**
 * A console page: one file under `pages/`, registered with one line in `pages/index.ts`.
 * See docs/console.md, "Adding a page".
 */
import type { ComponentType } from 'preact';
import type { Text } from './i18n.js';

/** An app as the admin API shows it to the console (secrets masked as `***`). */
export interface AppView {
  appid: string;
  name: string;
  originalId: string;
  secret: string;
  pages: string[];
  push?: { url: string; token: string; encodingAESKey?: string; mode: string; format: string };
}

export interface PageProps {
  /** The app picked in the header (the first app by default). */
  appid: string;
  apps: AppView[];
  /** Query part of the fragment: `#/users?openid=o…` → `openid=o…`. */
  params: URLSearchParams;
}

export interface PageDef {
  /** The fragment: `#/<id>`. Lowercase letters, digits and dashes. */
  id: string;
  /** Navigation label and heading. */
  title: Text;
  /** A short glyph shown in the navigation. */
  icon: string;
  component: ComponentType<PageProps>;
}

export function definePage(page: PageDef): PageDef {
  return page;
}

/** Goes to a page (`navigate('users', { openid })`). */
export function navigate(id: string, params: Record<string, string> = {}): void {
  const q = new URLSearchParams(params).toString();
  location.hash = `#/${id}${q ? `?${q}` : ''}`;
}
