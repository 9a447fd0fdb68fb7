/** The order-shipping area's state slice: per-app switches, settings, and the orders with their timelines. */

/** `order_state` (PROTOCOL §17.2). */
export const STATE = { PENDING: 1, SHIPPED: 2, RECEIVED: 3, COMPLETED: 4, REFUNDED: 5 } as const;

/** Packages per payment (PROTOCOL §17.2: 15 on the current pages, 10 in 2023). */
export const MAX_PACKAGES = 15;
export const ITEM_DESC_MAX = 120;
export const FIELD_MAX_BYTES = 128;
/** get_order's `description`: item descriptions joined by ";", cut at 120 characters with "...". */
export const DESCRIPTION_MAX = 120;
/** A never-shipped order of an app that shipped before is reminded after 48 hours. */
export const REMIND_SHIPPING_AFTER = 48 * 3600;
const DAY = 86400;

export interface ShippingSettings {
  /** Virtual seconds from payment until the order is in the system (10060001 meanwhile). @default 0 */
  ingestDelaySeconds: number;
  /** Virtual seconds from shipping until the receipt is confirmed automatically. @default 10 days */
  autoConfirmSeconds: number;
  /** Virtual seconds from the confirmed receipt until settlement. @default 1 day */
  settleAfterConfirmSeconds: number;
  /**
   * Send `confirm_receive_method` the way production is reported to (manual as 1, auto as 2),
   * instead of as documented (PROTOCOL §17.5). @default false
   */
  reversedConfirmReceiveMethod: boolean;
}

export const DEFAULT_SETTINGS: ShippingSettings = {
  ingestDelaySeconds: 0,
  autoConfirmSeconds: 10 * DAY,
  settleAfterConfirmSeconds: DAY,
  reversedConfirmReceiveMethod: false,
};

export interface AppShipping {
  trade_managed: boolean;
  confirmation_completed: boolean;
  /** set_msg_jump_path. */
  msg_jump_path?: string;
  /** When trade_manage_remind_access_api was last pushed. */
  access_reminded_at?: number;
  /** Whether any order of the app was ever shipped. */
  shipped_once?: boolean;
}

export interface StoredPackage {
  tracking_no?: string;
  express_company?: string;
  goods_desc: string;
  /** Unix seconds (get_order reports a number). */
  upload_time: number;
  contact?: { consignor_contact?: string; receiver_contact?: string };
}

export interface StoredShipping {
  delivery_mode: number;
  logistics_type: number;
  finish_shipping: boolean;
  finish_shipping_count: number;
  shipping_list: StoredPackage[];
}

export interface TimelineEntry {
  /** Virtual Unix seconds. */
  at: number;
  event: string;
  detail?: string;
}

export interface Order {
  appid: string;
  transaction_id: string;
  merchant_id: string;
  sub_merchant_id?: string;
  merchant_trade_no: string;
  openid: string;
  paid_amount: number;
  pay_time: number;
  trade_create_time: number;
  order_state: number;
  in_complaint: boolean;
  shipping?: StoredShipping;
  /** Last accepted upload_time in ms (uploads must be newer). */
  last_upload_ms?: number;
  reshipped?: boolean;
  shipped_time?: number;
  /** Due moments on the virtual clock. */
  auto_confirm_at?: number;
  settle_at?: number;
  confirm_receive_time?: number;
  /** 1 auto, 2 manual (as documented). */
  confirm_receive_method?: number;
  settlement_time?: number;
  /** notify_confirm_receive used (once per order). */
  confirm_reminder?: { at: number; received_time: number };
  special?: { type: number; delay_to?: number };
  remind_shipping_sent?: boolean;
  /** Set for sub-orders of a combined upload. */
  combined_with?: string;
  timeline: TimelineEntry[];
}

export interface ShippingSlice {
  settings: ShippingSettings;
  apps: Record<string, AppShipping>;
  /** transaction_id → order. */
  orders: Record<string, Order>;
  /** Payment key → transaction_id: each payment becomes one order. */
  ingested: Record<string, string>;
  nextNo: number;
}

export function initialSlice(): ShippingSlice {
  return { settings: { ...DEFAULT_SETTINGS }, apps: {}, orders: {}, ingested: {}, nextNo: 1 };
}
