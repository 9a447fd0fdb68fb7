import { type Envelope, defineArea, endpoint } from '../core/endpoint.js';
import { ValidationError } from '../core/errors.js';
import { type ObjectRule, arr, flag, num, obj, oneOf, opt, str, validator } from '../internal/schema.js';

const DOC = 'https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business';

/**
 * Path-node codes (`action_type`) of the logistics assistant, the standard set and the extended set
 * of the 散单 / 物流服务 APIs. Decoded values stay plain numbers: codes not listed here (300001
 * appears in WeChat's own getPath example) come through unchanged.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_getpath.html
 */
export const EXPRESS_ACTION_TYPE = {
  /** 揽件阶段 — 揽件成功 */
  PICKED_UP: 100001,
  /** 揽件阶段 — 揽件失败 */
  PICKUP_FAILED: 100002,
  /** 揽件阶段 — 分配业务员 */
  COURIER_ASSIGNED: 100003,
  /** 运输阶段 — 更新运输轨迹 */
  IN_TRANSIT: 200001,
  /** Not in any official enum; WeChat's getPath example uses it for 快递员已出发. */
  COURIER_DEPARTED: 300001,
  /** 派送阶段 — 开始派送 */
  OUT_FOR_DELIVERY: 300002,
  /** 派送阶段 — 签收成功 */
  SIGNED: 300003,
  /** 派送阶段 — 签收失败 */
  SIGN_FAILED: 300004,
  /** 异常阶段 — 订单取消 */
  CANCELLED: 400001,
  /** 异常阶段 — 订单滞留 */
  HELD: 400002,
  // Extended set (散单 and 物流服务 pushes).
  /** 揽件前 — 网点接单 */
  BRANCH_ACCEPTED: 90001,
  /** 揽件前 — 分配业务员 */
  PRE_COURIER_ASSIGNED: 90002,
  /** 揽件前 — 重新分配业务员 */
  PRE_COURIER_REASSIGNED: 90003,
  /** 揽件前 — 待支付 */
  AWAITING_PAYMENT: 90010,
  /** 揽件前 — 已支付 */
  PAID: 90011,
  /** 第三方代收入库 */
  LOCKER_STORED: 300005,
  /** 第三方代收快递员取出 */
  LOCKER_RETRIEVED: 300006,
  /** 代签收 */
  SIGNED_BY_PROXY: 300007,
  /** 订单退回 */
  RETURNED: 400003,
  /** 订单拒收 */
  REFUSED: 400004,
  /** 问题件 */
  PROBLEM: 400005,
  /** 兜底 — 其他未分类 */
  OTHER: 500001,
} as const;
/** A path-node code: one of {@link EXPRESS_ACTION_TYPE} or any other number WeChat sends. */
export type ExpressActionType = (typeof EXPRESS_ACTION_TYPE)[keyof typeof EXPRESS_ACTION_TYPE] | (number & {});

/** `status_code` of a bound carrier account (getAllAccount). */
export const ACCOUNT_STATUS = { BOUND: 0, REVIEWING: 1, FAILED: 2, UNBOUND: 3 } as const;
export type AccountStatus = (typeof ACCOUNT_STATUS)[keyof typeof ACCOUNT_STATUS] | (number & {});

/** A service type of a carrier (`service_type` + `service_name`, both sent back in addOrder). */
export interface ExpressServiceType {
  service_type: number;
  service_name: string;
}

/** One carrier of getAllDelivery. */
export interface ExpressDelivery {
  /** e.g. `SF`, `YTO`, `ZTO`, `EMS`, `JDL`; `TEST` in the sandbox. */
  delivery_id: string;
  delivery_name: string;
  /** 1 = 散单 (pay on pickup, no account) is possible. */
  can_use_cash?: number;
  /** 1 = getQuota works for this carrier. */
  can_get_quota?: number;
  service_type?: ExpressServiceType[];
  /** The `biz_id` of 散单 (`SF_CASH`, `DB_CASH`). */
  cash_biz_id?: string;
}
export interface GetAllDeliveryResult extends Envelope {
  count: number;
  data: ExpressDelivery[];
}

/** A carrier account bound to the mini program. */
export interface ExpressAccount {
  biz_id: string;
  delivery_id: string;
  create_time: number;
  update_time: number;
  /** 0 bound, 1 under review, 2 failed, 3 unbound ({@link ACCOUNT_STATUS}). */
  status_code: AccountStatus;
  alias?: string;
  remark_wrong_msg?: string;
  remark_content?: string;
  /** Remaining waybills (carriers with `can_get_quota`). */
  quota_num?: number;
  quota_update_time?: number;
  service_type?: ExpressServiceType[];
}
export interface GetAllAccountResult extends Envelope {
  count: number;
  list: ExpressAccount[];
}

export interface LogisticsBindAccountParams {
  type: 'bind' | 'unbind';
  biz_id: string;
  delivery_id: string;
  /** The carrier account's password (never logged). */
  password?: string;
  /** Review text some carriers need (EMS). */
  remark_content?: string;
}

export interface GetQuotaParams {
  delivery_id: string;
  biz_id: string;
}
export interface GetQuotaResult extends Envelope {
  quota_num: number;
}

export interface UpdatePrinterParams {
  /** The printer operator's openid. */
  openid: string;
  update_type: 'bind' | 'unbind';
  /**
   * Platform-type mini programs: the tag ids this printer may print for, ≤ 10. An array is joined
   * with commas (WeChat wants one comma-separated string, no spaces).
   */
  tagid_list?: string | Array<string | number>;
}
export interface GetPrinterResult extends Envelope {
  count: number;
  /** Printer operators' openids. */
  openid: string[];
  tagid_list?: string[];
}

/** Sender or receiver. `tel` or `mobile` is required; lengths in UTF-8 bytes. */
export interface ExpressContact {
  /** ≤ 64 B */
  name: string;
  /** Landline, ≤ 32 B (this or `mobile`). */
  tel?: string;
  /** Mobile, ≤ 32 B (this or `tel`). */
  mobile?: string;
  company?: string;
  post_code?: string;
  country?: string;
  /** e.g. 广东省 */
  province: string;
  /** e.g. 广州市 */
  city: string;
  /** e.g. 海珠区 */
  area: string;
  /** ≤ 512 B */
  address: string;
}
/** The parcel(s): count, weight in kg, size in cm, what is inside. */
export interface ExpressCargo {
  count: number;
  weight: number;
  space_x: number;
  space_y: number;
  space_z: number;
  detail_list: Array<{ name: string; count: number }>;
}
/** The goods shown to the user in the 服务通知 / tracking page. */
export interface ExpressShop {
  /** The mini-program page the notification opens. */
  wxa_path?: string;
  /** Required (with goods_name, goods_count) when `detail_list` is empty. */
  img_url?: string;
  goods_name?: string;
  goods_count?: number;
  /** Recommended for new integrations. */
  detail_list?: Array<{ goods_name: string; goods_img_url: string; goods_desc?: string }>;
}

/**
 * logistics.addOrder params.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_addorder.html
 */
export interface LogisticsAddOrderParams {
  /** 0 = mini-program order; 2 = App/H5 order (needs `wx_appid`, no service notification). */
  add_source: 0 | 2;
  /** The App/H5 appid bound to the same Open Platform account (add_source 2). */
  wx_appid?: string;
  /** Globally unique, ≤ 512 B. */
  order_id: string;
  /** The buyer; required unless add_source is 2. */
  openid?: string;
  /** From getAllDelivery; `TEST` in the sandbox. */
  delivery_id: string;
  /** The carrier account (`test_biz_id` in the sandbox, `SF_CASH` / `DB_CASH` for 散单). */
  biz_id: string;
  /** Printed on the waybill, ≤ 1024 B. */
  custom_remark?: string;
  /** Platform-type mini programs. */
  tagid?: number;
  sender: ExpressContact;
  receiver: ExpressContact;
  cargo: ExpressCargo;
  shop: ExpressShop;
  /** `insured_value` in fen (10000 = 100 元). */
  insured: { use_insured: 0 | 1; insured_value: number };
  service: ExpressServiceType;
  /** Unix seconds of the one-hour pickup window (must be in the future; 0 = already agreed). */
  expect_time?: number;
  /** YTO only: 0 线下网点签约 (default), 1 总部签约结算. */
  take_mode?: 0 | 1;
}
/** Sorting data the carrier returns, e.g. `SF_bagAddr`, `SF_mark`. */
export interface WaybillDataItem {
  key: string;
  value: string;
}
export interface LogisticsAddOrderResult extends Envelope {
  order_id: string;
  waybill_id: string;
  waybill_data: WaybillDataItem[];
  delivery_resultcode?: number;
  delivery_resultmsg?: string;
}

export interface GetOrderParams {
  order_id: string;
  /** Omit for add_source 2 orders. */
  openid?: string;
  delivery_id: string;
  waybill_id?: string;
  /** 0 二联单 (default), 1 一联单. */
  print_type?: 0 | 1;
}
/** An order as getOrder / batchGetOrder return it. */
export interface ExpressOrder extends Envelope {
  /** Base64 of the waybill HTML: read it with {@link decodePrintHtml}. May be empty. */
  print_html: string;
  waybill_data: WaybillDataItem[];
  order_id: string;
  delivery_id: string;
  waybill_id: string;
  /** 0 normal, 1 cancelled. */
  order_status: number;
}
export interface BatchGetOrderParams {
  /** ≤ 100 orders. */
  order_list: Array<{ order_id: string; delivery_id: string; waybill_id?: string }>;
}
export interface BatchGetOrderResult extends Envelope {
  /** Each item carries its own errcode/errmsg: a missing order does not fail the batch. */
  order_list: ExpressOrder[];
}

export interface LogisticsCancelOrderParams {
  order_id: string;
  openid?: string;
  delivery_id: string;
  waybill_id: string;
}
export interface LogisticsCancelOrderResult extends Envelope {
  delivery_resultcode?: number;
  delivery_resultmsg?: string;
}

export interface GetPathParams {
  openid?: string;
  delivery_id: string;
  waybill_id: string;
  /** The current doc dropped it, the 2019 doc and the SDKs send it: send it. */
  order_id: string;
}
/** One node of a waybill's path. */
export interface ExpressPathItem {
  /** Unix seconds. */
  action_time: number;
  action_type: ExpressActionType;
  action_msg: string;
}
export interface GetPathResult extends Envelope {
  openid?: string;
  delivery_id: string;
  waybill_id: string;
  path_item_num: number;
  path_item_list: ExpressPathItem[];
}

/** Sandbox: appends a node to a TEST order's path. All fields required. */
export interface TestUpdateOrderParams {
  /** `test_biz_id` */
  biz_id: string;
  order_id: string;
  /** `TEST` */
  delivery_id: string;
  waybill_id: string;
  /** Unix seconds. */
  action_time: number;
  action_type: ExpressActionType;
  action_msg: string;
}

/**
 * The waybill HTML of a getOrder / batchGetOrder result (its `print_html` is Base64). Save it to a
 * file or print it; an empty string when WeChat sent none (e.g. `print_type` 1 on TEST).
 */
export function decodePrintHtml(order: { print_html?: string } | string): string {
  const b64 = typeof order === 'string' ? order : order?.print_html;
  if (typeof b64 !== 'string' || b64 === '') return '';
  return Buffer.from(b64, 'base64').toString('utf8');
}

const contact = obj(
  {
    name: str({ maxBytes: 64 }),
    tel: opt(str({ maxBytes: 32 })),
    mobile: opt(str({ maxBytes: 32 })),
    company: opt(str({ maxBytes: 64 })),
    post_code: opt(str({ maxBytes: 10 })),
    country: opt(str({ maxBytes: 64 })),
    province: str({ maxBytes: 64 }),
    city: str({ maxBytes: 64 }),
    area: str({ maxBytes: 64 }),
    address: str({ maxBytes: 512 }),
  },
  { rules: [oneOf('tel', 'mobile')] },
);
const size = num({ integer: false, min: 0 });

/** addOrder params as data (PROTOCOL §9.3). */
const addOrderSchema: ObjectRule = obj(
  {
    add_source: num({ values: [0, 2] }),
    wx_appid: opt(str()),
    order_id: str({ maxBytes: 512 }),
    openid: opt(str()),
    delivery_id: str(),
    biz_id: str(),
    custom_remark: opt(str({ maxBytes: 1024, nonEmpty: false })),
    tagid: opt(num()),
    sender: contact,
    receiver: contact,
    cargo: obj({
      count: num({ min: 1 }),
      weight: size,
      space_x: size,
      space_y: size,
      space_z: size,
      detail_list: arr(obj({ name: str({ maxBytes: 128 }), count: num({ min: 1 }) }), { min: 1 }),
    }),
    shop: obj(
      {
        wxa_path: opt(str()),
        img_url: opt(str()),
        goods_name: opt(str({ maxBytes: 128 })),
        goods_count: opt(num({ min: 1 })),
        detail_list: opt(
          arr(obj({ goods_name: str({ maxBytes: 128 }), goods_img_url: str(), goods_desc: opt(str()) }), { min: 1 }),
        ),
      },
      {
        rules: [
          (s) =>
            s.detail_list === undefined &&
            (typeof s.goods_name !== 'string' || !s.goods_name || !s.img_url || s.goods_count === undefined)
              ? ['goods_name', 'is required, with `img_url` and `goods_count`, unless `detail_list` is given']
              : undefined,
        ],
      },
    ),
    insured: obj({ use_insured: flag(), insured_value: num({ min: 0 }) }),
    service: obj({ service_type: num(), service_name: str() }),
    expect_time: opt(num({ min: 0 })),
    take_mode: opt(flag()),
  },
  {
    rules: [
      (p) => (p.add_source === 2 && !p.wx_appid ? ['wx_appid', 'is required when add_source is 2'] : undefined),
      (p) => (p.add_source !== 2 && !p.openid ? ['openid', 'is required unless add_source is 2'] : undefined),
    ],
  },
);

const orderRef = { order_id: str(), delivery_id: str(), waybill_id: opt(str()) };
const TAGID = /^\d+$/;

/** `tagid_list` as WeChat wants it: one comma-separated string of ≤ 10 ids, no spaces. */
function tagidList(v: UpdatePrinterParams['tagid_list']): string | undefined {
  if (v === undefined) return undefined;
  const ids = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',') : undefined;
  const api = 'logistics.updatePrinter';
  if (!ids || !ids.every((id) => TAGID.test(id))) {
    throw new ValidationError('`tagid_list` must be tag ids: "101,102" or [101, 102] (no spaces)', {
      api,
      field: 'tagid_list',
    });
  }
  if (ids.length > 10) throw new ValidationError('`tagid_list` holds at most 10 ids', { api, field: 'tagid_list' });
  return ids.join(',');
}

const post = { method: 'POST', auth: 'access_token', request: 'json', response: 'json' } as const;
const get = { method: 'GET', auth: 'access_token', request: 'none', response: 'json', idempotent: true } as const;

/**
 * Logistics assistant (物流助手): ship with a carrier account bound to the mini program, print the
 * waybill, follow the path. A carrier failure rejects with a `DeliveryError` (errcode 9300501,
 * `resultcode` / `resultmsg` = the carrier's `delivery_resultcode` / `delivery_resultmsg`).
 * @see https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/industry/express/business/introduction.html
 */
export const logistics = defineArea('logistics', {
  /**
   * Every carrier and its service types (GET).
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_getalldelivery.html
   */
  getAllDelivery: endpoint<void, GetAllDeliveryResult>({
    ...get,
    path: '/cgi-bin/express/business/delivery/getall',
    security: 'supported', // PROTOCOL §15.7 (a GET is never secured, §15.7.5)
    doc: `${DOC}/api_getalldelivery.html`,
  }),
  /**
   * The carrier accounts bound to the mini program, with review state and quota (GET).
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_getallaccount.html
   */
  getAllAccount: endpoint<void, GetAllAccountResult>({
    ...get,
    path: '/cgi-bin/express/business/account/getall',
    security: 'supported', // PROTOCOL §15.7 (a GET is never secured, §15.7.5)
    doc: `${DOC}/api_getallaccount.html`,
  }),
  /**
   * Binds (or unbinds) a carrier account. The review result arrives later as the
   * `event.update_business_bind_result` push.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_bindaccount.html
   */
  bindAccount: endpoint<LogisticsBindAccountParams, Envelope>({
    ...post,
    path: '/cgi-bin/express/business/account/bind',
    idempotent: false, // a replayed bind answers 9300529/9300532 and may start a second review
    doc: `${DOC}/api_bindaccount.html`,
    validate: validator(
      'logistics.bindAccount',
      obj({
        type: str({ values: ['bind', 'unbind'] }),
        biz_id: str(),
        delivery_id: str(),
        password: opt(str({ nonEmpty: false })),
        remark_content: opt(str({ nonEmpty: false })),
      }),
    ),
  }),
  /**
   * Remaining waybills of a bound account (carriers with `can_get_quota` 1).
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_getquota.html
   */
  getQuota: endpoint<GetQuotaParams, GetQuotaResult>({
    ...post,
    path: '/cgi-bin/express/business/quota/get',
    idempotent: true,
    doc: `${DOC}/api_getquota.html`,
    validate: validator('logistics.getQuota', obj({ delivery_id: str(), biz_id: str() })),
  }),
  /**
   * Makes a user a printer operator (or removes one). `tagid_list` may be an array.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_updateprinter.html
   */
  updatePrinter: endpoint<UpdatePrinterParams, Envelope>({
    ...post,
    path: '/cgi-bin/express/business/printer/update',
    idempotent: true, // bind/unbind sets an end state
    doc: `${DOC}/api_updateprinter.html`,
    validate: (p) => {
      validator('logistics.updatePrinter', obj({ openid: str(), update_type: str({ values: ['bind', 'unbind'] }) }))(p);
      tagidList(p.tagid_list);
    },
    wire: (p) => {
      const out: Record<string, unknown> = { ...p };
      const tags = tagidList(p.tagid_list);
      if (tags === undefined) delete out.tagid_list;
      else out.tagid_list = tags;
      return out;
    },
  }),
  /**
   * The printer operators (GET; one PHP SDK sends it as POST).
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_getprinter.html
   */
  getPrinter: endpoint<void, GetPrinterResult>({
    ...get,
    path: '/cgi-bin/express/business/printer/getall',
    security: 'supported', // PROTOCOL §15.7 (a GET is never secured, §15.7.5)
    doc: `${DOC}/api_getprinter.html`,
  }),
  /**
   * Ships a parcel: the carrier issues a waybill id and sorting data. Never retried once sent.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_addorder.html
   */
  addOrder: endpoint<LogisticsAddOrderParams, LogisticsAddOrderResult>({
    ...post,
    path: '/cgi-bin/express/business/order/add',
    idempotent: false, // a replay books a second pickup (or answers a duplicate-order error)
    doc: `${DOC}/api_addorder.html`,
    validate: validator('logistics.addOrder', addOrderSchema),
  }),
  /**
   * Up to 100 orders at once; each item has its own errcode.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_batchgetorder.html
   */
  batchGetOrder: endpoint<BatchGetOrderParams, BatchGetOrderResult>({
    ...post,
    path: '/cgi-bin/express/business/order/batchget',
    idempotent: true,
    doc: `${DOC}/api_batchgetorder.html`,
    validate: validator('logistics.batchGetOrder', obj({ order_list: arr(obj(orderRef), { min: 1, max: 100 }) })),
  }),
  /**
   * Cancels an order, possible until the parcel has a path beyond creation (9300506). Never retried.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_cancelorder.html
   */
  cancelOrder: endpoint<LogisticsCancelOrderParams, LogisticsCancelOrderResult>({
    ...post,
    path: '/cgi-bin/express/business/order/cancel',
    idempotent: false,
    doc: `${DOC}/api_cancelorder.html`,
    validate: validator(
      'logistics.cancelOrder',
      obj({ order_id: str(), openid: opt(str()), delivery_id: str(), waybill_id: str() }),
    ),
  }),
  /**
   * One order with its printable waybill (`print_html`, Base64: {@link decodePrintHtml}).
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_getorder.html
   */
  getOrder: endpoint<GetOrderParams, ExpressOrder>({
    ...post,
    path: '/cgi-bin/express/business/order/get',
    idempotent: true,
    doc: `${DOC}/api_getorder.html`,
    validate: validator('logistics.getOrder', obj({ ...orderRef, openid: opt(str()), print_type: opt(flag()) })),
  }),
  /**
   * The waybill's path so far.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_getpath.html
   */
  getPath: endpoint<GetPathParams, GetPathResult>({
    ...post,
    path: '/cgi-bin/express/business/path/get',
    idempotent: true,
    doc: `${DOC}/api_getpath.html`,
    validate: validator(
      'logistics.getPath',
      obj({ openid: opt(str()), delivery_id: str(), waybill_id: str(), order_id: str() }),
    ),
  }),
  /**
   * Sandbox only (TEST / test_biz_id): appends a path node, as the carrier would.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_testupdateorder.html
   */
  testUpdateOrder: endpoint<TestUpdateOrderParams, Envelope>({
    ...post,
    path: '/cgi-bin/express/business/test_update_order',
    idempotent: false, // a replay appends the node twice
    doc: `${DOC}/api_testupdateorder.html`,
    validate: validator(
      'logistics.testUpdateOrder',
      obj({
        biz_id: str(),
        order_id: str(),
        delivery_id: str(),
        waybill_id: str(),
        action_time: num({ min: 0 }),
        action_type: num({ min: 1 }),
        action_msg: str({ nonEmpty: false }),
      }),
    ),
  }),
});
