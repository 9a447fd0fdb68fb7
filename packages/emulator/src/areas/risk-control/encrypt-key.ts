/**
 * `/wxa/business/getuserencryptkey` (PROTOCOL §18.2), GET or POST with the params in the query:
 * the user's last three keys, rotated every hour on the virtual clock, newest first. Keys are
 * derived from the emulator's secret, so the same hour always yields the same key.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/internet/api_getuserencryptkey.html
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sessionSignature } from '@miniapp-server/sdk';
import { type AreaContext, type WxRequest, WxError } from '../../context.js';
import type { RiskSlice } from './state.js';

export const KEY_TTL = 3600;

export function registerEncryptKey(ctx: AreaContext, st: () => RiskSlice): void {
  const handler = ({ app, query }: WxRequest) => {
    if (!query.openid) throw new WxError(41009, 'missing openid');
    if (query.sig_method !== 'hmac_sha256') throw new WxError(87008, 'invalid sig_method');
    const user = ctx.getUser(app.appid, query.openid);
    if (!user) throw new WxError(40003, 'invalid openid');
    const now = ctx.clock.now();
    if (now >= user.session_expires_at) throw new WxError(87007, 'session_key is not existd or expired');
    const expected = Buffer.from(sessionSignature(user.session_key), 'utf8');
    const given = Buffer.from((query.signature ?? '').toLowerCase(), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new WxError(87009, 'invalid signature');
    const hour = Math.floor(now / KEY_TTL);
    const key_info_list = [0, 1, 2].map((back) => {
      const version = hour - back;
      const mac = createHmac('sha256', st().keySecret).update(`${app.appid}|${user.openid}|${version}`).digest();
      const create_time = version * KEY_TTL;
      return {
        encrypt_key: mac.subarray(0, 16).toString('base64'),
        version,
        expire_in: Math.max(0, create_time + KEY_TTL - now),
        iv: mac.subarray(16, 24).toString('hex'),
        create_time,
      };
    });
    return { key_info_list };
  };
  // The current doc says GET, an older one POST with the same query (PROTOCOL §18.2): both work.
  ctx.route({ method: 'GET', path: '/wxa/business/getuserencryptkey', auth: 'access_token', handler });
  ctx.route({ method: 'POST', path: '/wxa/business/getuserencryptkey', auth: 'access_token', body: 'none', handler });
}
