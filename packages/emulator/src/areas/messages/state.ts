/**
 * The messaging area's state and the helpers its sub-areas share: limits, the slice, users and
 * sessions, inboxes, media, pages, templates, the 64-bit message ids, quiet pushes.
 */
import type { AreaContext, EmuApp } from '../../context.js';
import { WxError } from '../../context.js';
import { E } from '../../wire.js';
import { type Library, type LibraryKeyword, seedLibrary } from './library.js';

/** Customer-service replies are allowed this long after the user's last message (seconds). */
export const CS_WINDOW = 48 * 3600;
/** Replies allowed per user message. */
export const CS_REPLIES_PER_MESSAGE = 5;
/** setTyping needs an interaction this recent (seconds). */
export const TYPING_INTERACTION_WINDOW = 30;
/** How long "typing…" lasts unless cancelled or a message is sent (WeChat shows it ~15 s) [inferred]. */
export const TYPING_DURATION = 15;
/** Temporary media lifetime (seconds). */
export const MEDIA_TTL = 3 * 86400;
/** Private subscribe templates per account (200012 beyond). */
export const MAX_PRIVATE_TEMPLATES = 25;
/** The official account every app is bound to unless the admin API says otherwise (for uniformMessage.send). */
export const DEFAULT_OFFICIAL_ACCOUNT = Object.freeze({
  appid: 'wxfeedfacecafe0001',
  templates: ['oaTmplOrderStatus000000000000000000000001'] as readonly string[],
});

export type InboxType = 'customerServiceMessage' | 'uniformMessage' | 'subscribeMessage';

/** One message the app sent to a user. */
export interface InboxEntry {
  type: InboxType;
  /** customerServiceMessage: text | image | link | miniprogrampage. */
  msgtype?: string;
  /** subscribeMessage / uniformMessage template. */
  template_id?: string;
  /** The request body minus `touser`, as received. */
  payload: Record<string, unknown>;
  /** Virtual-clock Unix seconds. */
  time: number;
  /** subscribeMessage only: the 64-bit id, as a decimal string. */
  msgid?: string;
}

export interface PrivateTemplate {
  priTmplId: string;
  tid: number;
  title: string;
  type: 2 | 3;
  keywords: LibraryKeyword[];
  sceneDesc?: string;
  createdAt: number;
}

export interface Session {
  /** When the user last messaged the app. */
  lastMessageAt?: number;
  /** Customer-service replies sent since that message. */
  replies: number;
  /** Last message in either direction (setTyping's 30 s rule). */
  lastInteractionAt?: number;
  typingUntil?: number;
}

export interface Grant {
  status: 'accept' | 'reject';
  /** One-time templates: sends left (each acceptance adds one). Long-term templates ignore it. */
  remaining: number;
  type: 2 | 3;
  updatedAt: number;
}

export interface Media {
  appid: string;
  data: Buffer;
  contentType: string;
  ext: string;
  createdAt: number;
}

export interface OfficialAccount {
  appid: string;
  templates: string[];
}

export interface MessagesState {
  library: Library;
  /** appid → private templates. */
  templates: Record<string, PrivateTemplate[]>;
  /** appid → bound official accounts (absent = the default one). */
  officialAccounts: Record<string, OfficialAccount[]>;
  /** `appid|openid` → window state. */
  sessions: Record<string, Session>;
  /** `appid|openid|priTmplId` → the user's choice. */
  grants: Record<string, Grant>;
  media: Record<string, Media>;
  /** `appid|openid` → messages the app sent. */
  inbox: Record<string, InboxEntry[]>;
  /** Next 64-bit message id, decimal (exceeds 2^53 on purpose). */
  nextMsgId: string;
}

/** A bad admin request: the core answers it with HTTP 400 `{ error }`. */
export class AdminError extends Error {}

export const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const key = (...parts: string[]) => parts.join('|');
/** `rec[k]`, created with `init()` when absent. */
export function entry<T>(rec: Record<string, T>, k: string, init: () => T): T {
  if (!Object.hasOwn(rec, k)) rec[k] = init();
  return rec[k] as T;
}
export const withoutTouser = ({ touser: _t, ...rest }: Record<string, unknown>) => rest;

/** The shared state and helpers, built once per emulator by the area's `register`. */
export function createKit(ctx: AreaContext) {
  const st = () =>
    ctx.slice<MessagesState>('messages', () => ({
      library: seedLibrary(),
      templates: {},
      officialAccounts: {},
      sessions: {},
      grants: {},
      media: {},
      inbox: {},
      nextMsgId: '3248682510344192008',
    }));
  st();

  // ---------- shared helpers ----------

  const session = (appid: string, openid: string): Session =>
    entry(st().sessions, key(appid, openid), () => ({ replies: 0 }));

  function requireUser(app: EmuApp, openid: unknown): string {
    if (typeof openid !== 'string' || !ctx.getUser(app.appid, openid)) throw E.openid();
    return openid;
  }

  function deliver(appid: string, openid: string, item: InboxEntry): void {
    entry(st().inbox, key(appid, openid), () => [] as InboxEntry[]).push(item);
  }

  function nextMsgId(): string {
    const s = st();
    const id = s.nextMsgId;
    s.nextMsgId = (BigInt(id) + 1n).toString();
    return id;
  }

  /** Pushes to the app and never lets a delivery failure reach the API caller. */
  function pushQuietly(appid: string, message: Record<string, unknown>): Promise<unknown> {
    return ctx.push(appid, message).catch(() => undefined);
  }

  function resolveApp(appid: unknown): EmuApp {
    const app = typeof appid === 'string' && appid ? ctx.getApp(appid) : ctx.listApps()[0];
    if (!app) throw new AdminError(`unknown app ${String(appid)}`);
    return app;
  }

  function resolveUser(app: EmuApp, openid: unknown): string {
    if (typeof openid !== 'string' || !ctx.getUser(app.appid, openid)) {
      throw new AdminError(`unknown user ${String(openid)} of app ${app.appid}`);
    }
    return openid;
  }

  function mediaOf(app: EmuApp, mediaId: unknown): Media {
    const m = typeof mediaId === 'string' ? st().media[mediaId] : undefined;
    if (!m || m.appid !== app.appid || ctx.clock.now() >= m.createdAt + MEDIA_TTL) {
      throw new WxError(40007, 'invalid media_id');
    }
    return m;
  }

  /** A page of this app (query stripped); checked only when the app has a page list. */
  function checkPage(app: EmuApp, page: unknown): void {
    if (page === undefined || page === '' || app.pages.length === 0) return;
    const path = typeof page === 'string' ? page.split('?', 1)[0]!.replace(/^\/+/, '') : '';
    if (!app.pages.includes(path)) throw new WxError(41030, 'invalid page');
  }

  function privateTemplate(appid: string, id: unknown): PrivateTemplate | undefined {
    return (st().templates[appid] ?? []).find((t) => t.priTmplId === id);
  }

  function templateView(t: PrivateTemplate) {
    return {
      priTmplId: t.priTmplId,
      title: t.title,
      content: t.keywords.map((k) => `${k.name}:{{${k.rule}${k.kid}.DATA}}\n`).join(''),
      example: t.keywords.map((k) => `${k.name}:${k.example}\n`).join(''),
      type: t.type,
    };
  }

  return {
    st,
    session,
    requireUser,
    deliver,
    nextMsgId,
    pushQuietly,
    resolveApp,
    resolveUser,
    mediaOf,
    checkPage,
    privateTemplate,
    templateView,
  };
}

export type Kit = ReturnType<typeof createKit>;
