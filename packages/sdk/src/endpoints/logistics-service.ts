import { type Envelope, defineArea, endpoint } from '../core/endpoint.js';
import { type ObjectRule, arr, num, obj, opt, str, validator } from '../internal/schema.js';

const DOC = 'https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express';

/**
 * `waybill_info.status` of query_trace / query_follow_trace. Decoded values stay plain numbers, so
 * a status WeChat adds later comes through unchanged.
 */
export const WAYBILL_STATUS = {
  /** 运单不存在或未揽收 */
  NOT_PICKED_UP: 0,
  /** 已揽件 */
  PICKED_UP: 1,
  /** 运输中 */
  IN_TRANSIT: 2,
  /** 派件中 */
  OUT_FOR_DELIVERY: 3,
  /** 已签收 */
  SIGNED: 4,
  /** 异常 */
  EXCEPTION: 5,
  /** 代签收 */
  SIGNED_BY_PROXY: 6,
} as const;
export type WaybillStatus = (typeof WAYBILL_STATUS)[keyof typeof WAYBILL_STATUS] | (number & {});

/**
 * `order_status` of a return (return/get). Only the ends of the range are documented (0 … 14, 99);
 * the codes in between were not captured, so the type stays an open number.
 */
export const RETURN_ORDER_STATUS = {
  /** 已下单待揽件 */
  ORDERED: 0,
  /** 已退件 */
  RETURNED: 14,
  /** 未知 */
  UNKNOWN: 99,
} as const;
export type ReturnOrderStatus = (typeof RETURN_ORDER_STATUS)[keyof typeof RETURN_ORDER_STATUS] | (number & {});

/**
 * `status` of a return (return/get): 0 / 1 / 2. Their meanings are not in the captured docs
 * [unverified]; the names follow the return flow (the user has not yet booked a pickup, has booked
 * one, the return was cancelled/unbound).
 */
export const RETURN_STATUS = { CREATED: 0, BOOKED: 1, CANCELLED: 2 } as const;
export type ReturnStatus = (typeof RETURN_STATUS)[keyof typeof RETURN_STATUS] | (number & {});

/** The goods shown on the tracking page. */
export interface TraceGoodsInfo {
  detail_list: Array<{
    goods_name: string;
    goods_img_url: string;
    /** follow_waybill / update_follow_waybill_goods only, ≤ 40 汉字. */
    goods_desc?: string;
  }>;
}

/** trace_waybill / follow_waybill params: hand WeChat a waybill of any carrier. */
export interface TraceWaybillParams {
  openid: string;
  sender_phone?: string;
  /** The receiver's phone (the tracking page checks the last digits against it). */
  receiver_phone: string;
  waybill_id: string;
  goods_info: TraceGoodsInfo;
  /** WeChat Pay transaction id of the order (usually `420…`). */
  trans_id: string;
  /** The mini-program page of the order. */
  order_detail_path: string;
  /** Omit to let WeChat recognise the carrier from the waybill id. */
  delivery_id?: string;
}
export interface TraceWaybillResult extends Envelope {
  /** Opaque; pass it to the tracking component (`waybillToken`) and to query_trace. */
  waybill_token: string;
}

export interface QueryTraceParams {
  waybill_token: string;
  openid?: string;
}
export interface QueryTraceResult extends Envelope {
  waybill_info: { status: WaybillStatus; waybill_id: string };
  shop_info: { goods_info: TraceGoodsInfo };
  delivery_info: { delivery_id: string; delivery_name: string };
}

export interface UpdateWaybillGoodsParams {
  waybill_token: string;
  goods_info: TraceGoodsInfo;
}

export interface GetDeliveryListResult extends Envelope {
  delivery_list: Array<{ delivery_id: string; delivery_name: string }>;
  count: number;
}

/**
 * An address of a return (the merchant's `biz_addr`, the user's `user_addr`). The field list was
 * not captured [unverified]; these are the names the return docs' examples use, others pass through.
 */
export interface ReturnAddress {
  name: string;
  mobile: string;
  country?: string;
  province: string;
  city: string;
  area: string;
  address: string;
  [field: string]: unknown;
}
export interface CreateReturnParams {
  shop_order_id: string;
  /** Where the parcel goes back to. */
  biz_addr: ReturnAddress;
  /** Where the courier picks up; the user fills it in when omitted. */
  user_addr?: ReturnAddress;
  openid: string;
  /** The mini-program page of the order. */
  order_path: string;
  goods_list: Array<{ name: string; url: string }>;
  /** In fen. */
  order_price: number;
  /** WeChat Pay transaction id. */
  wx_pay_id: string;
}
export interface CreateReturnResult extends Envelope {
  return_id: string;
}
export interface ReturnIdParams {
  return_id: string;
}
export interface GetReturnResult extends Envelope {
  status: ReturnStatus;
  waybill_id: string;
  order_status: ReturnOrderStatus;
  delivery_id: string;
  delivery_name: string;
}

const goods = (withDesc: boolean) =>
  obj({
    detail_list: arr(
      obj({
        goods_name: str(),
        goods_img_url: str(),
        // ≤ 40 汉字 = 120 UTF-8 bytes.
        ...(withDesc ? { goods_desc: opt(str({ maxBytes: 120, nonEmpty: false })) } : {}),
      }),
      { min: 1 },
    ),
  });
const trace = (withDesc: boolean): ObjectRule =>
  obj({
    openid: str(),
    sender_phone: opt(str()),
    receiver_phone: str(),
    waybill_id: str(),
    goods_info: goods(withDesc),
    trans_id: str(),
    order_detail_path: str(),
    delivery_id: opt(str()),
  });
const address = obj({ name: str(), mobile: str(), province: str(), city: str(), area: str(), address: str() });
const post = { method: 'POST', auth: 'access_token', request: 'json', response: 'json' } as const;
const tokenOnly = obj({ waybill_token: str(), openid: opt(str()) });
const returnId = obj({ return_id: str() });

/**
 * Logistics service (物流服务): let users follow parcels of any carrier inside WeChat (the query
 * component and the tracking messages), and hand them a return-shipment component.
 * @see https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/industry/express/open-msg/introduction.html
 */
export const logisticsService = defineArea('logisticsService', {
  /**
   * 查询组件: registers a waybill; the token opens the tracking component.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/express-search/api_tracewaybill.html
   */
  traceWaybill: endpoint<TraceWaybillParams, TraceWaybillResult>({
    ...post,
    path: '/cgi-bin/express/delivery/open_msg/trace_waybill',
    idempotent: false, // each call issues a token and counts against the quota (9300513)
    doc: `${DOC}/express-search/api_tracewaybill.html`,
    validate: validator('logisticsService.traceWaybill', trace(false)),
  }),
  /**
   * The traced waybill's status and goods.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/express-search/api_querytrace.html
   */
  queryTrace: endpoint<QueryTraceParams, QueryTraceResult>({
    ...post,
    path: '/cgi-bin/express/delivery/open_msg/query_trace',
    idempotent: true,
    doc: `${DOC}/express-search/api_querytrace.html`,
    validate: validator('logisticsService.queryTrace', tokenOnly),
  }),
  /**
   * Replaces the goods shown for a traced waybill (limited number of times: 9300560).
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/express-search/api_updatewaybillgoods.html
   */
  updateWaybillGoods: endpoint<UpdateWaybillGoodsParams, Envelope>({
    ...post,
    path: '/cgi-bin/express/delivery/open_msg/update_waybill_goods',
    idempotent: false, // counts against the update limit
    doc: `${DOC}/express-search/api_updatewaybillgoods.html`,
    validate: validator('logisticsService.updateWaybillGoods', obj({ waybill_token: str(), goods_info: goods(false) })),
  }),
  /**
   * 消息组件: registers a waybill for tracking messages (服务通知 on every path change).
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/express-msg/api_followwaybill.html
   */
  followWaybill: endpoint<TraceWaybillParams, TraceWaybillResult>({
    ...post,
    path: '/cgi-bin/express/delivery/open_msg/follow_waybill',
    idempotent: false,
    doc: `${DOC}/express-msg/api_followwaybill.html`,
    validate: validator('logisticsService.followWaybill', trace(true)),
  }),
  /**
   * The followed waybill's status and goods.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/express-msg/api_queryfollowtrace.html
   */
  queryFollowTrace: endpoint<QueryTraceParams, QueryTraceResult>({
    ...post,
    path: '/cgi-bin/express/delivery/open_msg/query_follow_trace',
    idempotent: true,
    doc: `${DOC}/express-msg/api_queryfollowtrace.html`,
    validate: validator('logisticsService.queryFollowTrace', tokenOnly),
  }),
  /**
   * Replaces the goods of a followed waybill.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/express-msg/api_updatefollowwaybillgoods.html
   */
  updateFollowWaybillGoods: endpoint<UpdateWaybillGoodsParams, Envelope>({
    ...post,
    path: '/cgi-bin/express/delivery/open_msg/update_follow_waybill_goods',
    idempotent: false,
    doc: `${DOC}/express-msg/api_updatefollowwaybillgoods.html`,
    validate: validator(
      'logisticsService.updateFollowWaybillGoods',
      obj({ waybill_token: str(), goods_info: goods(true) }),
    ),
  }),
  /**
   * The carriers the logistics service recognises. (WxJava's updateWaybillGoods posts here by mistake.)
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/express-search/api_getdeliverylist.html
   */
  getDeliveryList: endpoint<void, GetDeliveryListResult>({
    ...post,
    path: '/cgi-bin/express/delivery/open_msg/get_delivery_list',
    idempotent: true,
    doc: `${DOC}/express-search/api_getdeliverylist.html`, // the body is `{}`, as the executor sends for no params
  }),
  /**
   * 退货组件: creates a return; the user books the pickup in the component.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/express-return/api_createreturnorder.html
   */
  createReturn: endpoint<CreateReturnParams, CreateReturnResult>({
    ...post,
    path: '/cgi-bin/express/delivery/return/add',
    idempotent: false,
    doc: `${DOC}/express-return/api_createreturnorder.html`,
    validate: validator(
      'logisticsService.createReturn',
      obj({
        shop_order_id: str(),
        biz_addr: address,
        user_addr: opt(address),
        openid: str(),
        order_path: str(),
        goods_list: arr(obj({ name: str(), url: str() }), { min: 1 }),
        order_price: num({ min: 0 }),
        wx_pay_id: str(),
      }),
    ),
  }),
  /**
   * A return's state and its waybill once the user booked the pickup.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/express-return/api_getreturnorder.html
   */
  getReturn: endpoint<ReturnIdParams, GetReturnResult>({
    ...post,
    path: '/cgi-bin/express/delivery/return/get',
    idempotent: true,
    doc: `${DOC}/express-return/api_getreturnorder.html`,
    validate: validator('logisticsService.getReturn', returnId),
  }),
  /**
   * Unbinds a return from the order (the user can no longer book it).
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/express-return/api_unbindreturnorder.html
   */
  unbindReturn: endpoint<ReturnIdParams, Envelope>({
    ...post,
    path: '/cgi-bin/express/delivery/return/unbind',
    idempotent: true, // sets an end state
    doc: `${DOC}/express-return/api_unbindreturnorder.html`,
    validate: validator('logisticsService.unbindReturn', returnId),
  }),
});
