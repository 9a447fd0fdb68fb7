/**
 * 同城配送 (intracity delivery, PROTOCOL §8.10): stores with a prepaid balance per carrier, quotes,
 * orders and their callbacks. Not 即时配送 (`/cgi-bin/express/local/business/*`). Every call must be
 * encrypted and signed (服务端API签名, `apiSecurity`): WeChat answers 934011 otherwise, even with
 * API加密 switched off. Amounts are in fen (分); `wx_order_id` exceeds 2^53 and is always a string.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/same_city_distribution/api_intracity_addorder.html
 */
import { type Envelope, defineArea, endpoint } from '../core/endpoint.js';
import { ValidationError } from '../core/errors.js';
import { type Shape, checkShape } from '../internal/shape.js';

const DOC = 'https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/same_city_distribution/';
const doc = (name: string) => `${DOC}api_intracity_${name}.html`;

/** Carriers (运力): 达达 and 顺丰同城. */
export const INTRACITY_CARRIERS = ['DADA', 'SFTC'] as const;
export type IntracityCarrier = (typeof INTRACITY_CARRIERS)[number] | (string & {});

/** How freight is paid: from the store's balance, the app's, or a service provider's component. */
export const INTRACITY_PAY_MODES = ['PAY_MODE_STORE', 'PAY_MODE_APP', 'PAY_MODE_COMPONENT'] as const;
export type IntracityPayMode = (typeof INTRACITY_PAY_MODES)[number] | (string & {});

/** `order_status` / `delivery_status` values (PROTOCOL §8.10). Unknown values pass through as numbers. */
export const IntracityOrderStatus = {
  /** 订单创建成功 */
  CREATED: 10000,
  /** 商家取消订单 */
  CANCELLED_BY_STORE: 20000,
  /** 配送方取消订单 */
  CANCELLED_BY_CARRIER: 20001,
  /** 配送员接单 */
  ACCEPTED: 30000,
  /** 配送员到店 */
  ARRIVED_AT_STORE: 40000,
  /** 配送中 */
  DELIVERING: 50000,
  /** 配送员撤单 */
  WITHDRAWN_BY_RIDER: 60000,
  /** 配送完成 */
  DELIVERED: 70000,
  /** 配送异常 */
  EXCEPTION: 90000,
} as const;
export type IntracityOrderStatusCode = (typeof IntracityOrderStatus)[keyof typeof IntracityOrderStatus] | (number & {});

/** `cargo_type` values. */
export const IntracityCargoType = {
  FAST_FOOD: 1,
  MEDICINE: 2,
  GROCERIES: 3,
  FRESH: 6,
  LIQUOR: 8,
  DOCUMENTS: 12,
  CAKE: 13,
  FLOWERS: 14,
  DIGITAL: 15,
  CLOTHING: 16,
  AUTO_PARTS: 17,
  JEWELLERY: 18,
  DRINKS: 32,
  CERTIFICATES: 36,
  PET_SUPPLIES: 55,
  MATERNITY: 56,
  BEAUTY: 57,
  HOME: 58,
  OTHER: 99,
} as const;

/** `flow_type` of queryFlow: 1 充值, 2 消费, 3 退款. */
export const IntracityFlowType = { CHARGE: 1, CONSUME: 2, REFUND: 3 } as const;

/** `cancel_reason_id`: 1 不需要了, 2 信息填错, 3 无人接单, 99 其他. */
export const IntracityCancelReason = { NOT_NEEDED: 1, WRONG_INFO: 2, NO_RIDER: 3, OTHER: 99 } as const;

export interface IntracityAddress {
  province: string;
  city: string;
  area: string;
  street?: string;
  house: string;
  /** Latitude (GCJ-02, as WeChat maps). */
  lat: number;
  lng: number;
  phone: string;
}

export interface CreateStoreParams {
  /** Your own store id (unique per app; a repeat answers 934010). */
  out_store_id: string;
  store_name: string;
  /** 1 价格优先 (default), 2 运力优先 (needs `service_trans_prefer`). */
  order_pattern?: 1 | 2;
  service_trans_prefer?: IntracityCarrier;
  address_info: IntracityAddress;
}
export interface CreateStoreResult extends Envelope {
  wx_store_id: string;
  appid: string;
  out_store_id: string;
}

/** Either store key (neither = every store). */
export interface StoreKey {
  wx_store_id?: string;
  out_store_id?: string;
}
export interface IntracityStore {
  wx_store_id: string;
  out_store_id: string;
  city_id: string | number;
  order_pattern: number;
  service_trans_prefer?: string;
  address_info: IntracityAddress;
  store_name?: string;
}
export interface QueryStoreResult extends Envelope {
  store_list: IntracityStore[];
  total: number;
  appid: string;
}

export interface UpdateStoreParams {
  keys: StoreKey;
  content: Partial<Pick<CreateStoreParams, 'store_name' | 'order_pattern' | 'service_trans_prefer' | 'address_info'>>;
}

export interface StoreChargeParams {
  /** Required with PAY_MODE_STORE (the default). */
  wx_store_id?: string;
  service_trans_id: IntracityCarrier;
  /** 分, at least 5000 (50 元). */
  amount: number;
  pay_mode?: IntracityPayMode;
}
export interface StoreChargeResult extends Envelope {
  /** Where the merchant pays the charge. */
  payurl: string;
  appid: string;
  wx_store_id: string;
}

export interface StoreRefundParams {
  wx_store_id?: string;
  pay_mode?: IntracityPayMode;
  service_trans_id: IntracityCarrier;
}
export interface StoreRefundResult extends Envelope {
  appid: string;
  wx_store_id: string;
  /** 分. */
  refund_amount: number;
}

export interface QueryFlowParams {
  wx_store_id: string;
  /** 1 充值, 2 消费, 3 退款. */
  flow_type: 1 | 2 | 3;
  service_trans_id?: IntracityCarrier;
  /** Unix seconds; default the last 90 days. */
  begin_time?: number;
  end_time?: number;
  pay_mode?: IntracityPayMode;
}
export interface IntracityFlow {
  flow_type: number;
  appid: string;
  wx_store_id: string;
  pay_order_id?: string | number;
  service_trans_id: string;
  pay_amount?: number;
  pay_time?: number;
  pay_status?: 'FAIL' | 'SUCCESS' | (string & {});
  create_time?: number;
  consume_deadline?: number;
  refund_time?: number;
  refund_amount?: number;
  openid?: string;
  delivery_status?: number;
  refund_status?: 'PROCESSING' | 'SUCCESS' | (string & {});
  deduct_amount?: number;
  bill_id?: string;
  delivery_finished_time?: number;
  /** The order a consume flow paid for (string: beyond 2^53). */
  wx_order_id?: string;
}
export interface QueryFlowResult extends Envelope {
  flow_list: IntracityFlow[];
  total_pay_amt: number;
  total_refund_amt: number;
  total_deduct_amt: number;
}

export interface BalanceQueryParams {
  wx_store_id?: string;
  service_trans_id?: IntracityCarrier;
  pay_mode?: IntracityPayMode;
}
export interface BalanceQueryResult extends Envelope {
  wx_store_id: string;
  appid: string;
  /** 分. */
  all_balance: number;
  balance_detail: {
    balance: number;
    service_trans_id: string;
    service_trans_name: string;
    order_list: {
      payorder_id: string | number;
      charge_amt: number;
      unused_amt: number;
      begin_time: number;
      end_time: number;
    }[];
  }[];
}

export interface SetPayModeParams {
  /** This app's appid (934012 if it is another's). */
  appid: string;
  pay_mode: IntracityPayMode;
}
export interface GetPayModeResult extends Envelope {
  pay_mode: IntracityPayMode;
  pay_appid?: string;
  pay_component_appid?: string;
}

export interface IntracityCargo {
  cargo_name: string;
  /** Grams. */
  cargo_weight: number;
  /** 分. */
  cargo_price: number;
  cargo_type: number;
  cargo_num: number;
  item_list?: { item_name: string; item_pic_url: string; count: number }[];
}

export interface PreAddOrderParams {
  wx_store_id: string;
  user_name: string;
  user_phone: string;
  user_lng: number;
  user_lat: number;
  user_address: string;
  cargo: IntracityCargo;
  /** 1: sandbox (no balance needed). */
  use_sandbox?: 0 | 1;
}
export interface IntracityPreAddOrderResult extends Envelope {
  service_trans_id: string;
  /** Metres. */
  distance: number;
  /** 分. */
  est_fee: number;
  expected_finished_time?: number;
  /** Minutes. */
  promise_delivery_time?: number;
}

export interface AddOrderParams {
  wx_store_id: string;
  /** Your order id, unique per store: a repeat re-enters the same order (so retries are safe). */
  store_order_id: string;
  user_openid: string;
  user_lng: number;
  user_lat: number;
  user_address: string;
  user_name: string;
  user_phone: string;
  order_seq?: number;
  /** 0 none, 1 取货码, 2 收货码, 3 both. */
  verify_code_type?: 0 | 1 | 2 | 3;
  /** Mini-program page of the order. */
  order_detail_path: string;
  /** Where WeChat POSTs status callbacks (see `verifyIntracityCallback`). */
  callback_url?: string;
  use_sandbox?: 0 | 1;
  cargo: IntracityCargo;
}
export interface AddOrderResult extends Envelope {
  wx_store_id: string;
  /** Beyond 2^53: a string. */
  wx_order_id: string;
  store_order_id: string;
  service_trans_id: string;
  distance: number;
  trans_order_id: string;
  waybill_id?: string;
  /** 分. */
  fee: number;
  fetch_code?: string;
  order_seq?: number;
}

/** `wx_order_id`, or `wx_store_id` + `store_order_id`. */
export type IntracityOrderKey = { wx_order_id: string } | { wx_store_id: string; store_order_id: string };

export interface IntracityOrder extends Envelope {
  wx_order_id: string;
  store_order_id: string;
  wx_store_id: string;
  order_status: IntracityOrderStatusCode;
  appid: string;
  user_openid: string;
  service_trans_id: string;
  delivery_no?: string;
  distance: number;
  actualfee?: number;
  deductfee?: number;
  create_time: number;
  accept_time?: number;
  fetch_time?: number;
  finish_time?: number;
  cancel_time?: number;
  expected_finish_time?: number;
  fetch_code?: string;
  recv_code?: string;
  order_seq?: number;
  transporter_info?: { transporter_name: string; transporter_phone: string };
  store_info?: {
    store_name: string;
    wx_store_id: string;
    address: string;
    lng: number;
    lat: number;
    phone_num: string;
  };
  receiver_info?: { receiver_name: string; address: string; phone_num: string; lng: number; lat: number };
  cargo_info?: Record<string, unknown>;
}

export type CancelOrderParams = IntracityOrderKey & {
  /** 1 不需要了, 2 信息填错, 3 无人接单, 99 其他. */
  cancel_reason_id: 1 | 2 | 3 | 99;
  cancel_reason?: string;
};
export interface IntracityCancelOrderResult extends Envelope {
  wx_store_id: string;
  wx_order_id: string;
  store_order_id: string;
  order_status: IntracityOrderStatusCode;
  appid: string;
  /** 分 kept as the cancellation fee. */
  deductfee: number;
}

export interface GetCityResult extends Envelope {
  support_list: { service_trans_id: string; city_list: { city_code: number; city_name: string }[] }[];
}

export type MockNotifyParams = IntracityOrderKey & { order_status: IntracityOrderStatusCode };

const carrier = { oneOf: INTRACITY_CARRIERS };
const carrierOpt = { oneOf: INTRACITY_CARRIERS, optional: true };
const payModeOpt = { oneOf: INTRACITY_PAY_MODES, optional: true };
const ADDRESS: Shape = {
  province: 'string',
  city: 'string',
  area: 'string',
  street: 'string?',
  house: 'string',
  lat: 'number',
  lng: 'number',
  phone: 'string',
};
const CARGO: Shape = {
  cargo_name: 'string',
  cargo_weight: 'int',
  cargo_price: 'int',
  cargo_type: 'int',
  cargo_num: 'int',
  item_list: { items: { item_name: 'string', item_pic_url: 'string', count: 'int' }, optional: true },
};
const RECEIVER: Shape = {
  wx_store_id: 'string',
  user_name: 'string',
  user_phone: 'string',
  user_lng: 'number',
  user_lat: 'number',
  user_address: 'string',
  cargo: { shape: CARGO },
  use_sandbox: { oneOf: [0, 1], optional: true },
};

/** Shapes as data; the few cross-field rules follow in `validate`. */
const SHAPES = {
  createStore: {
    out_store_id: 'string',
    store_name: 'string',
    order_pattern: { oneOf: [1, 2], optional: true },
    service_trans_prefer: carrierOpt,
    address_info: { shape: ADDRESS },
  },
  storeKey: { wx_store_id: 'string?', out_store_id: 'string?' },
  updateStore: {
    keys: { shape: { wx_store_id: 'string?', out_store_id: 'string?' } },
    content: {
      shape: {
        store_name: 'string?',
        order_pattern: { oneOf: [1, 2], optional: true },
        service_trans_prefer: carrierOpt,
        address_info: { shape: ADDRESS, optional: true },
      },
    },
  },
  storeCharge: {
    wx_store_id: 'string?',
    service_trans_id: carrier,
    amount: { int: [5000, 100_000_000] },
    pay_mode: payModeOpt,
  },
  storeRefund: { wx_store_id: 'string?', pay_mode: payModeOpt, service_trans_id: carrier },
  queryFlow: {
    wx_store_id: 'string',
    flow_type: { oneOf: [1, 2, 3] },
    service_trans_id: carrierOpt,
    begin_time: 'int?',
    end_time: 'int?',
    pay_mode: payModeOpt,
  },
  balanceQuery: { wx_store_id: 'string?', service_trans_id: carrierOpt, pay_mode: payModeOpt },
  setPayMode: { appid: 'string', pay_mode: { oneOf: INTRACITY_PAY_MODES } },
  getPayMode: { appid: 'string' },
  preAddOrder: RECEIVER,
  addOrder: {
    ...RECEIVER,
    store_order_id: 'string',
    user_openid: 'string',
    order_seq: 'int?',
    verify_code_type: { oneOf: [0, 1, 2, 3], optional: true },
    order_detail_path: 'string',
    callback_url: 'string?',
  },
  orderKey: { wx_order_id: 'string?', wx_store_id: 'string?', store_order_id: 'string?' },
  cancelOrder: { cancel_reason_id: { oneOf: [1, 2, 3, 99] }, cancel_reason: 'string?' },
  getCity: { service_trans_id: carrierOpt },
  mockNotify: { order_status: { oneOf: Object.values(IntracityOrderStatus) } },
} satisfies Record<string, Shape>;

function orderKey(api: string, p: any): void {
  checkShape(api, p, SHAPES.orderKey);
  if (p.wx_order_id !== undefined) {
    if (!/^\d+$/.test(p.wx_order_id))
      throw new ValidationError('`wx_order_id` must be the decimal string WeChat returned', {
        api,
        field: 'wx_order_id',
      });
  } else if (p.wx_store_id === undefined || p.store_order_id === undefined) {
    throw new ValidationError('pass wx_order_id, or wx_store_id + store_order_id', { api, field: 'wx_order_id' });
  }
}

/** One intracity endpoint: POST JSON, access_token, always secured. */
function ic<P, R>(name: string, idempotent: boolean, validate: ((p: P) => void) | undefined, bigInt = false) {
  return endpoint<P, R>({
    method: 'POST',
    path: `/cgi-bin/express/intracity/${name}`,
    auth: 'access_token',
    request: 'json',
    response: 'json',
    security: 'required',
    idempotent,
    doc: doc(name),
    validate,
    bigIntKeys: bigInt ? ['wx_order_id'] : undefined,
  });
}

const shaped =
  <P>(api: string, shape: Shape, extra?: (p: any) => void) =>
  (p: P) => {
    checkShape(api, p, shape);
    extra?.(p);
  };

export const intracity = defineArea('intracity', {
  /** 开通门店权限: opens intracity delivery for this app. */
  apply: ic<void, Envelope>('apply', true, undefined),
  /** Creates a store (门店). */
  createStore: ic<CreateStoreParams, CreateStoreResult>(
    'createstore',
    false, // a replay after success answers 934010
    shaped('intracity.createStore', SHAPES.createStore, (p) => {
      if (p.order_pattern === 2 && p.service_trans_prefer === undefined)
        throw new ValidationError('`order_pattern: 2` needs `service_trans_prefer`', {
          api: 'intracity.createStore',
          field: 'service_trans_prefer',
        });
    }),
  ),
  /** Stores by `wx_store_id` or `out_store_id`; neither = all. */
  queryStore: ic<StoreKey, QueryStoreResult>('querystore', true, (p) => {
    if (p !== undefined) checkShape('intracity.queryStore', p, SHAPES.storeKey);
  }),
  /** Updates a store's name, pattern, carrier preference or address. */
  updateStore: ic<UpdateStoreParams, Envelope>(
    'updatestore',
    true,
    shaped('intracity.updateStore', SHAPES.updateStore, (p) => {
      if (!p.keys.wx_store_id && !p.keys.out_store_id)
        throw new ValidationError('`keys` needs wx_store_id or out_store_id', {
          api: 'intracity.updateStore',
          field: 'keys',
        });
    }),
  ),
  /** Charges a carrier balance (分, ≥ 5000); answers the pay URL. */
  storeCharge: ic<StoreChargeParams, StoreChargeResult>(
    'storecharge',
    false,
    shaped('intracity.storeCharge', SHAPES.storeCharge, (p) => {
      if ((p.pay_mode ?? 'PAY_MODE_STORE') === 'PAY_MODE_STORE' && !p.wx_store_id)
        throw new ValidationError('`wx_store_id` is required with PAY_MODE_STORE', {
          api: 'intracity.storeCharge',
          field: 'wx_store_id',
        });
    }),
  ),
  /** Refunds a carrier's unused balance (934006 while orders are in progress). */
  storeRefund: ic<StoreRefundParams, StoreRefundResult>(
    'storerefund',
    false,
    shaped('intracity.storeRefund', SHAPES.storeRefund),
  ),
  /** Charge / consume / refund flows of a store. */
  queryFlow: ic<QueryFlowParams, QueryFlowResult>(
    'queryflow',
    true,
    shaped('intracity.queryFlow', SHAPES.queryFlow),
    true,
  ),
  /** Balances per carrier. */
  balanceQuery: ic<BalanceQueryParams, BalanceQueryResult>('balancequery', true, (p) => {
    if (p !== undefined) checkShape('intracity.balanceQuery', p, SHAPES.balanceQuery);
  }),
  /** Sets who pays freight (the admin confirms by template message). */
  setPayMode: ic<SetPayModeParams, Envelope>('setpaymode', false, shaped('intracity.setPayMode', SHAPES.setPayMode)),
  getPayMode: ic<{ appid: string }, GetPayModeResult>(
    'getpaymode',
    true,
    shaped('intracity.getPayMode', SHAPES.getPayMode),
  ),
  /** 查询运费: a quote (carrier, distance, fee) without creating an order. */
  preAddOrder: ic<PreAddOrderParams, IntracityPreAddOrderResult>(
    'preaddorder',
    true,
    shaped('intracity.preAddOrder', SHAPES.preAddOrder),
  ),
  /** Creates an order; re-entrant by `store_order_id`, so a retry returns the same order. */
  addOrder: ic<AddOrderParams, AddOrderResult>('addorder', true, shaped('intracity.addOrder', SHAPES.addOrder), true),
  queryOrder: ic<IntracityOrderKey, IntracityOrder>(
    'queryorder',
    true,
    (p) => orderKey('intracity.queryOrder', p),
    true,
  ),
  /** Cancels an order (934017 once it is on its way); answers the fee kept. */
  cancelOrder: ic<CancelOrderParams, IntracityCancelOrderResult>(
    'cancelorder',
    false, // a replay answers 934018
    (p) => {
      orderKey('intracity.cancelOrder', p);
      checkShape('intracity.cancelOrder', p, SHAPES.cancelOrder);
    },
    true,
  ),
  /** Cities each carrier serves. */
  getCity: ic<{ service_trans_id?: IntracityCarrier }, GetCityResult>('getcity', true, (p) => {
    if (p !== undefined) checkShape('intracity.getCity', p, SHAPES.getCity);
  }),
  /** Sandbox only: moves a test order to `order_status` and fires its callback. */
  mockNotify: ic<MockNotifyParams, Envelope>('mocknotify', false, (p) => {
    orderKey('intracity.mockNotify', p);
    checkShape('intracity.mockNotify', p, SHAPES.mockNotify);
  }),
});
