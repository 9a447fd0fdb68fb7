/** The logistics errcodes (PROTOCOL §9.5, §9.9) with WeChat's errmsg texts where known. */
import { WxError } from '../../context.js';

export const LE = {
  system: () => new WxError(-1, 'system error'),
  /** testUpdateOrder on a non-TEST order [unverified]. */
  notSandbox: () => new WxError(-2, 'hint: [only TEST delivery_id and test_biz_id are allowed]'),
  openid: () => new WxError(40003, 'invalid openid'),
  args: (what: string) => new WxError(40097, `invalid args: ${what}`),
  waybillNotFound: () => new WxError(40199, 'waybill id not found'),
  dataFormat: (field: string) => new WxError(47001, `data format error: ${field}`),
  sandboxOpenid: () => new WxError(930559, 'invaild openid'),
  argsError: (what: string) => new WxError(930561, `args error: ${what}`),
  orderNotExists: () => new WxError(930563, 'order not exists'),
  sandboxQuota: () => new WxError(930564, 'quota run out'),
  carrier: (code: number, msg: string) =>
    new WxError(9300501, 'delivery logic fail', { delivery_resultcode: code, delivery_resultmsg: msg }),
  delivery: () => new WxError(9300503, 'Specified delivery id is not registerred'),
  hasPath: () => new WxError(9300506, 'waybill already has a path, can not cancel'),
  invalidToken: () => new WxError(9300507, 'invalid waybill_token'),
  serviceType: () => new WxError(9300510, 'invalid service type'),
  traceQuota: () => new WxError(9300513, 'out of quota'),
  updateType: () => new WxError(9300517, 'invalid update_type'),
  notBound: () => new WxError(9300525, 'biz id not bind'),
  size: (field: string) => new WxError(9300526, `arg size exceed limit: ${field}`),
  alreadyBound: () => new WxError(9300529, 'account already bind'),
  unbindNotFound: () => new WxError(9300530, 'biz_id to unbind not found'),
  badAccount: () => new WxError(9300531, 'invalid biz_id or password'),
  reviewing: () => new WxError(9300532, 'bind submitted, under review'),
  openidMismatch: () => new WxError(9300534, 'access_token and openid do not match'),
  shop: (field: string) => new WxError(9300535, `invalid shop args: ${field}`),
  wxAppid: () => new WxError(9300536, 'invalid wxa_appid'),
  waybillMissing: () => new WxError(9300559, 'waybill does not exist'),
  goodsUpdates: () => new WxError(9300560, 'goods were already updated the maximum number of times'),
  returnNotFound: () => new WxError(931023, 'return order not exist'),
};
