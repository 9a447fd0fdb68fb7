/**
 * `POST /wxa/business/getuserphonenumber` (phonenumber.getPhoneNumber, PROTOCOL §3.4).
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/phone-number/api_getphonenumber
 */
import type { CoreModule } from '../../core.js';
import { E } from '../../wire.js';

/** A phone code is single use and lives 5 minutes. */
export const PHONE_CODE_TTL = 300;

export const phoneRoutes: CoreModule = (ctx) => {
  ctx.route({
    method: 'POST',
    path: '/wxa/business/getuserphonenumber',
    auth: 'access_token',
    body: 'json',
    handler({ app, body }) {
      if (typeof body.code !== 'string' || !body.code) throw E.code();
      const now = ctx.clock.now();
      const rec = ctx.state.phoneCodes[body.code];
      if (!rec || rec.appid !== app.appid || rec.used_at !== undefined || now >= rec.expires_at) throw E.code();
      // "填入后会校验openid和code的绑定关系": a mismatch is answered 40029 [inferred code].
      if (body.openid !== undefined && body.openid !== '' && rec.openid !== undefined && body.openid !== rec.openid)
        throw E.code();
      rec.used_at = now;
      const international = rec.countryCode !== '86';
      return {
        phone_info: {
          // phoneNumber carries the country code for non-CN numbers only; the `+CC` form is [inferred].
          phoneNumber: international ? `+${rec.countryCode}${rec.purePhoneNumber}` : rec.purePhoneNumber,
          purePhoneNumber: rec.purePhoneNumber,
          // A string, as real responses send it (PROTOCOL §3.4 [conflict]).
          countryCode: rec.countryCode,
          watermark: { timestamp: now, appid: app.appid },
        },
      };
    },
  });
};
