/**
 * Network (网络, PROTOCOL.md §18.2): the user's encryption keys for `wx.getUserCryptoManager`.
 * The SDK computes `signature` = hex HMAC-SHA256(session_key, "") as for checkSessionKey.
 */
import { type Envelope, defineArea, endpoint } from '../core/endpoint.js';
import { requireString } from '../internal/validate.js';
import { type SessionKeyParams, sessionWire } from './auth.js';

/** openid + the user's session_key (used only to compute the signature; never sent). */
export type GetUserEncryptKeyParams = SessionKeyParams;

/** One key; each lives 3600 s. */
export interface UserEncryptKey {
  /** base64 of 16 bytes. */
  encrypt_key: string;
  /** Increasing. */
  version: number;
  /** Seconds left; 0 = expired. */
  expire_in: number;
  /** 16 characters. */
  iv: string;
  /** Unix seconds. */
  create_time: number;
}

export interface GetUserEncryptKeyResult extends Envelope {
  /** The last three keys, newest first. */
  key_info_list: UserEncryptKey[];
}

export const internet = defineArea('internet', {
  /** The user's last three encryption keys (87007 when the session_key expired, 87009 for a wrong one). */
  getUserEncryptKey: endpoint<GetUserEncryptKeyParams, GetUserEncryptKeyResult>({
    // The current doc says GET with no body; an older one said POST (PROTOCOL §18.2 conflict).
    method: 'GET',
    path: '/wxa/business/getuserencryptkey',
    security: 'supported', // PROTOCOL §15.7 (a GET is never secured, §15.7.5)
    auth: 'access_token',
    request: 'query',
    response: 'json',
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/internet/api_getuserencryptkey.html',
    validate: (p) => {
      requireString('internet.getUserEncryptKey', p, 'openid');
      requireString('internet.getUserEncryptKey', p, 'session_key');
    },
    wire: sessionWire,
    decode: (r) => ({ ...r, key_info_list: Array.isArray(r.key_info_list) ? r.key_info_list : [] }),
  }),
});
