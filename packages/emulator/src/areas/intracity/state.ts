/** The intracity area's state (one slice, plain records so exportState() keeps it). */

export interface IcAddress {
  province: string;
  city: string;
  area: string;
  street?: string;
  house: string;
  lat: number;
  lng: number;
  phone: string;
}

export interface IcStore {
  appid: string;
  wx_store_id: string;
  out_store_id: string;
  store_name: string;
  order_pattern: number;
  service_trans_prefer?: string;
  address_info: IcAddress;
  city_id: number;
  create_time: number;
}

/** One paid charge of a balance; consumption draws `unused_amt` down, oldest first. */
export interface IcCharge {
  payorder_id: string;
  appid: string;
  /** The store, or '' for the app-level balance (PAY_MODE_APP / PAY_MODE_COMPONENT). */
  wx_store_id: string;
  service_trans_id: string;
  pay_mode: string;
  charge_amt: number;
  unused_amt: number;
  begin_time: number;
  end_time: number;
}

export interface IcFlow {
  flow_type: 1 | 2 | 3;
  appid: string;
  wx_store_id: string;
  service_trans_id: string;
  pay_mode: string;
  create_time: number;
  pay_order_id?: string;
  pay_amount?: number;
  pay_time?: number;
  pay_status?: 'SUCCESS' | 'FAIL';
  consume_deadline?: number;
  refund_amount?: number;
  refund_time?: number;
  refund_status?: 'PROCESSING' | 'SUCCESS';
  deduct_amount?: number;
  wx_order_id?: string;
  openid?: string;
  delivery_status?: number;
  bill_id?: string;
}

export interface IcOrder {
  appid: string;
  wx_order_id: string;
  wx_store_id: string;
  store_order_id: string;
  order_status: number;
  sandbox: boolean;
  service_trans_id: string;
  pay_mode: string;
  user_openid: string;
  user_name: string;
  user_phone: string;
  user_address: string;
  user_lng: number;
  user_lat: number;
  cargo: Record<string, any>;
  order_detail_path: string;
  callback_url?: string;
  distance: number;
  fee: number;
  deductfee: number;
  create_time: number;
  accept_time?: number;
  fetch_time?: number;
  finish_time?: number;
  cancel_time?: number;
  expected_finish_time: number;
  fetch_code: string;
  recv_code: string;
  order_seq: number;
  trans_order_id: string;
  waybill_id: string;
  transporter?: { transporter_name: string; transporter_phone: string };
  /** Automatic mode: the next status and the virtual time it is due. */
  next?: { status: number; at: number };
  /** Every status with its time, oldest first. */
  history: { order_status: number; at: number }[];
}

/** One HTTP attempt of a callback. */
export interface IcCallbackAttempt {
  n: number;
  /** Virtual-clock Unix ms. */
  at: number;
  status?: number;
  response?: string;
  error?: string;
  ok: boolean;
}

export interface IcCallback {
  id: string;
  appid: string;
  wx_order_id: string;
  order_status: number;
  url: string;
  /** The exact JSON sent (wx_order_id as a number literal, as WeChat sends uint64). */
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: IcCallbackAttempt[];
}

export interface IcSettings {
  /** Orders move on the virtual clock (accept, arrive, pick up, deliver). Sandbox orders never do. */
  auto: boolean;
  /** Milliseconds an app has to answer one callback attempt. */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** Real milliseconds between attempts. */
  retryDelayMs: number;
}

export interface IcAppState {
  applied: boolean;
  pay_mode: string;
  /** Signs callbacks; defaults to the app's 消息推送 Token. */
  callbackToken?: string;
}

export interface IcSlice {
  apps: Record<string, IcAppState>;
  stores: Record<string, IcStore>;
  charges: IcCharge[];
  flows: IcFlow[];
  orders: Record<string, IcOrder>;
  callbacks: IcCallback[];
  nextStoreId: string;
  nextOrderId: string;
  nextSeq: number;
  settings: IcSettings;
}

export const DEFAULT_SETTINGS: IcSettings = { auto: true, timeoutMs: 5000, retries: 3, retryDelayMs: 1000 };

export function initialSlice(): IcSlice {
  return {
    apps: {},
    stores: {},
    charges: [],
    flows: [],
    orders: {},
    callbacks: [],
    nextStoreId: '4000000000000042001',
    nextOrderId: '4018734875633256960',
    nextSeq: 1,
    settings: { ...DEFAULT_SETTINGS },
  };
}
