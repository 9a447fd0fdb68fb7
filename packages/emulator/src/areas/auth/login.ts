/**
 * `GET /sns/jscode2session` (auth.code2Session, PROTOCOL §3.1) — appid + secret, no access_token.
 * @see https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
 */
import { type CoreModule, checkAppCredentials } from '../../core.js';
import { SESSION_TTL, newSessionKey, userKey } from '../../state.js';
import { E } from '../../wire.js';

/** A wx.login code lives about 5 minutes (PROTOCOL §3.1 [unverified]). */
export const LOGIN_CODE_TTL = 300;
/** code2Session calls per user per minute before 45011. */
export const LOGIN_PER_MINUTE = 100;

export const loginRoutes: CoreModule = (ctx) => {
  ctx.route({
    method: 'GET',
    path: '/sns/jscode2session',
    auth: 'none',
    bare: true,
    handler({ query }) {
      const app = checkAppCredentials(ctx, query.appid, query.secret);
      if (query.grant_type !== 'authorization_code') throw E.grantType();
      if (!query.js_code) throw E.codeMissing();
      const now = ctx.clock.now();
      const code = ctx.state.loginCodes[query.js_code];
      if (!code || code.appid !== app.appid) throw E.code();
      if (code.used_at !== undefined) throw E.codeUsed();
      if (now >= code.expires_at) throw E.code();
      const user = ctx.state.users[userKey(app.appid, code.openid)];
      if (!user) throw E.code();
      if (ctx.state.count(`${app.appid}|${user.openid}|jscode2session|${Math.floor(now / 60)}`) > LOGIN_PER_MINUTE)
        throw E.minuteQuota();
      code.used_at = now;
      // The session_key survives logins while valid; an expired one is replaced (wx.login renews it).
      if (now >= user.session_expires_at) {
        user.session_key = newSessionKey();
        user.session_expires_at = now + SESSION_TTL;
      }
      user.last_login_at = now;
      user.logins = (user.logins ?? 0) + 1;
      ctx.emit('user.login', { appid: app.appid, openid: user.openid });
      return {
        openid: user.openid,
        session_key: user.session_key,
        ...(user.unionid ? { unionid: user.unionid } : {}),
      };
    },
  });
};
