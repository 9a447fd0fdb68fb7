/** Uniform messages (PROTOCOL §4.5): official-account template messages through the mini program. */
import type { AreaContext } from '../../context.js';
import { WxError } from '../../context.js';
import { E } from '../../wire.js';
import { AdminError, DEFAULT_OFFICIAL_ACCOUNT, isObj, type Kit, type OfficialAccount, withoutTouser } from './state.js';

export function registerUniformMessage(ctx: AreaContext, k: Kit) {
  const { st, requireUser, deliver, resolveApp, checkPage } = k;

  function officialAccounts(appid: string): OfficialAccount[] {
    return (
      st().officialAccounts[appid] ?? [
        { appid: DEFAULT_OFFICIAL_ACCOUNT.appid, templates: [...DEFAULT_OFFICIAL_ACCOUNT.templates] },
      ]
    );
  }

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

  return {
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
  };
}
