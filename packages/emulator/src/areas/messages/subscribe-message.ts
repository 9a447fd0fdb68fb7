/**
 * Subscribe messages (PROTOCOL §4.6, §7.9): the user's acceptance per template (one-time and
 * long-term), sends checked against the template's keywords, and the popup/sent pushes.
 */
import type { AreaContext } from '../../context.js';
import { WxError } from '../../context.js';
import { WX_JSON_TYPE } from '../../wire.js';
import { keywordProblem } from './library.js';
import { AdminError, entry, isObj, type Kit, key, type PrivateTemplate, withoutTouser } from './state.js';

export function registerSubscribeMessage(ctx: AreaContext, k: Kit) {
  const { st, requireUser, deliver, nextMsgId, pushQuietly, resolveApp, resolveUser, checkPage, privateTemplate } = k;

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

  return {
    /** A user accepts/rejects subscribe templates (pushes subscribe_msg_popup_event). */
    subscribe,
    /** The user's current acceptance per template. */
    subscriptions,
  };
}
