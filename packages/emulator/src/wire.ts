/** How the emulator writes WeChat responses: HTTP 200 JSON, the odd content type, rid suffixes. */
import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { WxError } from './context.js';

/** The real API labels JSON `application/json; encoding=utf-8` (sic); clients must cope. */
export const WX_JSON_TYPE = 'application/json; encoding=utf-8';

/** A trace id in WeChat's newer ` rid: xxxxxxxx-xxxxxxxx-xxxxxxxx` form. */
export function newRid(): string {
  return `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
}

/** `{errcode, errmsg: "<msg> rid: <id>", ...extra}`. */
export function errorBody(err: WxError): Record<string, unknown> {
  return { errcode: err.errcode, errmsg: `${err.errmsg} rid: ${newRid()}`, ...err.extra };
}

export function sendJson(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  // Sent as bytes: Fastify rewrites the content type of string payloads (adds charset, quotes encoding).
  return reply
    .code(status)
    .header('content-type', WX_JSON_TYPE)
    .send(Buffer.from(JSON.stringify(body), 'utf8'));
}

/** Common errors, with WeChat's own errmsg texts. */
export const E = {
  system: () => new WxError(-1, 'system error'),
  badCredential: () => new WxError(40001, 'invalid credential, access_token is invalid or not latest'),
  grantType: () => new WxError(40002, 'invalid grant_type'),
  openid: () => new WxError(40003, 'invalid openid'),
  appid: () => new WxError(40013, 'invalid appid'),
  code: () => new WxError(40029, 'invalid code'),
  appsecret: () => new WxError(40125, 'invalid appsecret'),
  codeUsed: () => new WxError(40163, 'code been used'),
  tokenMissing: () => new WxError(41001, 'access_token missing'),
  appidMissing: () => new WxError(41002, 'appid missing'),
  secretMissing: () => new WxError(41004, 'appsecret missing'),
  codeMissing: () => new WxError(41008, 'missing code'),
  openidMissing: () => new WxError(41009, 'missing openid'),
  tokenExpired: () => new WxError(42001, 'access_token expired'),
  requireGet: () => new WxError(43001, 'require GET method'),
  requirePost: () => new WxError(43002, 'require POST method'),
  emptyPost: () => new WxError(44002, 'empty post data'),
  dailyQuota: () =>
    new WxError(
      45009,
      'reach max api daily quota limit, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r',
    ),
  minuteQuota: () => new WxError(45011, 'api minute-quota reach limit  mustslower  retry next minute'),
  dataFormat: () => new WxError(47001, 'data format error'),
  argument: (field: string) => new WxError(47003, `argument invalid! data.${field} invalid`),
  sigMethod: () => new WxError(87008, 'invalid sig_method'),
  signature: () => new WxError(87009, 'invalid signature'),
  notBound: () => new WxError(89002, 'open not exists'),
  trade: () => new WxError(89300, 'invalid trade'),
};
