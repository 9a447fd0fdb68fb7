/**
 * Messaging (PROTOCOL.md §4): customer-service messages with the 48 h / 5-reply window, typing,
 * temporary media, uniform (official-account template) messages, subscribe messages with user
 * acceptance, and subscribe template management. Every message the app sends lands in the
 * recipient's inbox, readable through the admin API.
 */
import type { AreaContext, AreaModule, EmuApp, WxRequest } from '../../context.js';
import { WxError } from '../../context.js';
import { E, WX_JSON_TYPE } from '../../wire.js';
import {
  type Category,
  type LibraryKeyword,
  type Library,
  type PublicTemplate,
  isNewOneTime,
  keywordProblem,
  seedLibrary,
} from './library.js';
import { imageInfo } from '../../image.js';

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

interface Session {
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

interface Media {
  appid: string;
  data: Buffer;
  contentType: string;
  ext: string;
  createdAt: number;
}

interface OfficialAccount {
  appid: string;
  templates: string[];
}

interface MessagesState {
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
class AdminError extends Error {}

const MSG_TYPES: Record<string, readonly string[]> = {
  text: ['content'],
  image: ['media_id'],
  link: ['title', 'url'],
  miniprogrampage: ['title', 'pagepath', 'thumb_media_id'],
};

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const key = (...parts: string[]) => parts.join('|');
/** `rec[k]`, created with `init()` when absent. */
function entry<T>(rec: Record<string, T>, k: string, init: () => T): T {
  if (!Object.hasOwn(rec, k)) rec[k] = init();
  return rec[k] as T;
}
const withoutTouser = ({ touser: _t, ...rest }: Record<string, unknown>) => rest;

/** PNG / JPEG / GIF (mini programs upload images only), by their header bytes. */
function sniffImage(data: Buffer): { contentType: string; ext: string } | undefined {
  const info = imageInfo(data);
  if (!info || !['png', 'jpeg', 'gif'].includes(info.format)) return undefined;
  return { contentType: info.contentType, ext: info.format === 'jpeg' ? 'jpg' : info.format };
}

function register(ctx: AreaContext) {
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

  /** addTemplate rules (200014 tid, 200020 kidList, 200021 sceneDesc, 200012 limit). */
  function addPrivateTemplate(app: EmuApp, tidIn: unknown, kidsIn: unknown[], sceneDesc: unknown): PrivateTemplate {
    const tid = Number(tidIn);
    const pub = st().library.templates.find((t) => t.tid === tid);
    if (!pub || !/^\d+$/.test(String(tidIn))) throw new WxError(200014, 'invalid tid');
    const kids = kidsIn.map((k) => Number(k));
    let keywords: LibraryKeyword[];
    if (isNewOneTime(tid) && kids.length === 0) keywords = pub.keywords;
    else {
      const valid = kids.length >= 2 && kids.length <= 5 && new Set(kids).size === kids.length;
      const picked = kids.map((k) => pub.keywords.find((w) => w.kid === k));
      if (!valid || picked.some((k) => !k)) throw new WxError(200020, 'invalid kidList');
      keywords = picked as LibraryKeyword[];
    }
    if (sceneDesc !== undefined && (typeof sceneDesc !== 'string' || [...sceneDesc].length > 15)) {
      throw new WxError(200021, 'invalid sceneDesc');
    }
    const list = entry(st().templates, app.appid, () => [] as PrivateTemplate[]);
    if (list.length >= MAX_PRIVATE_TEMPLATES) throw new WxError(200012, 'private template count limit');
    const t: PrivateTemplate = {
      priTmplId: Buffer.from(ctx.randomId(32), 'utf8').toString('base64url').slice(0, 43),
      tid,
      title: pub.title,
      type: pub.type,
      keywords,
      createdAt: ctx.clock.now(),
    };
    if (typeof sceneDesc === 'string' && sceneDesc) t.sceneDesc = sceneDesc;
    list.push(t);
    return t;
  }

  /** addTemplate's body: JSON `{tid, kidList: []}`, or a form with `kidList=1&kidList=2` or `kidList[0]=1&kidList[1]=2`. */
  function addTemplateParams(req: WxRequest): { tid: unknown; kidList: unknown[]; sceneDesc: unknown } {
    const form = /x-www-form-urlencoded/i.test(String(req.raw.headers['content-type'] ?? ''));
    if (!form) {
      const b = req.body;
      const kidList = Array.isArray(b.kidList) ? b.kidList : b.kidList === undefined ? undefined : [b.kidList];
      if (!kidList) throw new WxError(200020, 'invalid kidList');
      return { tid: b.tid, kidList, sceneDesc: b.sceneDesc };
    }
    const params = new URLSearchParams(req.rawBody?.toString('utf8') ?? '');
    const indexed = [...params]
      .map(([k, v]) => [/^kidList\[(\d+)\]$/.exec(k)?.[1], v] as const)
      .filter(([i]) => i !== undefined)
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map(([, v]) => v);
    const kidList = [...params.getAll('kidList'), ...indexed].flatMap((v) => (v === '' ? [] : v.split(',')));
    return { tid: params.get('tid') ?? undefined, kidList, sceneDesc: params.get('sceneDesc') ?? undefined };
  }

  /** Subscribe `data` against the template's keywords (47003 names the field). */
  function checkTemplateData(t: PrivateTemplate, data: unknown): void {
    if (!isObj(data)) throw new WxError(47003, 'argument invalid! data is empty');
    const expected = new Map(t.keywords.map((k) => [`${k.rule}${k.kid}`, k.rule]));
    for (const k of Object.keys(data)) {
      if (!expected.has(k)) throw new WxError(47003, `argument invalid! data.${k} is not a keyword of the template`);
    }
    for (const [k, rule] of expected) {
      const item = data[k];
      const v = isObj(item) ? item.value : undefined;
      if (v === undefined || v === null) throw new WxError(47003, `argument invalid! data.${k}.value is empty`);
      if (typeof v !== 'string' && typeof v !== 'number')
        throw new WxError(47003, `argument invalid! data.${k}.value invalid`);
      const problem = keywordProblem(rule, String(v));
      if (problem) throw new WxError(47003, `argument invalid! data.${k}.value ${problem}`);
    }
  }

  // ---------- user-side events ----------

  function recordUserMessage(appid: string, openid: string, time: number): void {
    const s = session(appid, openid);
    s.lastMessageAt = time;
    s.lastInteractionAt = time;
    s.replies = 0;
  }
  // Whoever reports a user message (our admin route or the push area) opens the window.
  ctx.on('user.message', (p: { appid: string; openid: string; time?: number }) => {
    if (p && typeof p.appid === 'string' && typeof p.openid === 'string') {
      recordUserMessage(p.appid, p.openid, typeof p.time === 'number' ? p.time : ctx.clock.now());
    }
  });

  /** A user sends a text message to the app: opens the reply window and pushes the message. */
  async function userMessage(input: { openid: string; appid?: string; content?: string; Content?: string }) {
    const app = resolveApp(input?.appid);
    const openid = resolveUser(app, input?.openid);
    const time = ctx.clock.now();
    const MsgId = nextMsgId();
    ctx.emit('user.message', { appid: app.appid, openid, time });
    const message = {
      ToUserName: app.originalId,
      FromUserName: openid,
      CreateTime: time,
      MsgType: 'text',
      // `Content` too: the push area's push/user-message route spells it that way.
      Content: String(input.content ?? input.Content ?? 'hello'),
      MsgId,
    };
    const push = await pushQuietly(app.appid, message);
    return { appid: app.appid, openid, time, MsgId, push };
  }

  /** The user answers a subscribe popup: accepts and/or rejects private templates; pushes subscribe_msg_popup_event. */
  async function subscribe(input: {
    openid: string;
    appid?: string;
    accept?: string[];
    reject?: string[];
    popupScene?: number;
  }) {
    const app = resolveApp(input?.appid);
    const openid = resolveUser(app, input?.openid);
    const choices = [
      ...(input.accept ?? []).map((id) => [id, 'accept'] as const),
      ...(input.reject ?? []).map((id) => [id, 'reject'] as const),
    ];
    if (choices.length === 0) throw new AdminError('pass template ids in accept and/or reject');
    const now = ctx.clock.now();
    const list: Record<string, string | number>[] = [];
    for (const [id, status] of choices) {
      const t = privateTemplate(app.appid, id);
      if (!t) throw new AdminError(`template ${id} is not one of the app's templates`);
      const g = entry(st().grants, key(app.appid, openid, id), () => ({
        status,
        remaining: 0,
        type: t.type,
        updatedAt: now,
      }));
      g.status = status;
      g.updatedAt = now;
      g.remaining = status === 'accept' ? (t.type === 2 ? g.remaining + 1 : 0) : 0;
      list.push({ TemplateId: id, SubscribeStatusString: status, PopupScene: Number(input.popupScene ?? 0) });
    }
    const push = await pushQuietly(app.appid, {
      ToUserName: app.originalId,
      FromUserName: openid,
      CreateTime: now,
      MsgType: 'event',
      Event: 'subscribe_msg_popup_event',
      SubscribeMsgPopupEvent: { List: list },
    });
    return { appid: app.appid, openid, subscriptions: subscriptions({ appid: app.appid, openid }), push };
  }

  function subscriptions(input: { openid: string; appid?: string }) {
    const app = resolveApp(input?.appid);
    const openid = resolveUser(app, input?.openid);
    const prefix = key(app.appid, openid, '');
    return Object.entries(st().grants)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, g]) => ({ template_id: k.slice(prefix.length), ...g }));
  }

  function inbox(input: { openid: string; appid?: string }): InboxEntry[] {
    const app = resolveApp(input?.appid);
    const openid = resolveUser(app, input?.openid);
    return structuredClone(st().inbox[key(app.appid, openid)] ?? []);
  }

  function windowState(input: { openid: string; appid?: string }) {
    const app = resolveApp(input?.appid);
    const openid = resolveUser(app, input?.openid);
    const s = session(app.appid, openid);
    const now = ctx.clock.now();
    const open = s.lastMessageAt !== undefined && now - s.lastMessageAt <= CS_WINDOW;
    return {
      ...s,
      open,
      closesAt: s.lastMessageAt === undefined ? undefined : s.lastMessageAt + CS_WINDOW,
      repliesLeft: open ? Math.max(0, CS_REPLIES_PER_MESSAGE - s.replies) : 0,
      typing: s.typingUntil !== undefined && now < s.typingUntil,
    };
  }

  function officialAccounts(appid: string): OfficialAccount[] {
    return (
      st().officialAccounts[appid] ?? [
        { appid: DEFAULT_OFFICIAL_ACCOUNT.appid, templates: [...DEFAULT_OFFICIAL_ACCOUNT.templates] },
      ]
    );
  }

  // ---------- customer service ----------

  ctx.route({
    method: 'POST',
    path: '/cgi-bin/message/custom/send',
    auth: 'access_token',
    body: 'json',
    handler: ({ app, body }) => {
      const openid = requireUser(app, body.touser);
      const type = body.msgtype;
      const fields = typeof type === 'string' ? MSG_TYPES[type] : undefined;
      if (!fields) throw new WxError(40008, 'invalid message type'); // global errcode; not in §4.1 [inferred]
      const payload = body[type];
      if (!isObj(payload) || fields.some((f) => typeof payload[f] !== 'string' || payload[f] === ''))
        throw E.dataFormat();
      if (type === 'image') mediaOf(app, payload.media_id);
      if (type === 'miniprogrampage') mediaOf(app, payload.thumb_media_id);
      const s = session(app.appid, openid);
      const now = ctx.clock.now();
      if (s.lastMessageAt === undefined || now - s.lastMessageAt > CS_WINDOW) {
        throw new WxError(45015, 'response out of time limit or subscription is canceled');
      }
      if (s.replies >= CS_REPLIES_PER_MESSAGE) throw new WxError(45047, 'out of response count limit');
      s.replies += 1;
      s.lastInteractionAt = now;
      s.typingUntil = undefined; // a message ends "typing…"
      deliver(app.appid, openid, {
        type: 'customerServiceMessage',
        msgtype: type,
        payload: withoutTouser(body),
        time: now,
      });
      return {};
    },
  });

  ctx.route({
    method: 'POST',
    path: '/cgi-bin/message/custom/typing',
    auth: 'access_token',
    body: 'json',
    handler: ({ app, body }) => {
      const openid = requireUser(app, body.touser);
      const s = session(app.appid, openid);
      const now = ctx.clock.now();
      if (body.command === 'CancelTyping') {
        s.typingUntil = undefined;
        return {};
      }
      if (body.command !== 'Typing') throw new WxError(45072, 'command invalid');
      // "Interaction" read leniently: the user's message or the app's own reply [inferred].
      if (s.lastInteractionAt === undefined || now - s.lastInteractionAt > TYPING_INTERACTION_WINDOW) {
        throw new WxError(45080, 'has not sent message to user in 30 seconds');
      }
      if (s.typingUntil !== undefined && now < s.typingUntil) throw new WxError(45081, 'already in typing state');
      s.typingUntil = now + TYPING_DURATION;
      return {};
    },
  });

  ctx.route({
    method: 'POST',
    path: '/cgi-bin/media/upload',
    auth: 'access_token',
    body: 'multipart',
    handler: ({ app, query, files }) => {
      if (query.type !== 'image') throw new WxError(40004, 'invalid media type');
      const file = files.find((f) => f.field === 'media');
      if (!file || file.data.length === 0) throw new WxError(41005, 'media data missing');
      const kind = sniffImage(file.data);
      if (!kind) throw new WxError(40005, 'invalid file type'); // bytes are not PNG/JPEG/GIF [inferred code]
      const media_id = `${ctx.randomId(16)}_${Buffer.from(ctx.randomId(8)).toString('base64url')}`;
      const created_at = ctx.clock.now();
      st().media[media_id] = { appid: app.appid, data: file.data, ...kind, createdAt: created_at };
      return { type: 'image', media_id, created_at };
    },
  });

  ctx.route({
    method: 'GET',
    path: '/cgi-bin/media/get',
    auth: 'access_token',
    body: 'none',
    handler: ({ app, query }) => {
      const m = mediaOf(app, query.media_id);
      return {
        binary: m.data,
        contentType: m.contentType,
        headers: { 'Content-disposition': `attachment; filename="${query.media_id}.${m.ext}"` },
      };
    },
  });

  // ---------- uniform message ----------

  ctx.route({
    method: 'POST',
    path: '/cgi-bin/message/wxopen/template/uniform_send',
    auth: 'access_token',
    body: 'json',
    handler: ({ app, body }) => {
      const openid = requireUser(app, body.touser);
      // Retired: WeChat gives it priority, and no form_id is valid any more [inferred].
      if (body.weapp_template_msg !== undefined) throw new WxError(41028, 'invalid form id');
      const mp = body.mp_template_msg;
      if (!isObj(mp)) throw E.dataFormat();
      const oa = officialAccounts(app.appid).find((a) => a.appid === mp.appid);
      if (!oa) throw E.appid();
      if (typeof mp.template_id !== 'string' || !oa.templates.includes(mp.template_id)) {
        throw new WxError(40037, 'invalid template_id');
      }
      if (!isObj(mp.data)) throw new WxError(47003, 'argument invalid! data is empty');
      for (const [k, item] of Object.entries(mp.data)) {
        if (!isObj(item) || (typeof item.value !== 'string' && typeof item.value !== 'number')) {
          throw new WxError(47003, `argument invalid! data.${k}.value invalid`);
        }
      }
      if (mp.miniprogram !== undefined) {
        if (!isObj(mp.miniprogram) || mp.miniprogram.appid !== app.appid) throw E.appid();
        // Both spellings of the page key are accepted (PROTOCOL §4.5 quirk).
        checkPage(app, mp.miniprogram.pagepath ?? mp.miniprogram.path);
      }
      deliver(app.appid, openid, {
        type: 'uniformMessage',
        template_id: mp.template_id,
        payload: withoutTouser(body),
        time: ctx.clock.now(),
      });
      return {};
    },
  });

  // ---------- subscribe message ----------

  ctx.route({
    method: 'POST',
    path: '/cgi-bin/message/subscribe/send',
    auth: 'access_token',
    body: 'json',
    handler: ({ app, body }) => {
      const openid = requireUser(app, body.touser);
      const t = privateTemplate(app.appid, body.template_id);
      if (!t) throw new WxError(40037, 'invalid template_id');
      checkTemplateData(t, body.data);
      if (body.miniprogram_state !== undefined && !['developer', 'trial', 'formal'].includes(body.miniprogram_state)) {
        throw new WxError(47003, 'argument invalid! miniprogram_state invalid');
      }
      if (body.lang !== undefined && !['zh_CN', 'en_US', 'zh_HK', 'zh_TW'].includes(body.lang)) {
        throw new WxError(47003, 'argument invalid! lang invalid');
      }
      checkPage(app, body.page);
      const g = st().grants[key(app.appid, openid, t.priTmplId)];
      const allowed = g?.status === 'accept' && (t.type === 3 || g.remaining > 0);
      if (!g || !allowed) throw new WxError(43101, 'user refuse to accept the msg');
      if (t.type === 2) g.remaining -= 1;
      const now = ctx.clock.now();
      const msgid = nextMsgId();
      deliver(app.appid, openid, {
        type: 'subscribeMessage',
        template_id: t.priTmplId,
        payload: withoutTouser(body),
        time: now,
        msgid,
      });
      void pushQuietly(app.appid, {
        ToUserName: app.originalId,
        FromUserName: openid,
        CreateTime: now,
        MsgType: 'event',
        Event: 'subscribe_msg_sent_event',
        SubscribeMsgSentEvent: {
          List: [{ TemplateId: t.priTmplId, MsgID: msgid, ErrorCode: 0, ErrorStatus: 'success' }],
        },
      });
      // Written by hand: msgid exceeds 2^53 and JSON.stringify of a number would round it.
      return {
        binary: Buffer.from(`{"errcode":0,"errmsg":"ok","msgid":${msgid}}`, 'utf8'),
        contentType: WX_JSON_TYPE,
      };
    },
  });

  // ---------- subscribe template management (/wxaapi/newtmpl/*) ----------

  ctx.route({
    method: 'POST',
    path: '/wxaapi/newtmpl/addtemplate',
    auth: 'access_token',
    // PROTOCOL §4.7 [conflict]: JSON and both form spellings are accepted.
    body: 'json-or-form',
    handler: (req) => {
      const p = addTemplateParams(req);
      return { priTmplId: addPrivateTemplate(req.app, p.tid, p.kidList, p.sceneDesc).priTmplId };
    },
  });

  ctx.route({
    method: 'POST',
    path: '/wxaapi/newtmpl/deltemplate',
    auth: 'access_token',
    body: 'json-or-form',
    handler: ({ app, body }) => {
      const list = st().templates[app.appid] ?? [];
      const i = list.findIndex((t) => t.priTmplId === body.priTmplId);
      if (i < 0) throw new WxError(40037, 'invalid template_id'); // code not documented for deltemplate [inferred]
      list.splice(i, 1);
      return {};
    },
  });

  ctx.route({
    method: 'GET',
    path: '/wxaapi/newtmpl/getcategory',
    auth: 'access_token',
    body: 'none',
    handler: () => ({ data: structuredClone(st().library.categories) }),
  });

  ctx.route({
    method: 'GET',
    path: '/wxaapi/newtmpl/getpubtemplatekeywords',
    auth: 'access_token',
    body: 'none',
    handler: ({ query }) => {
      const pub = /^\d+$/.test(query.tid ?? '')
        ? st().library.templates.find((t) => t.tid === Number(query.tid))
        : undefined;
      if (!pub) throw new WxError(200014, 'invalid tid');
      return { count: pub.keywords.length, data: structuredClone(pub.keywords) };
    },
  });

  ctx.route({
    method: 'GET',
    path: '/wxaapi/newtmpl/getpubtemplatetitles',
    auth: 'access_token',
    body: 'none',
    handler: ({ query }) => {
      if (query.ids === undefined || query.ids === '') throw new WxError(200018, 'category ids missing');
      // Tolerate the doc's quoted example (`ids="2,616"`).
      const ids = query.ids.replace(/^"|"$/g, '').split(',');
      if (!ids.every((i) => /^\d+$/.test(i))) throw new WxError(200019, 'invalid category ids');
      if (!/^\d+$/.test(query.start ?? '')) throw new WxError(200016, 'invalid start');
      const limit = /^\d+$/.test(query.limit ?? '') ? Number(query.limit) : 0;
      if (limit < 1 || limit > 30) throw new WxError(200017, 'invalid limit');
      const start = Number(query.start);
      const wanted = new Set(ids.map(Number));
      const all = st().library.templates.filter((t) => wanted.has(t.categoryId));
      const data = all.slice(start, start + limit).map((t) => ({
        tid: t.tid,
        title: t.title,
        type: t.type,
        categoryId: String(t.categoryId), // a string in the official example
      }));
      return { count: all.length, data };
    },
  });

  ctx.route({
    method: 'GET',
    path: '/wxaapi/newtmpl/gettemplate',
    auth: 'access_token',
    body: 'none',
    handler: ({ app }) => ({ data: (st().templates[app.appid] ?? []).map(templateView) }),
  });

  // ---------- admin API (/__emulator/messages/*) and handle methods ----------

  const handle = {
    /** A user sends a text message to the app (opens the 48 h reply window; pushes the message). */
    userMessage,
    /** A user accepts/rejects subscribe templates (pushes subscribe_msg_popup_event). */
    subscribe,
    /** The user's current acceptance per template. */
    subscriptions,
    /** Everything the app sent to a user, oldest first. */
    inbox,
    /** The customer-service window of a user (open, repliesLeft, typing). */
    window: windowState,
    /** The app's private subscribe templates (as getTemplateList shows them, plus tid and keywords). */
    templates(input: { appid?: string } = {}) {
      const app = resolveApp(input.appid);
      return (st().templates[app.appid] ?? []).map((t) => ({ ...templateView(t), tid: t.tid, keywords: t.keywords }));
    },
    /** Adds a private template directly (same rules as addTemplate). */
    addTemplate(input: { appid?: string; tid: string | number; kidList: number[]; sceneDesc?: string }) {
      const app = resolveApp(input?.appid);
      try {
        const t = addPrivateTemplate(
          app,
          input.tid,
          Array.isArray(input.kidList) ? input.kidList : [],
          input.sceneDesc,
        );
        return templateView(t);
      } catch (err) {
        if (err instanceof WxError) throw new AdminError(`${err.errcode} ${err.errmsg}`);
        throw err;
      }
    },
    /** The public template library (categories and templates with keywords). */
    library(): Library {
      return structuredClone(st().library);
    },
    /** Adds (or replaces) a public template, and its category when new. */
    addPublicTemplate(input: PublicTemplate & { categoryName?: string }) {
      const lib = st().library;
      if (!input || !Number.isInteger(input.tid) || typeof input.title !== 'string' || !Array.isArray(input.keywords)) {
        throw new AdminError('a public template needs tid (integer), title, type (2|3), categoryId and keywords');
      }
      if (!lib.categories.some((c) => c.id === input.categoryId)) {
        lib.categories.push({
          id: input.categoryId,
          name: input.categoryName ?? `category ${input.categoryId}`,
        } as Category);
      }
      const t: PublicTemplate = {
        tid: input.tid,
        title: input.title,
        type: input.type === 3 ? 3 : 2,
        categoryId: input.categoryId,
        keywords: input.keywords.map((k) => ({ kid: k.kid, name: k.name, example: k.example ?? '', rule: k.rule })),
      };
      lib.templates = [...lib.templates.filter((x) => x.tid !== t.tid), t];
      return t;
    },
    /** The official accounts bound to the app (uniformMessage.send's `mp_template_msg.appid` + template ids). */
    officialAccounts(input: { appid?: string } = {}) {
      return officialAccounts(resolveApp(input.appid).appid);
    },
    /** Binds an official account (replacing its template list when already bound). */
    bindOfficialAccount(input: { appid?: string; oaAppid: string; templates: string[] }) {
      const app = resolveApp(input?.appid);
      if (typeof input.oaAppid !== 'string' || !Array.isArray(input.templates)) {
        throw new AdminError('pass oaAppid and templates (template ids)');
      }
      const list = officialAccounts(app.appid).filter((a) => a.appid !== input.oaAppid);
      list.push({ appid: input.oaAppid, templates: input.templates.map(String) });
      st().officialAccounts[app.appid] = list;
      return list;
    },
    /** Uploaded temporary media of the app (without the bytes). */
    media(input: { appid?: string } = {}) {
      const app = resolveApp(input.appid);
      const now = ctx.clock.now();
      return Object.entries(st().media)
        .filter(([, m]) => m.appid === app.appid)
        .map(([media_id, m]) => ({
          media_id,
          contentType: m.contentType,
          size: m.data.length,
          created_at: m.createdAt,
          expired: now >= m.createdAt + MEDIA_TTL,
        }));
    },
  };

  const q = (r: { query: Record<string, string>; body: any }) => ({ ...r.query, ...(isObj(r.body) ? r.body : {}) });
  ctx.admin({ method: 'POST', path: 'messages/user-message', handler: (r) => handle.userMessage(q(r) as any) });
  ctx.admin({ method: 'POST', path: 'messages/subscriptions', handler: (r) => handle.subscribe(q(r) as any) });
  ctx.admin({ method: 'GET', path: 'messages/subscriptions', handler: (r) => handle.subscriptions(q(r) as any) });
  ctx.admin({ method: 'GET', path: 'messages/inbox', handler: (r) => handle.inbox(q(r) as any) });
  ctx.admin({ method: 'GET', path: 'messages/window', handler: (r) => handle.window(q(r) as any) });
  ctx.admin({ method: 'GET', path: 'messages/templates', handler: (r) => handle.templates(q(r)) });
  ctx.admin({ method: 'POST', path: 'messages/templates', handler: (r) => handle.addTemplate(q(r) as any) });
  ctx.admin({ method: 'GET', path: 'messages/library', handler: () => handle.library() });
  ctx.admin({ method: 'POST', path: 'messages/library', handler: (r) => handle.addPublicTemplate(r.body) });
  ctx.admin({ method: 'GET', path: 'messages/official-accounts', handler: (r) => handle.officialAccounts(q(r)) });
  ctx.admin({
    method: 'POST',
    path: 'messages/official-accounts',
    handler: (r) => handle.bindOfficialAccount(q(r) as any),
  });
  ctx.admin({ method: 'GET', path: 'messages/media', handler: (r) => handle.media(q(r)) });

  return handle;
}

/** The messaging area: customer service, uniform and subscribe messages. */
const messages: AreaModule = { name: 'messages', register };
export default messages;
