/**
 * `GET /wxa/checksession` and `GET /wxa/resetusersessionkey` (PROTOCOL §3.3).
 * signature = hex HMAC-SHA256 keyed by the session_key's base64 text over "".
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_checksessionkey
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_resetusersessionkey
 */
import { timingSafeEqual } from 'node:crypto';
import { sessionSignature } from '@miniapp-server/sdk';
import type { CoreContext, CoreModule } from '../../core.js';
import type { EmuApp, EmuUser } from '../../context.js';
import { newSessionKey, userKey } from '../../state.js';
import { E } from '../../wire.js';

/** Checks openid, sig_method and signature; an expired session_key signs nothing valid. */
function verifiedUser(ctx: CoreContext, app: EmuApp, query: Record<string, string>): EmuUser {
  if (!query.openid) throw E.openidMissing();
  if (query.sig_method !== 'hmac_sha256') throw E.sigMethod();
  // Unknown openid: WeChat's code is not documented here; 40003 `invalid openid` [inferred].
  const user = ctx.state.users[userKey(app.appid, query.openid)];
  if (!user) throw E.openid();
  const expected = Buffer.from(sessionSignature(user.session_key), 'utf8');
  const given = Buffer.from((query.signature ?? '').toLowerCase(), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw E.signature();
  if (ctx.clock.now() >= user.session_expires_at) throw E.signature();
  return user;
}

export const sessionRoutes: CoreModule = (ctx) => {
  ctx.route({
    method: 'GET',
    path: '/wxa/checksession',
    auth: 'access_token',
    handler({ app, query }) {
      verifiedUser(ctx, app, query);
      return {};
    },
  });

  ctx.route({
    method: 'GET',
    path: '/wxa/resetusersessionkey',
    auth: 'access_token',
    handler({ app, query }) {
      const user = verifiedUser(ctx, app, query);
      // The new key inherits the old expiry (no renewal), PROTOCOL §3.3.
      user.session_key = newSessionKey();
      return { openid: user.openid, session_key: user.session_key };
    },
  });
};
