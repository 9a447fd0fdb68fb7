/**
 * `POST /wxa/getuserriskrank` (PROTOCOL §18.1): the configured rank of the user, `unoin_id` (sic)
 * as the request id, 48001 without the permission, 9410009 when the test quota is spent.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/sec-center/safety-control-capability/api_getuserriskrank.html
 */
import { type AreaContext, WxError } from '../../context.js';
import type { RiskSlice } from './state.js';

export function registerRiskRank(ctx: AreaContext, st: () => RiskSlice): void {
  ctx.route({
    method: 'POST',
    path: '/wxa/getuserriskrank',
    auth: 'access_token',
    body: 'json',
    handler: ({ app, body }) => {
      const s = st();
      if (s.unauthorized[app.appid]) throw new WxError(48001, 'api unauthorized');
      // appid is a body field here; another app's appid is refused [inferred code].
      if (typeof body.appid !== 'string' || body.appid !== app.appid) throw new WxError(40013, 'invalid appid');
      if (typeof body.openid !== 'string' || !body.openid) throw new WxError(40003, 'invalid openid');
      if (!ctx.getUser(app.appid, body.openid)) {
        const elsewhere = ctx.listApps().some((a) => ctx.getUser(a.appid, body.openid));
        throw elsewhere ? new WxError(43104, 'appid and openid not match') : new WxError(40003, 'invalid openid');
      }
      const scene = Number(body.scene);
      if (body.scene === undefined || ![0, 1, 2].includes(scene)) throw new WxError(40129, 'invalid scene');
      if (typeof body.client_ip !== 'string' || !body.client_ip) throw new WxError(47001, 'data format error');
      if (body.is_test === true) {
        const used = (s.testCalls[app.appid] ?? 0) + 1;
        s.testCalls[app.appid] = used;
        if (used > s.testQuota) throw new WxError(9410009, 'the quota is not enough');
      }
      const unoin_id = s.nextUnoinId++;
      return {
        errcode: 0,
        errmsg: 'getuserriskrank succ',
        risk_rank: s.ranks[`${app.appid}|${body.openid}`] ?? 0,
        unoin_id,
      };
    },
  });
}
