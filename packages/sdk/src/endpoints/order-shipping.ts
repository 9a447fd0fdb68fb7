/**
 * Shipping-information management (小程序发货信息管理服务, `/wxa/sec/order/*`, PROTOCOL.md §17): a
 * trade-managed mini program's funds stay frozen until it uploads shipping and the buyer confirms
 * receipt. Two naming schemes: the upload APIs take `order_key{mchid, out_trade_no | transaction_id}`,
 * getOrder / notifyConfirmReceive / the pushes use `merchant_id` / `merchant_trade_no`.
 * @see https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/business-capabilities/order-shipping/order-shipping.html
 */
import { type CallOptions, type EndpointMethod, type Envelope, defineArea, endpoint } from '../core/endpoint.js';
import { ApiError } from '../core/errors.js';
import { sleep } from '../core/retry.js';
import { num, obj, opt, str, validator } from '../internal/schema.js';
import { checkParams, fail, isObject, optionalString, requireObject, requireString } from '../internal/validate.js';

/** `order_key.order_number_type`. */
export const OrderNumberType = {
  /** 商户侧单号: `mchid` + `out_trade_no`. */
  MERCHANT: 1,
  /** 微信支付单号: `transaction_id`. */
  TRANSACTION: 2,
} as const;

/** `logistics_type`. */
export const LogisticsType = {
  /** 实体物流 (express): needs tracking_no + express_company. */
  EXPRESS: 1,
  /** 同城配送 */
  INTRACITY: 2,
  /** 虚拟商品 */
  VIRTUAL: 3,
  /** 用户自提 */
  SELF_PICKUP: 4,
} as const;
export type LogisticsTypeValue = (typeof LogisticsType)[keyof typeof LogisticsType];

/** `delivery_mode` (send the number, not the doc's "UNIFIED_DELIVERY" text). */
export const DeliveryMode = {
  /** 统一发货: exactly one package. */
  UNIFIED: 1,
  /** 分拆发货: express only; `is_all_delivered` required. */
  SPLIT: 2,
} as const;
export type DeliveryModeValue = (typeof DeliveryMode)[keyof typeof DeliveryMode];

/** `order_state`. */
export const OrderState = {
  PENDING_SHIPMENT: 1,
  SHIPPED: 2,
  RECEIVED: 3,
  COMPLETED: 4,
  REFUNDED: 5,
  PENDING_SETTLEMENT: 6,
} as const;

/** opSpecialOrder `type`. */
export const SpecialOrderType = {
  /** 预售商品订单: ships 15–330 days after payment; `delay_to` required. */
  PRESALE: 1,
  /** 测试订单: no shipping needed, refunded automatically. */
  TEST: 2,
} as const;

/**
 * `confirm_receive_method` of the settlement push as documented. Reported reversed in production
 * (PROTOCOL §17.5): do not drive logic with it; read `order_state` from getOrder instead.
 */
export const ConfirmReceiveMethod = { AUTO: 1, MANUAL: 2 } as const;

/** Packages per payment (`shipping_list` 1–15; the 2023 doc said 10). */
export const MAX_SHIPPING_PACKAGES = 15;
/** `item_desc`: "限120个字以内". */
export const ITEM_DESC_MAX_CHARS = 120;
/** `tracking_no` / `express_company`: 1–128 bytes. */
const MAX_FIELD_BYTES = 128;
/** Backoff of `retryOrderNotFound: true`: the order reaches the system up to a minute after payment. */
export const ORDER_NOT_FOUND_RETRY_DELAYS_MS: readonly number[] = [5_000, 15_000, 60_000];
/** 支付单不存在. */
const ORDER_NOT_FOUND = 10060001;

/** The upload APIs' order id: merchant number + trade number, or the WeChat Pay transaction id. */
export type OrderKey =
  | { order_number_type: 1; mchid: string; out_trade_no: string; transaction_id?: never }
  | { order_number_type: 2; transaction_id: string; mchid?: never; out_trade_no?: never };

/** Masked phone numbers; "the last four digits must not be masked" (`189****1234`). */
export interface ShippingContact {
  consignor_contact?: string;
  receiver_contact?: string;
}

/** One package. */
export interface ShippingItem {
  /** Express: required, 1–128 bytes. */
  tracking_no?: string;
  /** Express: required, a `delivery_id` such as `SF`, `YTO`, `ZTO` (not the Chinese name). */
  express_company?: string;
  /** Required, ≤ 120 characters. */
  item_desc: string;
  /** Required when `express_company` is `SF` (either number). */
  contact?: ShippingContact;
}

/** What a shipment says about one payment (shared by the plain and combined uploads). */
export interface ShipmentInfo {
  logistics_type: LogisticsTypeValue;
  delivery_mode: DeliveryModeValue;
  /** Split mode: required (`true` completes the shipping). */
  is_all_delivered?: boolean;
  /** 1–15 packages; exactly one in unified mode. */
  shipping_list: ShippingItem[];
}

/** A `Date` (sent as `YYYY-MM-DDTHH:mm:ss.SSS+08:00`) or an RFC 3339 string. */
export type UploadTime = Date | string;

export interface UploadShippingInfoParams extends ShipmentInfo {
  order_key: OrderKey;
  /** Must be later than the previous upload's. */
  upload_time: UploadTime;
  /** The payer. */
  payer: { openid: string };
}

export interface CombinedSubOrder extends ShipmentInfo {
  /** Same `order_number_type` as the combined order's key. */
  order_key: OrderKey;
}

export interface UploadCombinedShippingInfoParams {
  /** The combined (合单) payment. */
  order_key: OrderKey;
  sub_orders: CombinedSubOrder[];
  upload_time: UploadTime;
  payer: { openid: string };
}

/** getOrder / notifyConfirmReceive id: `transaction_id`, or `merchant_id` + `merchant_trade_no`. */
export type OrderQuery =
  | { transaction_id: string; merchant_id?: string; sub_merchant_id?: string; merchant_trade_no?: string }
  | { transaction_id?: never; merchant_id: string; sub_merchant_id?: string; merchant_trade_no: string };

/** One package as getOrder reports it. */
export interface ShippedPackage {
  tracking_no?: string;
  express_company?: string;
  goods_desc?: string;
  /** Unix seconds (a number here, an RFC 3339 string on upload). */
  upload_time?: number;
  contact?: ShippingContact;
}

export interface OrderShipping {
  delivery_mode?: DeliveryModeValue;
  logistics_type?: LogisticsTypeValue;
  finish_shipping?: boolean;
  goods_desc?: string;
  /** 0 not shipped, 1 shipped, 2 re-shipped. */
  finish_shipping_count?: number;
  shipping_list?: ShippedPackage[];
}

/** An order of the shipping system. Unshipped orders carry `shipping: {}`. */
export interface ShippingOrder {
  transaction_id: string;
  merchant_id: string;
  sub_merchant_id?: string;
  merchant_trade_no: string;
  /** Item descriptions joined by ";", cut at 120 characters. */
  description?: string;
  /** 分. */
  paid_amount: number;
  openid: string;
  trade_create_time?: number;
  /** Unix seconds. */
  pay_time: number;
  /** See {@link OrderState}; unknown values are kept. */
  order_state: number;
  in_complaint?: boolean;
  shipping: OrderShipping;
}

export interface ShippingGetOrderResult extends Envelope {
  order: ShippingOrder;
}

export interface GetOrderListParams {
  /** Unix seconds; `end_time` is inclusive. */
  pay_time_range?: { begin_time?: number; end_time?: number };
  order_state?: number;
  openid?: string;
  /** From the previous page. */
  last_index?: string;
  /** @default 100 (WeChat's) */
  page_size?: number;
}
export interface GetOrderListResult extends Envelope {
  order_list: ShippingOrder[];
  last_index: string;
  has_more: boolean;
}

export type NotifyConfirmReceiveParams = OrderQuery & {
  /** Unix seconds the parcel was signed for; after the shipping time. */
  received_time: number;
};

export interface SetMsgJumpPathParams {
  /** Page opened from the confirm-receipt message; WeChat appends the order ids to its query. */
  path: string;
}

export interface AppidParams {
  /** The mini program's appid (only your own, unless you are a service provider). */
  appid: string;
}
export interface IsTradeManagedResult extends Envelope {
  is_trade_managed: boolean;
}
export interface IsTradeManagementConfirmationCompletedResult extends Envelope {
  completed: boolean;
}

export interface OpSpecialOrderParams {
  /** WeChat Pay transaction id or merchant trade number. */
  order_id: string;
  /** {@link SpecialOrderType}. */
  type: 1 | 2;
  /** Presale: Unix seconds, 15–330 days after payment. */
  delay_to?: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** RFC 3339 in China time with milliseconds, as WeChat's examples write it. */
export function formatUploadTime(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600_000);
  return (
    `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T` +
    `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}.${pad(t.getUTCMilliseconds(), 3)}+08:00`
  );
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function uploadTimeWire(api: string, v: unknown): string {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) fail(api, 'upload_time', '`upload_time` is an invalid Date');
    return formatUploadTime(v);
  }
  if (typeof v !== 'string' || !RFC3339.test(v) || Number.isNaN(Date.parse(v))) {
    fail(api, 'upload_time', '`upload_time` must be a Date or an RFC 3339 string (2022-12-15T13:29:35.120+08:00)');
  }
  return v;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function checkOrderKey(api: string, obj: unknown, path: string): OrderKey {
  const k = requireObject(api, obj, 'order_key', path);
  if (k.order_number_type === 1) {
    requireString(api, k, 'mchid', `${path}.mchid`);
    requireString(api, k, 'out_trade_no', `${path}.out_trade_no`);
    if (k.transaction_id !== undefined)
      fail(api, `${path}.transaction_id`, 'type 1 keys carry mchid + out_trade_no only');
  } else if (k.order_number_type === 2) {
    requireString(api, k, 'transaction_id', `${path}.transaction_id`);
    if (k.mchid !== undefined || k.out_trade_no !== undefined) {
      fail(api, `${path}.mchid`, 'type 2 keys carry transaction_id only');
    }
  } else {
    fail(
      api,
      `${path}.order_number_type`,
      '`order_number_type` must be 1 (mchid + out_trade_no) or 2 (transaction_id)',
    );
  }
  return k as OrderKey;
}

/** "The last four digits must not be masked": the text ends in four digits. */
const UNMASKED_TAIL = /\d{4}$/;

function checkItem(api: string, item: unknown, path: string, express: boolean): void {
  if (!isObject(item)) fail(api, path, `\`${path}\` must be an object`);
  requireString(api, item, 'item_desc', `${path}.item_desc`);
  if ([...item.item_desc].length > ITEM_DESC_MAX_CHARS) {
    fail(api, `${path}.item_desc`, `\`${path}.item_desc\` is longer than ${ITEM_DESC_MAX_CHARS} characters`);
  }
  for (const f of ['tracking_no', 'express_company']) {
    if (express) requireString(api, item, f, `${path}.${f}`);
    else optionalString(api, item, f, `${path}.${f}`);
    if (typeof item[f] === 'string' && bytes(item[f]) > MAX_FIELD_BYTES) {
      fail(api, `${path}.${f}`, `\`${path}.${f}\` is longer than ${MAX_FIELD_BYTES} bytes`);
    }
  }
  const contact = item.contact;
  if (contact !== undefined && !isObject(contact)) fail(api, `${path}.contact`, '`contact` must be an object');
  for (const f of ['consignor_contact', 'receiver_contact']) {
    const v = contact?.[f];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !UNMASKED_TAIL.test(v) || bytes(v) > 1024) {
      fail(api, `${path}.contact.${f}`, `\`${path}.contact.${f}\` must end in four unmasked digits (189****1234)`);
    }
  }
  if (item.express_company === 'SF' && !contact?.consignor_contact && !contact?.receiver_contact) {
    fail(api, `${path}.contact`, 'SF (顺丰) needs `contact.consignor_contact` or `contact.receiver_contact`');
  }
}

function checkShipment(api: string, s: Record<string, any>, path: string): void {
  const at = (f: string) => (path ? `${path}.${f}` : f);
  if (![1, 2, 3, 4].includes(s.logistics_type))
    fail(api, at('logistics_type'), '`logistics_type` must be 1–4 (LogisticsType)');
  if (s.delivery_mode !== 1 && s.delivery_mode !== 2) {
    fail(api, at('delivery_mode'), '`delivery_mode` must be 1 (unified) or 2 (split) (DeliveryMode)');
  }
  const express = s.logistics_type === 1;
  if (s.delivery_mode === 2) {
    if (!express) fail(api, at('delivery_mode'), 'split delivery is for express (logistics_type 1) only');
    if (typeof s.is_all_delivered !== 'boolean') {
      fail(api, at('is_all_delivered'), 'split delivery needs `is_all_delivered` (boolean)');
    }
  } else if (s.is_all_delivered !== undefined && typeof s.is_all_delivered !== 'boolean') {
    fail(api, at('is_all_delivered'), '`is_all_delivered` must be a boolean');
  }
  const list = s.shipping_list;
  if (!Array.isArray(list) || list.length < 1 || list.length > MAX_SHIPPING_PACKAGES) {
    fail(api, at('shipping_list'), `\`shipping_list\` must hold 1–${MAX_SHIPPING_PACKAGES} packages`);
  }
  if (s.delivery_mode === 1 && list.length !== 1) {
    fail(api, at('shipping_list'), 'unified delivery (delivery_mode 1) takes exactly one package');
  }
  for (const [i, item] of list.entries()) checkItem(api, item, at(`shipping_list[${i}]`), express);
}

function checkPayer(api: string, p: Record<string, any>): void {
  requireString(api, requireObject(api, p, 'payer'), 'openid', 'payer.openid');
}

function checkOrderQuery(api: string, p: Record<string, any>): void {
  if (p.transaction_id !== undefined) requireString(api, p, 'transaction_id');
  else {
    if (p.merchant_id === undefined && p.merchant_trade_no === undefined) {
      fail(api, 'transaction_id', 'pass transaction_id, or merchant_id + merchant_trade_no');
    }
    requireString(api, p, 'merchant_id');
    requireString(api, p, 'merchant_trade_no');
  }
  optionalString(api, p, 'sub_merchant_id');
}

/** Unix seconds. */
const unixSeconds = num({ min: 0, max: 0xffffffff });
const listOrders = validator<GetOrderListParams>(
  'orderShipping.getOrderList',
  obj({
    pay_time_range: opt(obj({ begin_time: opt(unixSeconds), end_time: opt(unixSeconds) })),
    order_state: opt(num()),
    openid: opt(str()),
    last_index: opt(str()),
    page_size: opt(num({ min: 1 })),
  }),
);
const confirmReceive = validator<NotifyConfirmReceiveParams>(
  'orderShipping.notifyConfirmReceive',
  obj({ received_time: unixSeconds }),
);

/** Shared by both upload APIs: the opt-in 10060001 retry. */
async function retryOrderNotFound<R>(attempt: () => Promise<R>, options?: CallOptions): Promise<R> {
  const opt = options?.retryOrderNotFound;
  const delays = !opt
    ? []
    : opt === true
      ? ORDER_NOT_FOUND_RETRY_DELAYS_MS
      : (opt.delaysMs ?? ORDER_NOT_FOUND_RETRY_DELAYS_MS);
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      // Only "the payment is not in the system yet": nothing was recorded, so a retry cannot ship twice.
      if (!(err instanceof ApiError) || err.errcode !== ORDER_NOT_FOUND || i >= delays.length) throw err;
      await sleep(delays[i] as number, options?.signal);
    }
  }
}

/** Lenient: `shipping` is always an object (`{}` before shipping). */
function decodeOrder(o: any): ShippingOrder {
  return { ...o, shipping: isObject(o?.shipping) ? o.shipping : {} };
}

const sec = (page: string) => `https://developers.weixin.qq.com/miniprogram/dev/server/API/order_shipping/${page}.html`;

export const orderShipping = defineArea('orderShipping', {
  /**
   * Uploads (or, once, corrects) the shipping of one payment. Pass `{ retryOrderNotFound: true }`
   * as the call option right after payment: 10060001 is then retried after 5 s, 15 s and 60 s.
   */
  uploadShippingInfo: endpoint<UploadShippingInfoParams, Envelope>({
    method: 'POST',
    path: '/wxa/sec/order/upload_shipping_info',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: false, // a second upload spends the one re-shipping chance
    doc: sec('api_uploadshippinginfo'),
    validate: (p) => {
      const api = 'orderShipping.uploadShippingInfo';
      checkParams(api, p);
      checkOrderKey(api, p, 'order_key');
      checkShipment(api, p, '');
      uploadTimeWire(api, p.upload_time);
      checkPayer(api, p);
    },
    wire: (p) => ({ ...p, upload_time: uploadTimeWire('orderShipping.uploadShippingInfo', p.upload_time) }),
    around: retryOrderNotFound,
  }),
  /** Uploads the shipping of a combined payment (合单) and its sub-orders. Same retry option. */
  uploadCombinedShippingInfo: endpoint<UploadCombinedShippingInfoParams, Envelope>({
    method: 'POST',
    path: '/wxa/sec/order/upload_combined_shipping_info',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: false,
    doc: sec('api_uploadcombinedshippinginfo'),
    validate: (p) => {
      const api = 'orderShipping.uploadCombinedShippingInfo';
      checkParams(api, p);
      const main = checkOrderKey(api, p, 'order_key');
      if (!Array.isArray(p.sub_orders) || p.sub_orders.length === 0) {
        fail(api, 'sub_orders', '`sub_orders` must be a non-empty array');
      }
      p.sub_orders.forEach((s: unknown, i: number) => {
        const path = `sub_orders[${i}]`;
        if (!isObject(s)) fail(api, path, `\`${path}\` must be an object`);
        const key = checkOrderKey(api, s, `${path}.order_key`);
        if (key.order_number_type !== main.order_number_type) {
          fail(api, `${path}.order_key.order_number_type`, 'sub-orders use the combined order key type');
        }
        checkShipment(api, s, path);
      });
      uploadTimeWire(api, p.upload_time);
      checkPayer(api, p);
    },
    wire: (p) => ({ ...p, upload_time: uploadTimeWire('orderShipping.uploadCombinedShippingInfo', p.upload_time) }),
    around: retryOrderNotFound,
  }),
  /** An order's shipping state (10060001 until the payment has reached the system). */
  getOrder: endpoint<OrderQuery, ShippingGetOrderResult>({
    method: 'POST',
    path: '/wxa/sec/order/get_order',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: true,
    doc: sec('api_getorder'),
    validate: (p) => {
      checkParams('orderShipping.getOrder', p);
      checkOrderQuery('orderShipping.getOrder', p);
    },
    decode: (r) => ({ ...r, order: decodeOrder(r.order) }),
  }),
  /** One page of orders; `app.orderShipping.iterateOrders()` follows `last_index` for you. */
  getOrderList: endpoint<GetOrderListParams, GetOrderListResult>({
    method: 'POST',
    path: '/wxa/sec/order/get_order_list',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: true,
    doc: sec('api_getorderlist'),
    validate: (p) => {
      if (p !== undefined) listOrders(p);
    },
    decode: (r) => {
      // The doc's table types order_list as an object; the example (and WeChat) send an array.
      const list = Array.isArray(r.order_list) ? r.order_list : r.order_list ? [r.order_list] : [];
      return {
        ...r,
        order_list: list.map(decodeOrder),
        last_index: String(r.last_index ?? ''),
        has_more: !!r.has_more,
      };
    },
  }),
  /** Reminds the buyer to confirm receipt (express orders, once per order, after shipping). */
  notifyConfirmReceive: endpoint<NotifyConfirmReceiveParams, Envelope>({
    method: 'POST',
    path: '/wxa/sec/order/notify_confirm_receive',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: false, // once per order: a replay answers 10060030
    doc: sec('api_notifyconfirmreceive'),
    validate: (p) => {
      const api = 'orderShipping.notifyConfirmReceive';
      checkParams(api, p);
      checkOrderQuery(api, p);
      confirmReceive(p);
    },
  }),
  /** Sets the page the confirm-receipt message opens. */
  setMsgJumpPath: endpoint<SetMsgJumpPathParams, Envelope>({
    method: 'POST',
    path: '/wxa/sec/order/set_msg_jump_path',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: true,
    doc: sec('api_setmsgjumppath'),
    validate: validator('orderShipping.setMsgJumpPath', obj({ path: str({ nonEmpty: false }) })),
  }),
  /** Whether the app is trade-managed (must upload shipping before funds settle). */
  isTradeManaged: endpoint<AppidParams, IsTradeManagedResult>({
    method: 'POST',
    path: '/wxa/sec/order/is_trade_managed',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: true,
    doc: sec('api_istrademanaged'),
    validate: (p) => requireString('orderShipping.isTradeManaged', p, 'appid'),
  }),
  /** Whether the app has completed the trade-settlement-management confirmation. */
  isTradeManagementConfirmationCompleted: endpoint<AppidParams, IsTradeManagementConfirmationCompletedResult>({
    method: 'POST',
    path: '/wxa/sec/order/is_trade_management_confirmation_completed',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: true,
    doc: sec('api_istrademanagementconfirmationcompleted'),
    validate: (p) => requireString('orderShipping.isTradeManagementConfirmationCompleted', p, 'appid'),
  }),
  /** Reports a presale order (ships 15–330 days after payment) or a test order (refunded automatically). */
  opSpecialOrder: endpoint<OpSpecialOrderParams, Envelope>({
    method: 'POST',
    path: '/wxa/sec/order/opspecialorder',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: true,
    doc: sec('api_opspecialorder'),
    validate: validator(
      'orderShipping.opSpecialOrder',
      obj(
        { order_id: str(), type: num({ values: [1, 2] }), delay_to: opt(unixSeconds) },
        {
          rules: [
            (p) =>
              p.type === 1 && p.delay_to == null ? ['delay_to', 'is required for a presale (type 1)'] : undefined,
          ],
        },
      ),
    ),
  }),
});

/**
 * Helpers on `app.orderShipping` built on the table's methods.
 * `iterateOrders(params)`: every order matching `params`, page after page (follows `last_index`).
 */
export const orderShippingHelpers = {
  iterateOrders:
    (m: { getOrderList: EndpointMethod<GetOrderListParams, GetOrderListResult> }) =>
    (params: Omit<GetOrderListParams, 'last_index'> = {}, options?: CallOptions): AsyncIterable<ShippingOrder> => ({
      async *[Symbol.asyncIterator]() {
        let last_index: string | undefined;
        for (;;) {
          const page = await m.getOrderList(last_index ? { ...params, last_index } : params, options);
          yield* page.order_list;
          // A repeated cursor would loop forever: stop.
          if (!page.has_more || !page.last_index || page.last_index === last_index) return;
          last_index = page.last_index;
        }
      },
    }),
};
