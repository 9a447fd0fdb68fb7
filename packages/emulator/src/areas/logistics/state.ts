/**
 * The logistics area's state (one slice, JSON-safe so exportState() carries it): carrier accounts,
 * printers, parcels with their paths and journeys, tracking tokens, returns and settings.
 */

/** One path node, in getPath's wire names. */
export interface PathNode {
  action_time: number;
  action_type: number;
  action_msg: string;
}

/** A carrier account bound through bindAccount. The password is never stored. */
export interface Account {
  appid: string;
  delivery_id: string;
  biz_id: string;
  /** 0 bound, 1 under review, 2 failed, 3 unbound. */
  status_code: 0 | 1 | 2 | 3;
  create_time: number;
  update_time: number;
  /** Virtual-clock second at which a pending review completes (approved). */
  review_at?: number;
  remark_content?: string;
  remark_wrong_msg?: string;
  alias?: string;
  /** Whether a password was given (the password itself is not kept). */
  password_given: boolean;
  quota_num: number;
  quota_update_time: number;
}

/** A parcel: an order shipped through addOrder, or a foreign waybill handed to the logistics service. */
export interface Parcel {
  appid: string;
  waybill_id: string;
  delivery_id: string;
  kind: 'order' | 'foreign';
  path: PathNode[];
  /** add_express_path Version: +1 per path update. */
  version: number;
  /** The journey's nodes still to come; `action_time` is when each falls due (virtual seconds). */
  plan: PathNode[];
  /** The plan advances on the virtual clock by itself. */
  auto: boolean;
  /** Present for kind 'order'. */
  order?: OrderRecord;
}

/** What addOrder received and issued (wire names). */
export interface OrderRecord {
  order_id: string;
  openid?: string;
  add_source: number;
  wx_appid?: string;
  biz_id: string;
  custom_remark?: string;
  tagid?: number;
  sender: Record<string, any>;
  receiver: Record<string, any>;
  cargo: Record<string, any>;
  shop: Record<string, any>;
  insured: { use_insured: number; insured_value: number };
  service: { service_type: number; service_name: string };
  expect_time?: number;
  waybill_data: Array<{ key: string; value: string }>;
  /** 0 normal, 1 cancelled. */
  order_status: 0 | 1;
  create_time: number;
}

/** A waybill token of the logistics service (trace_waybill or follow_waybill). */
export interface TraceToken {
  waybill_token: string;
  kind: 'trace' | 'follow';
  appid: string;
  openid: string;
  waybill_id: string;
  delivery_id: string;
  receiver_phone: string;
  sender_phone?: string;
  trans_id: string;
  order_detail_path: string;
  goods_info: { detail_list: Array<Record<string, any>> };
  goods_updates: number;
  create_time: number;
  /** follow_waybill: the tracking messages the user received (one per new node). */
  notifications: Array<{ time: number; action_type: number; action_msg: string }>;
}

/** A return of the return component. */
export interface ReturnRecord {
  return_id: string;
  appid: string;
  openid: string;
  shop_order_id: string;
  biz_addr: Record<string, any>;
  user_addr?: Record<string, any>;
  order_path: string;
  goods_list: Array<{ name: string; url: string }>;
  order_price: number;
  wx_pay_id: string;
  /** 0 created, 1 pickup booked, 2 unbound [inferred meanings]. */
  status: number;
  /** 0 已下单待揽件 … 14 已退件, 99 未知. */
  order_status: number;
  waybill_id: string;
  delivery_id: string;
  delivery_name: string;
  create_time: number;
}

export interface LogisticsSettings {
  /** TEST addOrder calls per app per day (Beijing day). @default 10 */
  sandboxDailyQuota: number;
  /** Which parcels move by themselves: carrier orders, every order incl. TEST, or none. @default 'carriers' */
  autoJourney: 'carriers' | 'all' | 'off';
  /** Virtual seconds between two automatic nodes. @default 3600 */
  stepSeconds: number;
  /** Virtual seconds a bindAccount review takes before it is approved. @default 60 */
  reviewSeconds: number;
  /** Waybill quota of a newly bound account (carriers with can_get_quota). @default 1000 */
  accountQuota: number;
  /** trace_waybill + follow_waybill calls per app per day (9300513 beyond). @default 1000 */
  traceDailyQuota: number;
  /** update_(follow_)waybill_goods calls per token (9300560 beyond) [inferred]. @default 3 */
  maxGoodsUpdates: number;
}

export const DEFAULT_SETTINGS: LogisticsSettings = {
  sandboxDailyQuota: 10,
  autoJourney: 'carriers',
  stepSeconds: 3600,
  reviewSeconds: 60,
  accountQuota: 1000,
  traceDailyQuota: 1000,
  maxGoodsUpdates: 3,
};

/** A planned carrier failure: the next addOrder(s) with this carrier answer 9300501. */
export interface CarrierFailure {
  delivery_id: string;
  delivery_resultcode: number;
  delivery_resultmsg: string;
  remaining: number;
}

export interface LogisticsSlice {
  settings: LogisticsSettings;
  /** `appid|delivery_id|biz_id` → account. */
  accounts: Record<string, Account>;
  /** appid → printer openid → its tag ids. */
  printers: Record<string, Record<string, string[]>>;
  /** `appid|waybill_id` → parcel. */
  parcels: Record<string, Parcel>;
  /** `appid|order_id` → waybill_id. */
  orders: Record<string, string>;
  /** appid → openids allowed to use the sandbox (admins/developers); absent = every user of the app. */
  developers: Record<string, string[]>;
  /** `appid|day` → TEST orders (or traces, with a `trace|` prefix) that day. */
  usage: Record<string, number>;
  tokens: Record<string, TraceToken>;
  returns: Record<string, ReturnRecord>;
  failures: CarrierFailure[];
  nextSeq: number;
}

export function newSlice(): LogisticsSlice {
  return {
    settings: { ...DEFAULT_SETTINGS },
    accounts: {},
    printers: {},
    parcels: {},
    orders: {},
    developers: {},
    usage: {},
    tokens: {},
    returns: {},
    failures: [],
    nextSeq: 1,
  };
}

export const key = (...parts: Array<string | number>): string => parts.join('|');
