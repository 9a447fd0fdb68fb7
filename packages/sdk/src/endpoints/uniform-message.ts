import { type Envelope, defineArea, endpoint } from '../core/endpoint.js';
import { ValidationError } from '../core/errors.js';
import { isObject, optionalString, requireObject, requireString, requireTemplateData } from '../internal/validate.js';

/** One template keyword: `{ value, color? }`. */
export interface TemplateDataItem {
  value: string;
  /** e.g. `#173177`. Official-account templates only. */
  color?: string;
}

/**
 * The mini program an official-account template message opens.
 * The doc names the page key `pagepath`; some accounts get `40165 invalid weapp pagepath` unless it is
 * `path` (PROTOCOL §4.5, unverified). Set the one your account accepts; the SDK sends exactly what you give.
 */
export interface UniformMiniProgram {
  /** This mini program's appid. */
  appid: string;
  /** Documented key. */
  pagepath?: string;
  /** Alternative key some accounts require. */
  path?: string;
}

/** An official-account template message (`mp_template_msg`). */
export interface MpTemplateMsg {
  /** The official account's appid (same entity as the mini program, and bound to it). */
  appid: string;
  template_id: string;
  /** Web page opened when the message is tapped (ignored in favour of `miniprogram` when both work). */
  url?: string;
  miniprogram?: UniformMiniProgram;
  data: Record<string, TemplateDataItem>;
}

/**
 * The retired mini-program template message (`weapp_template_msg`): "小程序模板消息已下线，不用传此节点".
 * Still typed so old payloads compile; WeChat gives it priority when present and form_ids no longer exist.
 * @deprecated use subscribeMessage.send.
 */
export interface WeappTemplateMsg {
  template_id: string;
  page?: string;
  form_id: string;
  data: Record<string, TemplateDataItem>;
  emphasis_keyword?: string;
}

/** uniformMessage.send params. */
export interface UniformSendParams {
  /** The mini-program openid, or the official-account openid of `mp_template_msg.appid`. */
  touser: string;
  mp_template_msg?: MpTemplateMsg;
  /** @deprecated retired by WeChat; use `mp_template_msg` or subscribeMessage.send. */
  weapp_template_msg?: WeappTemplateMsg;
}

function checkUniform(p: UniformSendParams): void {
  const api = 'uniformMessage.send';
  requireString(api, p, 'touser');
  const mp = (p as any).mp_template_msg;
  const weapp = (p as any).weapp_template_msg;
  if (mp === undefined && weapp === undefined) {
    throw new ValidationError('`mp_template_msg` is required', { api, field: 'mp_template_msg' });
  }
  if (mp !== undefined) {
    const m = requireObject(api, p, 'mp_template_msg');
    requireString(api, m, 'appid', 'mp_template_msg.appid');
    requireString(api, m, 'template_id', 'mp_template_msg.template_id');
    optionalString(api, m, 'url', 'mp_template_msg.url');
    requireTemplateData(api, m, 'data', 'mp_template_msg.data');
    if (m.miniprogram !== undefined) {
      const mini = requireObject(api, m, 'miniprogram', 'mp_template_msg.miniprogram');
      requireString(api, mini, 'appid', 'mp_template_msg.miniprogram.appid');
      optionalString(api, mini, 'pagepath', 'mp_template_msg.miniprogram.pagepath');
      optionalString(api, mini, 'path', 'mp_template_msg.miniprogram.path');
    }
  }
  if (weapp !== undefined) {
    if (!isObject(weapp)) {
      throw new ValidationError('`weapp_template_msg` must be an object', { api, field: 'weapp_template_msg' });
    }
    requireString(api, weapp, 'template_id', 'weapp_template_msg.template_id');
    requireString(api, weapp, 'form_id', 'weapp_template_msg.form_id');
    requireTemplateData(api, weapp, 'data', 'weapp_template_msg.data');
  }
}

/** Uniform service message (统一服务消息): official-account template messages sent through the mini program. */
export const uniformMessage = defineArea('uniformMessage', {
  /**
   * Sends an official-account template message (`mp_template_msg`) to a mini-program user.
   * `weapp_template_msg` is retired by WeChat and only kept for old payloads.
   * @see https://developers.weixin.qq.com/miniprogram/en/dev/api-backend/open-api/uniform-message/uniformMessage.send.html
   */
  send: endpoint<UniformSendParams, Envelope>({
    method: 'POST',
    path: '/cgi-bin/message/wxopen/template/uniform_send',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: false, // a replayed send delivers the message twice
    doc: 'https://developers.weixin.qq.com/miniprogram/en/dev/api-backend/open-api/uniform-message/uniformMessage.send.html',
    validate: checkUniform,
  }),
});
