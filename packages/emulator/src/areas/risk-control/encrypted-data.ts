/**
 * Phone-number encryptedData as `wx.getPhoneNumber` hands it to the mini program (AES-128-CBC
 * with the session_key, PROTOCOL §3.5), and `POST /wxa/business/checkencryptedmsg` (§18.3):
 * `vaild` (sic) for data the emulator produced within 3 days, errcode 1 otherwise.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/basic-info/api_checkencrypteddata.html
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { AdminError } from '../../admin/ops.js';
import { type AreaContext, type EmuApp, WxError } from '../../context.js';
import type { RiskSlice } from './state.js';

export const ENCRYPTED_DATA_TTL = 3 * 86400;

export function registerEncryptedData(ctx: AreaContext, st: () => RiskSlice): void {
  ctx.route({
    method: 'POST',
    path: '/wxa/business/checkencryptedmsg',
    auth: 'access_token',
    body: 'json',
    handler: ({ app, body }) => {
      const hash = body.encrypted_msg_hash;
      if (typeof hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hash)) throw new WxError(40097, 'invalid args');
      const rec = st().encrypted[hash.toLowerCase()];
      if (!rec || rec.appid !== app.appid || ctx.clock.now() - rec.create_time > ENCRYPTED_DATA_TTL) {
        throw new WxError(1, 'data not exit');
      }
      return { vaild: true, create_time: rec.create_time };
    },
  });
}

/** Encrypts a phone number for a user; the sha256 of the base64 text is remembered for checkEncryptedData. */
export function encryptPhone(
  ctx: AreaContext,
  st: () => RiskSlice,
  app: EmuApp,
  input: { openid: string; phoneNumber: string; countryCode?: string },
): { encryptedData: string; iv: string; encrypted_msg_hash: string } {
  const user = typeof input?.openid === 'string' ? ctx.getUser(app.appid, input.openid) : undefined;
  if (!user) throw new AdminError(404, `unknown user ${String(input?.openid)} of app ${app.appid}`);
  const pure = String(input.phoneNumber ?? '');
  if (!/^\d{5,20}$/.test(pure)) throw new AdminError(400, 'phoneNumber must be digits without the country code');
  const countryCode = String(input.countryCode ?? '86');
  const now = ctx.clock.now();
  const plain = JSON.stringify({
    phoneNumber: countryCode === '86' ? pure : `+${countryCode}${pure}`,
    purePhoneNumber: pure,
    countryCode,
    watermark: { timestamp: now, appid: app.appid },
  });
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(user.session_key, 'base64'), iv);
  const encryptedData = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
  const encrypted_msg_hash = createHash('sha256').update(encryptedData, 'utf8').digest('hex');
  st().encrypted[encrypted_msg_hash] = { appid: app.appid, openid: user.openid, create_time: now };
  return { encryptedData, iv: iv.toString('base64'), encrypted_msg_hash };
}
