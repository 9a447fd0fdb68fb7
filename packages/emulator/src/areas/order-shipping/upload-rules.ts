/**
 * The upload APIs' request rules and their errcodes (PROTOCOL §17.2–§17.4), checked in the order
 * WeChat reports them: key, mode and type, time, packages, payer.
 */
import { WxError } from '../../context.js';
import { FIELD_MAX_BYTES, ITEM_DESC_MAX, MAX_PACKAGES } from './state.js';

const wx = (code: number, msg: string) => () => new WxError(code, msg);
export const ERR = {
  format: wx(47001, 'data format error'),
  notFound: wx(10060001, '支付单不存在'),
  shippedDone: wx(10060002, '支付单已完成发货，无法继续发货'),
  reshipUsed: wx(10060003, '支付单已使用重新发货机会'),
  notShippable: wx(10060004, '支付单处于不可发货的状态'),
  logisticsType: wx(10060005, '物流类型有误'),
  splitNotExpress: wx(10060006, '非快递发货时不允许分拆发货'),
  allDelivered: wx(10060007, '分拆发货模式下必须填写 is_all_delivered'),
  itemDescEmpty: wx(10060008, 'item_desc 不能为空'),
  itemDescLong: wx(10060009, 'item_desc 太长'),
  lastIndex: wx(10060011, 'last_index 不合法'),
  duplicateSub: wx(10060013, '子单单号重复'),
  params: wx(10060014, '请求参数非法'),
  unchanged: wx(10060023, '发货信息未更新'),
  tooMany: wx(10060024, '物流信息列表太长'),
  companyLong: wx(10060025, '物流公司编码太长'),
  trackingLong: wx(10060026, '物流单号太长'),
  notShipped: wx(10060028, '支付单不是已发货状态'),
  receivedTime: wx(10060029, '签收时间非法'),
  reminded: wx(10060030, '支付单已使用提醒收货机会'),
  payer: wx(10060031, '该笔支付单不属于 openid 所指定的用户'),
  remindNotExpress: wx(10060032, '只有物流快递发货时允许提醒用户确认收货'),
  keyType: wx(268485194, '订单单号类型非法'),
  noTransaction: wx(268485195, '微信支付单号不能为空'),
  noMchid: wx(268485196, '商户号不能为空'),
  noTradeNo: wx(268485197, '商户订单号不能为空'),
  uploadTime: wx(268485216, '上传时间非法，请按照 RFC 3339 格式填写'),
  mode: wx(268485224, '发货模式非法'),
  noTracking: wx(268485226, '物流单号不能为空'),
  noCompany: wx(268485227, '物流公司编码不能为空'),
  unifiedOne: wx(268485228, '统一发货模式下，物流信息列表长度必须为 1'),
  subKeyType: wx(268485253, '主单与子单订单单号类型不一致'),
  specialType: wx(268546000, 'type 非法'),
  delayTo: wx(268546001, 'delay_to 非法'),
  specialNotFound: wx(268546002, '账户不存在这个待发货单号'),
};

export type OrderKeyIn =
  | { order_number_type: 1; mchid: string; out_trade_no: string }
  | { order_number_type: 2; transaction_id: string };

export interface ShipmentIn {
  logistics_type: number;
  delivery_mode: number;
  is_all_delivered?: boolean;
  shipping_list: Array<{
    tracking_no?: string;
    express_company?: string;
    item_desc: string;
    contact?: { consignor_contact?: string; receiver_contact?: string };
  }>;
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export function orderKey(v: unknown): OrderKeyIn {
  if (!isObj(v)) throw ERR.format();
  const type = Number(v.order_number_type);
  if (type === 2) {
    if (!nonEmpty(v.transaction_id)) throw ERR.noTransaction();
    return { order_number_type: 2, transaction_id: v.transaction_id };
  }
  if (type === 1) {
    if (!nonEmpty(v.mchid)) throw ERR.noMchid();
    if (!nonEmpty(v.out_trade_no)) throw ERR.noTradeNo();
    return { order_number_type: 1, mchid: v.mchid, out_trade_no: v.out_trade_no };
  }
  throw ERR.keyType();
}

/** RFC 3339 with `Z` or `±HH:MM` (PROTOCOL §17.6.4); returns epoch ms. */
export function uploadTime(v: unknown): number {
  const ok = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v);
  const ms = ok ? Date.parse(v as string) : Number.NaN;
  if (Number.isNaN(ms)) throw ERR.uploadTime();
  return ms;
}

/** "The last four digits must not be masked" (the exact check and its errcode are unverified: 10060014). */
const UNMASKED_TAIL = /\d{4}$/;

export function shipment(v: Record<string, any>): ShipmentIn {
  const mode = Number(v.delivery_mode);
  if (mode !== 1 && mode !== 2) throw ERR.mode();
  const type = Number(v.logistics_type);
  if (![1, 2, 3, 4].includes(type)) throw ERR.logisticsType();
  const express = type === 1;
  if (mode === 2 && !express) throw ERR.splitNotExpress();
  if (mode === 2 && typeof v.is_all_delivered !== 'boolean') throw ERR.allDelivered();
  const list = v.shipping_list;
  if (!Array.isArray(list) || list.length === 0) throw ERR.params();
  if (list.length > MAX_PACKAGES) throw ERR.tooMany();
  if (mode === 1 && list.length !== 1) throw ERR.unifiedOne();
  for (const item of list) {
    if (!isObj(item)) throw ERR.format();
    if (!nonEmpty(item.item_desc)) throw ERR.itemDescEmpty();
    if ([...item.item_desc].length > ITEM_DESC_MAX) throw ERR.itemDescLong();
    if (express && !nonEmpty(item.tracking_no)) throw ERR.noTracking();
    if (express && !nonEmpty(item.express_company)) throw ERR.noCompany();
    if (typeof item.tracking_no === 'string' && bytes(item.tracking_no) > FIELD_MAX_BYTES) throw ERR.trackingLong();
    if (typeof item.express_company === 'string' && bytes(item.express_company) > FIELD_MAX_BYTES)
      throw ERR.companyLong();
    const c = item.contact;
    if (c !== undefined && !isObj(c)) throw ERR.format();
    for (const f of ['consignor_contact', 'receiver_contact']) {
      if (c?.[f] !== undefined && !(typeof c[f] === 'string' && UNMASKED_TAIL.test(c[f]))) throw ERR.params();
    }
    if (item.express_company === 'SF' && !c?.consignor_contact && !c?.receiver_contact) throw ERR.params();
  }
  return {
    logistics_type: type,
    delivery_mode: mode,
    ...(typeof v.is_all_delivered === 'boolean' ? { is_all_delivered: v.is_all_delivered } : {}),
    shipping_list: list,
  };
}

export function payerOpenid(v: unknown): string {
  if (!isObj(v) || !nonEmpty(v.openid)) throw ERR.params();
  return v.openid;
}
