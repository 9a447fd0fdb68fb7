import { type Envelope, defineArea, endpoint } from '../core/endpoint.js';
import { requireString } from '../internal/validate.js';

export interface GetPhoneNumberParams {
  /** The code from `<button open-type="getPhoneNumber">` (single use, 5 minutes). */
  code: string;
  /** Optional: WeChat then checks that the code belongs to this user. */
  openid?: string;
}
export interface PhoneInfo {
  /** With country code for non-CN numbers. */
  phoneNumber: string;
  /** Without country code. */
  purePhoneNumber: string;
  /** A string on the wire in practice (`"86"`); the doc example shows a number. Normalised to string. */
  countryCode: string;
  watermark: { timestamp: number; appid: string };
}
export interface GetPhoneNumberResult extends Envelope {
  phone_info: PhoneInfo;
}

export const phonenumber = defineArea('phonenumber', {
  /** Exchanges a phone-number button code for the user's phone number. */
  getPhoneNumber: endpoint<GetPhoneNumberParams, GetPhoneNumberResult>({
    method: 'POST',
    path: '/wxa/business/getuserphonenumber',
    security: 'supported', // PROTOCOL §15.7
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: false, // the code is single-use
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/phone-number/api_getphonenumber',
    validate: (p) => requireString('phonenumber.getPhoneNumber', p, 'code'),
    decode: (r: GetPhoneNumberResult) => {
      if (r.phone_info && r.phone_info.countryCode !== undefined)
        r.phone_info.countryCode = String(r.phone_info.countryCode);
      return r;
    },
  }),
});
