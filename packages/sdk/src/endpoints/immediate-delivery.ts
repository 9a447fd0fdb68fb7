/**
 * Immediate delivery (即时配送), the merchant side: `/cgi-bin/express/local/business/*` (PROTOCOL §8).
 * Every endpoint is one entry; the shared behaviour lives in `carrierEndpoint`: POST + JSON,
 * `delivery_sign` computed from the client's carrier secrets, validation declared as data, and
 * the two-level error model (errcode ≠ 0 → ApiError; errcode 0 but resultcode ≠ 0 → DeliveryError).
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/immediate-delivery/deliver-by-business/api_addlocalorder.html
 */
import { type Endpoint, type Envelope, type WireContext, defineArea, endpoint } from '../core/endpoint.js';
import { DeliveryError, ValidationError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import { SANDBOX_SHOP, deliverySign } from '../crypto/delivery.js';
import { type Broken, type ObjectRule, type Schema, check, num, opt, str, yuan } from '../internal/schema.js';
import { type DeliveryId, type DeliveryOrder, ORDER_SCHEMA } from './immediate-delivery-order.js';
import type { OrderStatus } from './immediate-delivery-status.js';

export type * from './immediate-delivery-order.js';

/** The carrier's verdict, beside WeChat's errcode: 0 = success. */
export interface CarrierResult extends Envelope {
  resultcode: number;
  resultmsg: string;
}

/** Fees in yuan. `fee` = `deliverfee` − `couponfee`. */
export interface DeliveryFees {
  fee: number;
  deliverfee: number;
  couponfee: number;
  tips: number;
  /** Read from `insurancefee`, or from the doc's spelling `insurancfee`. */
  insurancefee: number;
  /** Metres. */
  distance: number;
  /** Seconds until a rider is expected to accept; 0 = unknown. */
  dispatch_duration: number;
}

export interface DeliveryPreAddOrderResult extends CarrierResult, DeliveryFees {
  /** DADA only: pass it to addOrder within 3 minutes. */
  delivery_token?: string;
}

export interface DeliveryAddOrderParams extends DeliveryOrder {
  /** From preAddOrder (DADA). */
  delivery_token?: string;
}

export interface DeliveryAddOrderResult extends CarrierResult, DeliveryFees {
  waybill_id: string;
  /** 101 after creation. */
  order_status: OrderStatus;
  /** 收货码, when `is_finish_code_needed` was 1. */
  finish_code?: number;
  /** 取货码, when `is_pickup_code_needed` was 1. */
  pickup_code?: number;
}

export interface GetAllImmeDeliveryResult extends CarrierResult {
  list: Array<{ delivery_id: DeliveryId; delivery_name: string }>;
}

export interface GetBindAccountResult extends CarrierResult {
  /** `audit_result`: 0 approved, 1 reviewing, 2 rejected. */
  shop_list: Array<{ shopid: string; delivery_id: DeliveryId; audit_result: 0 | 1 | 2 | (number & {}) }>;
}

export interface DeliveryBindAccountParams {
  delivery_id: DeliveryId;
}

/** Identifies an order; `delivery_sign` is computed when absent. */
export interface OrderRef {
  shopid: string;
  shop_order_id: string;
  /** Carrier store number (闪送 requires it). */
  shop_no?: string;
  delivery_sign?: string;
}

export interface AddTipParams extends OrderRef {
  waybill_id: string;
  /** Yuan; must exceed the previous tip (the latest tip replaces the previous one). */
  tips: number;
  remark?: string;
  /** In the legacy doc only; sent when given. */
  openid?: string;
}

/** 1 暂时不需要邮寄 · 2 价格不合适 · 3 订单信息有误，重新下单 · 4 骑手取货不及时 · 5 骑手配送不及时 · 6 其他原因 (then `cancel_reason`). */
export type CancelReasonId = 1 | 2 | 3 | 4 | 5 | 6;

export interface PreCancelOrderParams extends OrderRef {
  delivery_id: DeliveryId;
  waybill_id: string;
  cancel_reason_id?: CancelReasonId;
  cancel_reason?: string;
}

export interface DeliveryCancelOrderParams extends OrderRef {
  delivery_id: DeliveryId;
  /** Required by 顺丰同城. */
  waybill_id?: string;
  cancel_reason_id: CancelReasonId;
  /** Required when `cancel_reason_id` is 6. */
  cancel_reason?: string;
}

export interface CancelResult extends CarrierResult {
  /** Yuan (preCancelOrder: the estimated penalty). */
  deduct_fee: number;
  desc: string;
}

export interface AbnormalConfirmParams extends OrderRef {
  waybill_id: string;
  remark?: string;
}

export interface DeliveryGetOrderResult extends CarrierResult {
  order_status: OrderStatus;
  waybill_id: string;
  rider_name?: string;
  rider_phone?: string;
  /** While delivering. */
  rider_lng?: number;
  rider_lat?: number;
  /** Seconds remaining until arrival, while delivering (unlike the push's timestamp). */
  reach_time?: number;
}

export interface MockUpdateOrderParams {
  /** Must be `test_shop_id`. */
  shopid: string;
  shop_order_id: string;
  order_status: OrderStatus;
  /** Unix seconds (use a real timestamp). */
  action_time: number;
  action_msg?: string;
  waybill_id?: string;
  /** Not in the doc table; sent only when given. */
  delivery_sign?: string;
}

export interface RealMockUpdateOrderParams extends OrderRef {
  order_status: OrderStatus;
  action_time: number;
  action_msg?: string;
}

const BASE = '/cgi-bin/express/local/business';
const DOC = 'https://developers.weixin.qq.com/miniprogram/dev/server/API/immediate-delivery/deliver-by-business/';
const MONEY_KEYS = ['fee', 'deliverfee', 'couponfee', 'tips', 'insurancefee', 'deduct_fee'];
const NUMBER_KEYS = ['distance', 'dispatch_duration', 'order_status', 'reach_time', 'rider_lng', 'rider_lat'];

/** The client's carrier secrets plus the sandbox's; registered for redaction. */
export function deliverySecrets(option: { secrets?: Record<string, string> } | undefined): Record<string, string> {
  const secrets: Record<string, string> = { [SANDBOX_SHOP.shopid]: SANDBOX_SHOP.secret };
  for (const [shopid, secret] of Object.entries(option?.secrets ?? {})) {
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new ValidationError(`delivery.secrets["${shopid}"] must be a non-empty string`, {
        field: 'delivery.secrets',
      });
    }
    registerSecret(secret);
    secrets[shopid] = secret;
  }
  return secrets;
}

/** Adds `delivery_sign` unless the caller gave one; no secret for the shopid → ValidationError. */
function withSign(api: string, p: Record<string, any>, ctx: WireContext): Record<string, unknown> {
  if (typeof p.delivery_sign === 'string' && p.delivery_sign) return p;
  const secret = Object.hasOwn(ctx.deliverySecrets, p.shopid) ? ctx.deliverySecrets[p.shopid] : undefined;
  if (!secret) {
    throw new ValidationError(
      `no carrier secret for shopid "${p.shopid}": pass delivery_sign, or configure new MiniApp({ delivery: { secrets: { "${p.shopid}": "…" } } })`,
      { api, field: 'delivery_sign' },
    );
  }
  return { ...p, delivery_sign: deliverySign({ shopid: p.shopid, shop_order_id: p.shop_order_id, secret }) };
}

/** Lenient decoding: numeric strings → numbers, `insurancfee`/`couponFee` → canonical keys; resultcode ≠ 0 → DeliveryError. */
export function decodeCarrierBody(api: string, body: Record<string, any>): any {
  if (body.insurancefee === undefined && body.insurancfee !== undefined) body.insurancefee = body.insurancfee;
  if (body.couponfee === undefined && body.couponFee !== undefined) body.couponfee = body.couponFee;
  for (const k of [...MONEY_KEYS, ...NUMBER_KEYS, 'resultcode']) {
    const v = body[k];
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) body[k] = Number(v);
  }
  const code = body.resultcode ?? 0;
  if (code !== 0) {
    throw new DeliveryError({
      errcode: body.errcode ?? 0,
      errmsg: String(body.errmsg ?? ''),
      api,
      resultcode: typeof code === 'number' ? code : Number.NaN,
      resultmsg: String(body.resultmsg ?? ''),
      body,
    });
  }
  return body;
}

interface CarrierSpec {
  path: string;
  /** The doc page's file name. */
  page: string;
  idempotent: boolean;
  /** Field rules of the body (and an optional cross-field check). */
  rule: Pick<ObjectRule, 'fields' | 'rules'>;
  /** Computes `delivery_sign`. @default true */
  sign?: boolean;
}

/** One endpoint of this family: POST + JSON with access_token, validated, signed, two-level errors. */
function carrierEndpoint<P, R>(spec: CarrierSpec): Endpoint<P, R> {
  const ep: Endpoint<P, R> = endpoint<P, R>({
    method: 'POST',
    path: `${BASE}${spec.path}`,
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: spec.idempotent,
    doc: `${DOC}${spec.page}.html`,
    validate: (p) => check(ep.name, spec.rule, p ?? {}),
    wire: spec.sign === false ? undefined : (p, ctx) => withSign(ep.name, p as Record<string, any>, ctx),
    decode: (body) => decodeCarrierBody(ep.name, body),
  });
  return ep;
}

const REF: Schema = {
  shopid: str(),
  shop_order_id: str(),
  shop_no: opt(str({ nonEmpty: false })),
  delivery_sign: opt(str()),
};
const REASON = num({ values: [1, 2, 3, 4, 5, 6] });
const reasonText = (p: Record<string, any>): Broken | undefined =>
  p.cancel_reason_id === 6 && !p.cancel_reason
    ? ['cancel_reason', 'is required when cancel_reason_id is 6 (其他原因)']
    : undefined;
const STATUS_UPDATE: Schema = {
  order_status: num(),
  action_time: num({ min: 0 }),
  action_msg: opt(str()),
};
const NONE = { fields: {} };

export const immediateDelivery = defineArea('immediateDelivery', {
  /** The carriers available to this mini program (`list[{delivery_id, delivery_name}]`). */
  getAllImmeDelivery: carrierEndpoint<void, GetAllImmeDeliveryResult>({
    path: '/delivery/getall',
    page: 'api_getallimmedelivery',
    idempotent: true,
    rule: NONE,
    sign: false,
  }),
  /** Carrier accounts bound to this mini program, with their audit state. */
  getBindAccount: carrierEndpoint<void, GetBindAccountResult>({
    path: '/shop/get',
    page: 'api_getbindaccount',
    idempotent: true,
    rule: NONE,
    sign: false,
  }),
  /** Binds a carrier account (third-party platforms only). */
  bindAccount: carrierEndpoint<DeliveryBindAccountParams, CarrierResult>({
    path: '/shop/add',
    page: 'api_bindlocalaccount',
    idempotent: false,
    rule: { fields: { delivery_id: str() } },
    sign: false,
  }),
  /** Opens immediate delivery for the mini program (third-party platforms only). */
  openDelivery: carrierEndpoint<void, CarrierResult>({
    path: '/open',
    page: 'api_opendelivery',
    idempotent: false,
    rule: NONE,
    sign: false,
  }),
  /** A quote (fees, distance, dispatch time) without creating the order. */
  preAddOrder: carrierEndpoint<DeliveryOrder, DeliveryPreAddOrderResult>({
    path: '/order/pre_add',
    page: 'api_preaddorder',
    idempotent: true, // a quote changes nothing
    rule: { fields: ORDER_SCHEMA },
  }),
  /** Creates the delivery order (order_status 101). Never retried once sent. */
  addOrder: carrierEndpoint<DeliveryAddOrderParams, DeliveryAddOrderResult>({
    path: '/order/add',
    page: 'api_addlocalorder',
    idempotent: false,
    rule: { fields: ORDER_SCHEMA },
  }),
  /** Places again an order that was cancelled, expired or failed, with the same shop_order_id. */
  reOrder: carrierEndpoint<DeliveryAddOrderParams, DeliveryAddOrderResult>({
    path: '/order/readd',
    page: 'api_reorder',
    idempotent: false,
    rule: { fields: ORDER_SCHEMA },
  }),
  /** Raises the tip of an order awaiting a rider; each tip must exceed the previous one. */
  addTip: carrierEndpoint<AddTipParams, CarrierResult>({
    path: '/order/addtips',
    page: 'api_addtips',
    idempotent: false,
    rule: {
      fields: {
        ...REF,
        waybill_id: str(),
        tips: yuan({ gt: 0 }),
        remark: opt(str()),
        openid: opt(str()),
      },
    },
  }),
  /** The penalty cancelling now would cost (`deduct_fee`), without cancelling. */
  preCancelOrder: carrierEndpoint<PreCancelOrderParams, CancelResult>({
    path: '/order/precancel',
    page: 'api_precancelorder',
    idempotent: true, // an estimate changes nothing
    rule: {
      fields: {
        ...REF,
        delivery_id: str(),
        waybill_id: str(),
        cancel_reason_id: opt(REASON),
        cancel_reason: opt(str()),
      },
      rules: [reasonText],
    },
  }),
  /** Cancels the order (`deduct_fee` by stage). Never retried once sent. */
  cancelOrder: carrierEndpoint<DeliveryCancelOrderParams, CancelResult>({
    path: '/order/cancel',
    page: 'api_cancellocalorder',
    idempotent: false,
    rule: {
      fields: {
        ...REF,
        delivery_id: str(),
        waybill_id: opt(str()),
        cancel_reason_id: REASON,
        cancel_reason: opt(str()),
      },
      rules: [reasonText],
    },
  }),
  /** Confirms goods returned to the merchant after 303/304/305. */
  abnormalConfirm: carrierEndpoint<AbnormalConfirmParams, CarrierResult>({
    path: '/order/confirm_return',
    page: 'api_abnormalconfirm',
    idempotent: false,
    rule: { fields: { ...REF, waybill_id: str(), remark: opt(str()) } },
  }),
  /** The order's status, rider and (while delivering) position and seconds to arrival. */
  getOrder: carrierEndpoint<OrderRef, DeliveryGetOrderResult>({
    path: '/order/get',
    page: 'api_getlocalorder',
    idempotent: true,
    rule: { fields: REF },
  }),
  /** Sandbox only (`shopid: test_shop_id`): sets a test order's status. */
  mockUpdateOrder: carrierEndpoint<MockUpdateOrderParams, CarrierResult>({
    path: '/test_update_order',
    page: 'api_mockupdateorder',
    idempotent: false, // each call moves the order and pushes
    rule: { fields: { ...REF, ...STATUS_UPDATE, waybill_id: opt(str()) } },
    sign: false, // not in the doc table; an explicit delivery_sign is sent as given
  }),
  /** Carrier test environments (顺丰同城, 达达): sets a test order's status there. */
  realMockUpdateOrder: carrierEndpoint<RealMockUpdateOrderParams, CarrierResult>({
    path: '/realmock_update_order',
    page: 'api_realmockupdateorder',
    idempotent: false,
    rule: { fields: { ...REF, ...STATUS_UPDATE } },
  }),
});
