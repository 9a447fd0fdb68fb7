/**
 * `GET /wxa/getpaidunionid` (PROTOCOL §3.2): a user's unionid, only within 5 minutes of a payment.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/basic-info/api_getpaidunionid
 */
import type { CoreModule } from '../../core.js';
import { userKey } from '../../state.js';
import { E } from '../../wire.js';

export const PAID_UNIONID_WINDOW = 300;

export const paidUnionidRoutes: CoreModule = (ctx) => {
  ctx.route({
    method: 'GET',
    path: '/wxa/getpaidunionid',
    auth: 'access_token',
    handler({ app, query }) {
      if (!query.openid) throw E.openidMissing();
      const user = ctx.state.users[userKey(app.appid, query.openid)];
      if (!user) throw E.openid();
      const byTransaction = !!query.transaction_id;
      if (!byTransaction && !(query.mch_id && query.out_trade_no)) throw E.trade();
      const now = ctx.clock.now();
      const payment = ctx.state.payments.find(
        (p) =>
          p.appid === app.appid &&
          p.openid === user.openid &&
          (byTransaction
            ? p.transaction_id === query.transaction_id
            : p.mch_id === query.mch_id && p.out_trade_no === query.out_trade_no),
      );
      if (!payment || now - payment.paid_at > PAID_UNIONID_WINDOW || now < payment.paid_at) throw E.trade();
      if (!user.unionid) throw E.notBound();
      return { unionid: user.unionid };
    },
  });
};
