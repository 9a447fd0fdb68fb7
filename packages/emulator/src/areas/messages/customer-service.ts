/**
 * Customer service (PROTOCOL §4.1–4.4): the 48 h / 5-reply window opened by user messages,
 * typing, and temporary media.
 */
import type { AreaContext } from '../../context.js';
import { WxError } from '../../context.js';
import { imageInfo } from '../../image.js';
import { E } from '../../wire.js';
import {
  CS_REPLIES_PER_MESSAGE,
  CS_WINDOW,
  isObj,
  type Kit,
  MEDIA_TTL,
  TYPING_DURATION,
  TYPING_INTERACTION_WINDOW,
  withoutTouser,
} from './state.js';

const MSG_TYPES: Record<string, readonly string[]> = {
  text: ['content'],
  image: ['media_id'],
  link: ['title', 'url'],
  miniprogrampage: ['title', 'pagepath', 'thumb_media_id'],
};

/** PNG / JPEG / GIF (mini programs upload images only), by their header bytes. */
function sniffImage(data: Buffer): { contentType: string; ext: string } | undefined {
  const info = imageInfo(data);
  if (!info || !['png', 'jpeg', 'gif'].includes(info.format)) return undefined;
  return { contentType: info.contentType, ext: info.format === 'jpeg' ? 'jpg' : info.format };
}

export function registerCustomerService(ctx: AreaContext, k: Kit) {
  const { st, session, requireUser, deliver, nextMsgId, pushQuietly, resolveApp, resolveUser, mediaOf } = k;

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

  return {
    /** A user sends a text message to the app (opens the 48 h reply window; pushes the message). */
    userMessage,
    /** The customer-service window of a user (open, repliesLeft, typing). */
    window: windowState,
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
}
