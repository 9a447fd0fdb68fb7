/**
 * Message push delivery (PROTOCOL §7): signs/encrypts a message per the app's push config, POSTs
 * it to the app's push URL, retries like WeChat when no HTTP 200 arrives within the timeout, and
 * records every attempt with the app's (decrypted) reply. Other areas push through `ctx.push`.
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
import { randomBytes } from 'node:crypto';
import { AdminError } from '../../admin/ops.js';
import type { AreaContext, AreaModule, EmuApp, PushConfig } from '../../context.js';
import { type DecodedReply, decodeReply, signPush } from './wire.js';

/** Delivery settings. */
export interface PushSettings {
  /**
   * How long the app has to answer one attempt (WeChat: 5 s).
   * @default 5000
   */
  timeoutMs: number;
  /**
   * Attempts after the first when the app does not answer HTTP 200 in time. WeChat says "总共重试三次";
   * whether that means 3 or 1 + 3 attempts is ambiguous (PROTOCOL §7.7): the default sends 1 + 3.
   * @default 3
   */
  retries: number;
}

/** One HTTP attempt of a delivery. */
export interface PushAttempt {
  /** 1-based. */
  n: number;
  /** Virtual-clock Unix ms when sent. */
  at: number;
  /** The query string sent (signature, timestamp, nonce, and encrypt_type/msg_signature/openid). */
  query: Record<string, string>;
  /** The request body sent. */
  body: string;
  /** HTTP status; absent on timeout or network error. */
  status?: number;
  /** The raw response body. */
  response?: string;
  /** The response decoded: success / empty / message (decrypted) / invalid. */
  reply?: DecodedReply;
  /** `timeout after N ms` or the network error. */
  error?: string;
  /** HTTP 200 within the timeout. */
  ok: boolean;
}

/** Every push the emulator sent, with its attempts. */
export interface PushDelivery {
  id: string;
  appid: string;
  url: string;
  mode: PushConfig['mode'];
  format: PushConfig['format'];
  /** Dispatch name: the MsgType, or `event.<Event>`. */
  name: string;
  /** The plaintext message. */
  message: Record<string, unknown>;
  /** `delivered` once an attempt got HTTP 200 in time; `failed` after the last retry. */
  status: 'pending' | 'delivered' | 'failed';
  attempts: PushAttempt[];
  /** The accepted attempt's decoded reply (decrypted when encrypted). */
  reply?: DecodedReply;
  /** What WeChat would accept but the protocol does not write (e.g. a reply padded to 16-byte blocks). */
  warnings?: string[];
}

interface PushSlice {
  settings: PushSettings;
  deliveries: PushDelivery[];
  nextId: number;
  /** 64-bit MsgId counter (beyond 2^53: sent as a bare number, receivers must not read it as a double). */
  nextMsgId: string;
}

const DEFAULT_SETTINGS: PushSettings = { timeoutMs: 5000, retries: 3 };
const MAX_RECORDS = 1000;
/** FromUserName of platform events (a fixed WeChat-team openid). */
const WECHAT_TEAM = 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M';
const USER_MSG_TYPES = ['text', 'image', 'miniprogrampage'] as const;

function isObj(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function dispatchName(message: Record<string, unknown>): string {
  return message.MsgType === 'event' ? `event.${String(message.Event ?? '').toLowerCase()}` : String(message.MsgType);
}

const push: AreaModule = {
  name: 'push',
  register(ctx: AreaContext) {
    const st = () =>
      ctx.slice<PushSlice>('push', () => ({
        settings: { ...DEFAULT_SETTINGS },
        deliveries: [],
        nextId: 1,
        nextMsgId: '7280000000000000001',
      }));
    const inflight = new Set<AbortController>();
    let closed = false;
    ctx.onClose?.(() => {
      closed = true;
      for (const c of inflight) c.abort();
    });

    function resolveApp(appid: unknown): EmuApp {
      const app = typeof appid === 'string' && appid ? ctx.getApp(appid) : ctx.listApps()[0];
      if (!app) throw new AdminError(404, `unknown app ${String(appid)}`);
      return app;
    }

    function resolveUser(app: EmuApp, openid: unknown): string {
      if (typeof openid !== 'string' || !ctx.getUser(app.appid, openid)) {
        throw new AdminError(404, `unknown user ${String(openid)} of app ${app.appid}`);
      }
      return openid;
    }

    function nextMsgId(): string {
      const s = st();
      const id = s.nextMsgId;
      s.nextMsgId = (BigInt(id) + 1n).toString();
      return id;
    }

    async function attempt(config: PushConfig, appid: string, message: Record<string, unknown>, n: number) {
      const nonce = String(randomBytes(4).readUInt32BE(0));
      const signed = signPush(config, appid, message, ctx.clock.now(), nonce);
      const rec: PushAttempt = { n, at: ctx.clock.nowMs(), query: signed.query, body: signed.body, ok: false };
      const { timeoutMs } = st().settings;
      const controller = new AbortController();
      inflight.add(controller);
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        const url = new URL(config.url);
        for (const [k, v] of Object.entries(signed.query)) url.searchParams.set(k, v);
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': signed.contentType, 'user-agent': 'Mozilla/4.0' },
          body: signed.body,
          signal: controller.signal,
        });
        rec.response = await res.text();
        rec.status = res.status;
        rec.ok = res.status === 200;
        if (rec.ok) rec.reply = decodeReply(rec.response, config, appid);
      } catch (e) {
        rec.error = controller.signal.aborted
          ? closed
            ? 'emulator closed'
            : `timeout after ${timeoutMs} ms`
          : String((e as Error & { cause?: Error }).cause?.message ?? (e as Error).message);
      } finally {
        clearTimeout(timer);
        inflight.delete(controller);
      }
      return rec;
    }

    /** Delivers one message to the app's push URL; resolves after success or the last retry. */
    async function deliver(appid: string, input: Record<string, unknown>): Promise<PushDelivery | undefined> {
      const app = ctx.getApp(appid);
      if (!app?.push) return undefined;
      const config = { ...app.push };
      const message: Record<string, unknown> = {
        ToUserName: app.originalId,
        CreateTime: ctx.clock.now(),
        ...input,
      };
      const s = st();
      const delivery: PushDelivery = {
        id: `push-${s.nextId++}`,
        appid,
        url: config.url,
        mode: config.mode,
        format: config.format,
        name: dispatchName(message),
        message,
        status: 'pending',
        attempts: [],
      };
      s.deliveries.push(delivery);
      if (s.deliveries.length > MAX_RECORDS) s.deliveries.splice(0, s.deliveries.length - MAX_RECORDS);
      const total = 1 + Math.max(0, Math.floor(s.settings.retries));
      for (let n = 1; n <= total && !closed; n++) {
        const rec = await attempt(config, appid, message, n);
        delivery.attempts.push(rec);
        if (rec.ok) {
          delivery.status = 'delivered';
          delivery.reply = rec.reply;
          if (rec.reply?.warnings) delivery.warnings = [...rec.reply.warnings];
          return delivery;
        }
      }
      delivery.status = 'failed';
      return delivery;
    }
    ctx.providePush((appid, message) => deliver(appid, isObj(message) ? message : {}));

    function requirePush(app: EmuApp): void {
      if (!app.push) {
        throw new AdminError(
          409,
          `app ${app.appid} has no push config: set one with PUT /__emulator/apps/${app.appid}`,
        );
      }
    }

    const handle = {
      /**
       * A user sends a customer-service message to the app: opens the 48 h reply window
       * (`user.message`) and pushes it. `MsgType` text (default) | image | miniprogrampage.
       */
      async userMessage(input: Record<string, any>): Promise<PushDelivery | undefined> {
        const app = resolveApp(input?.appid);
        const openid = resolveUser(app, input?.openid);
        const MsgType = input.MsgType ?? 'text';
        if (!USER_MSG_TYPES.includes(MsgType)) {
          throw new AdminError(400, `MsgType must be one of ${USER_MSG_TYPES.join(', ')}`);
        }
        const time = ctx.clock.now();
        ctx.emit('user.message', { appid: app.appid, openid, time });
        const base = { ToUserName: app.originalId, FromUserName: openid, CreateTime: time, MsgType };
        const id = randomBytes(8).toString('hex');
        const fields: Record<string, unknown> =
          MsgType === 'text'
            ? { Content: String(input.Content ?? 'hello') }
            : MsgType === 'image'
              ? {
                  PicUrl: String(input.PicUrl ?? `http://mmbiz.qpic.cn/emulator/${id}/0`),
                  MediaId: String(input.MediaId ?? `emu_media_${id}`),
                }
              : {
                  Title: String(input.Title ?? ''),
                  AppId: String(input.AppId ?? app.appid),
                  PagePath: String(input.PagePath ?? 'pages/index/index'),
                  ThumbUrl: String(input.ThumbUrl ?? `http://mmbiz.qpic.cn/emulator/${id}/thumb`),
                  ThumbMediaId: String(input.ThumbMediaId ?? `emu_thumb_${id}`),
                };
        return deliver(app.appid, { ...base, ...fields, MsgId: nextMsgId() });
      },

      /** The user opens the customer-service session (`user_enter_tempsession`). */
      async enterSession(input: { appid?: string; openid: string; SessionFrom?: string }) {
        const app = resolveApp(input?.appid);
        requirePush(app);
        const openid = resolveUser(app, input?.openid);
        return deliver(app.appid, {
          FromUserName: openid,
          MsgType: 'event',
          Event: 'user_enter_tempsession',
          SessionFrom: String(input.SessionFrom ?? ''),
        });
      },

      /** The "debug" button of the push configuration page (`debug_demo`). */
      async debugDemo(input: { appid?: string; debug_str?: string } = {}) {
        const app = resolveApp(input?.appid);
        requirePush(app);
        return deliver(app.appid, {
          FromUserName: WECHAT_TEAM,
          MsgType: 'event',
          Event: 'debug_demo',
          debug_str: String(input.debug_str ?? 'hello world'),
        });
      },

      /** Pushes any message object (ToUserName and CreateTime default to the app's and now). */
      async send(input: { appid?: string; message: Record<string, unknown> }) {
        const app = resolveApp(input?.appid);
        requirePush(app);
        if (!isObj(input.message)) throw new AdminError(400, 'message must be an object');
        return deliver(app.appid, input.message);
      },

      /** Recorded deliveries, oldest first. */
      deliveries(filter: { appid?: string; name?: string; limit?: number | string } = {}): PushDelivery[] {
        let list = st().deliveries.filter(
          (d) => (!filter.appid || d.appid === filter.appid) && (!filter.name || d.name === filter.name),
        );
        const limit = Number(filter.limit);
        if (Number.isInteger(limit) && limit > 0) list = list.slice(-limit);
        return structuredClone(list);
      },

      clearDeliveries(): { ok: true } {
        st().deliveries.length = 0;
        return { ok: true };
      },

      /** Changes the delivery timeout / retry count (e.g. a short timeout in tests). */
      configure(patch: Partial<PushSettings> = {}): PushSettings {
        const s = st().settings;
        for (const k of ['timeoutMs', 'retries'] as const) {
          const v = patch[k];
          if (v === undefined) continue;
          const n = Number(v);
          if (!Number.isFinite(n) || n < (k === 'timeoutMs' ? 1 : 0)) {
            throw new AdminError(400, `${k} must be a ${k === 'timeoutMs' ? 'positive' : 'non-negative'} number`);
          }
          s[k] = n;
        }
        return { ...s };
      },
    };

    const q = (r: { query: Record<string, string>; body: any }) => ({ ...r.query, ...(isObj(r.body) ? r.body : {}) });
    ctx.admin({ method: 'POST', path: 'push/user-message', handler: (r) => handle.userMessage(q(r)) });
    ctx.admin({ method: 'POST', path: 'push/enter-session', handler: (r) => handle.enterSession(q(r) as any) });
    ctx.admin({ method: 'POST', path: 'push/debug', handler: (r) => handle.debugDemo(q(r)) });
    ctx.admin({ method: 'POST', path: 'push/send', handler: (r) => handle.send(q(r) as any) });
    ctx.admin({ method: 'GET', path: 'push/deliveries', handler: (r) => handle.deliveries(r.query) });
    ctx.admin({ method: 'DELETE', path: 'push/deliveries', handler: () => handle.clearDeliveries() });
    ctx.admin({ method: 'GET', path: 'push/settings', handler: () => ({ ...st().settings }) });
    ctx.admin({ method: 'POST', path: 'push/settings', handler: (r) => handle.configure(q(r)) });
    return handle;
  },
};

export default push;
