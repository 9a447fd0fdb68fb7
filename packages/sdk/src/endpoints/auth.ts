import { nodeCrypto } from '../internal/node-crypto.js';
import { type Envelope, defineArea, endpoint } from '../core/endpoint.js';
import { ValidationError } from '../core/errors.js';
import { sessionSignature } from '../crypto/open-data.js';
import { requireString } from '../internal/validate.js';

/** auth.code2Session params. */
export interface Code2SessionParams {
  /** The code from `wx.login()` (single use, ~5 minutes). */
  js_code: string;
}
export interface Code2SessionResult extends Envelope {
  openid: string;
  session_key: string;
  /** Present only when the app is bound to an Open Platform account. */
  unionid?: string;
}

/** auth.getPaidUnionId params: openid + transaction_id, or openid + mch_id + out_trade_no. */
export type GetPaidUnionIdParams =
  | { openid: string; transaction_id: string; mch_id?: never; out_trade_no?: never }
  | { openid: string; mch_id: string; out_trade_no: string; transaction_id?: never };
export interface GetPaidUnionIdResult extends Envelope {
  unionid: string;
}

export interface AccessTokenResult extends Envelope {
  access_token: string;
  /** Seconds (≤ 7200). */
  expires_in: number;
}
export interface GetStableAccessTokenParams {
  /** true: invalidate the current token and issue a new one (≤ 20/day, ≥ 30 s apart). @default false */
  force_refresh?: boolean;
}

/** checkSessionKey / resetUserSessionKey: the SDK computes `signature` from `session_key` itself. */
export interface SessionKeyParams {
  openid: string;
  /** The user's current session_key (base64 text). Used only to compute the signature; never sent. */
  session_key: string;
}
export interface ResetUserSessionKeyResult extends Envelope {
  openid: string;
  /** The new session_key (keeps the old one's expiry). */
  session_key: string;
}

/**
 * auth.checkEncryptedData params: the hash, or the `encryptedData` itself, which the SDK hashes
 * (SHA-256 hex of the base64 text as received — what WeChat hashes is undocumented, PROTOCOL §18.3).
 */
export type CheckEncryptedDataParams =
  | { encrypted_msg_hash: string; encryptedData?: never }
  | { encryptedData: string; encrypted_msg_hash?: never };
export interface CheckEncryptedDataResult extends Envelope {
  /** Spelled `vaild` exactly as WeChat sends it: true when WeChat generated the data in the last 3 days. */
  vaild: boolean;
  /** Unix seconds when the encrypted data was generated. */
  create_time: number;
}

/** The wire form of a session_key-signed call (also used by internet.getUserEncryptKey). */
export const sessionWire = (p: SessionKeyParams) => ({
  openid: p.openid,
  signature: sessionSignature(p.session_key),
  sig_method: 'hmac_sha256',
});

export const auth = defineArea('auth', {
  /** Exchanges a `wx.login` code for openid + session_key. No access_token is used. */
  code2Session: endpoint<Code2SessionParams, Code2SessionResult>({
    method: 'GET',
    path: '/sns/jscode2session',
    auth: 'appsecret',
    request: 'query',
    response: 'json',
    idempotent: false, // a code is single-use: a replay after a lost response answers 40163
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html',
    fixed: { grant_type: 'authorization_code' },
    validate: (p) => requireString('auth.code2Session', p, 'js_code'),
  }),
  /** The unionid of a user who just paid (within 5 minutes), without authorisation. */
  getPaidUnionId: endpoint<GetPaidUnionIdParams, GetPaidUnionIdResult>({
    method: 'GET',
    path: '/wxa/getpaidunionid',
    auth: 'access_token',
    request: 'query',
    response: 'json',
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/basic-info/api_getpaidunionid',
    validate: (p: any) => {
      const api = 'auth.getPaidUnionId';
      requireString(api, p, 'openid');
      if (p.transaction_id !== undefined) {
        requireString(api, p, 'transaction_id');
        if (p.mch_id !== undefined || p.out_trade_no !== undefined) {
          throw new ValidationError('pass either transaction_id, or mch_id + out_trade_no, not both', { api });
        }
      } else {
        if (p.mch_id === undefined && p.out_trade_no === undefined) {
          throw new ValidationError('pass transaction_id, or mch_id + out_trade_no', { api, field: 'transaction_id' });
        }
        requireString(api, p, 'mch_id');
        requireString(api, p, 'out_trade_no');
      }
    },
  }),
  /** Classic token: every call issues a new token and retires the previous one (5-minute overlap). */
  getAccessToken: endpoint<undefined, AccessTokenResult>({
    method: 'GET',
    path: '/cgi-bin/token',
    auth: 'appsecret',
    request: 'query',
    response: 'json',
    idempotent: false, // each call invalidates the previous token
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getAccessToken.html',
    fixed: { grant_type: 'client_credential' },
  }),
  /** Stable token: the same token while valid; `force_refresh` issues a new one. */
  getStableAccessToken: endpoint<GetStableAccessTokenParams, AccessTokenResult>({
    method: 'POST',
    path: '/cgi-bin/stable_token',
    auth: 'appsecret',
    request: 'json',
    response: 'json',
    idempotent: true, // normal mode returns the same token; a forced call is never retried (see executor)
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html',
    fixed: { grant_type: 'client_credential' },
  }),
  /** Checks that `session_key` is still the user's valid key (87009 otherwise). */
  checkSessionKey: endpoint<SessionKeyParams, Envelope>({
    method: 'GET',
    path: '/wxa/checksession',
    auth: 'access_token',
    request: 'query',
    response: 'json',
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_checksessionkey',
    validate: (p) => {
      requireString('auth.checkSessionKey', p, 'openid');
      requireString('auth.checkSessionKey', p, 'session_key');
    },
    wire: sessionWire,
  }),
  /** Issues a new session_key for the user (the old one stops working). */
  resetUserSessionKey: endpoint<SessionKeyParams, ResetUserSessionKeyResult>({
    method: 'GET',
    path: '/wxa/resetusersessionkey',
    auth: 'access_token',
    request: 'query',
    response: 'json',
    idempotent: false, // a replay would reset again and fail with the old key's signature
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_resetusersessionkey',
    validate: (p) => {
      requireString('auth.resetUserSessionKey', p, 'openid');
      requireString('auth.resetUserSessionKey', p, 'session_key');
    },
    wire: sessionWire,
  }),
  /**
   * Whether encrypted data (phone numbers only) was generated by WeChat in the last 3 days.
   * Unknown, expired or another app's data is an ApiError with errcode 1 (`data not exit`).
   */
  checkEncryptedData: endpoint<CheckEncryptedDataParams, CheckEncryptedDataResult>({
    method: 'POST',
    path: '/wxa/business/checkencryptedmsg',
    security: 'supported', // PROTOCOL §15.7
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/basic-info/api_checkencrypteddata.html',
    validate: (p: any) => {
      const api = 'auth.checkEncryptedData';
      if (p?.encryptedData !== undefined) {
        requireString(api, p, 'encryptedData');
        if (p.encrypted_msg_hash !== undefined) {
          throw new ValidationError('pass encrypted_msg_hash or encryptedData, not both', { api });
        }
      } else {
        requireString(api, p, 'encrypted_msg_hash');
        if (!/^[0-9a-fA-F]{64}$/.test(p.encrypted_msg_hash)) {
          throw new ValidationError('`encrypted_msg_hash` must be 64 hex characters (SHA-256)', {
            api,
            field: 'encrypted_msg_hash',
          });
        }
      }
    },
    wire: (p) => ({
      encrypted_msg_hash:
        p.encryptedData !== undefined
          ? nodeCrypto().createHash('sha256').update(p.encryptedData, 'utf8').digest('hex')
          : (p.encrypted_msg_hash as string),
    }),
  }),
});
