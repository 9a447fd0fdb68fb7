/**
 * The immediate-delivery slice: carrier accounts added through the admin API, orders with their
 * timeline and upcoming rider steps, pending DADA delivery_tokens, and the settings. Plain records
 * so the slice exports and imports with the rest of the emulator state.
 */
import type { ShopAccount } from './carriers.js';
import type { Point } from './geo.js';
import type { Quote } from './quote.js';

export interface Address extends Point {
  name: string;
  city: string;
  address: string;
  address_detail: string;
  phone: string;
}

/** One status the order went through. */
export interface TimelineEntry {
  order_status: number;
  /** Unix seconds (the push's action_time). */
  time: number;
  action_msg: string;
  /** Who moved it: the simulated rider, a merchant call, the sandbox mock, or the admin API. */
  by: 'rider' | 'merchant' | 'mock' | 'admin' | 'system';
  /** The push delivery's id and outcome, once sent. */
  push?: { id?: string; status: string; resultcode?: number };
}

/** A step the simulated rider will take at `at` (virtual Unix seconds). */
export interface PlannedStep {
  order_status: number;
  at: number;
  action_msg: string;
}

export interface Rider {
  name: string;
  phone: string;
  /** Where the rider was when assigned. */
  start: Point;
}

/** An order: its identity, addresses (GCJ-02), the quote's fees (yuan) and distance, and its journey. */
export interface OrderRecord extends Quote {
  appid: string;
  delivery_id: string;
  shopid: string;
  shop_order_id: string;
  shop_no: string;
  waybill_id: string;
  openid: string;
  sender: Address;
  receiver: Address;
  goods_value: number;
  finish_code?: number;
  pickup_code?: number;
  order_status: number;
  created_at: number;
  /** Tip actions so far. */
  tip_count: number;
  /** reOrder count. */
  readds: number;
  rider?: Rider;
  timeline: TimelineEntry[];
  /** Upcoming rider steps (automatic mode or a scripted journey). */
  plan: PlannedStep[];
  /** Moved by mockUpdateOrder: the rider no longer acts on its own. */
  manual: boolean;
  cancel?: { cancel_reason_id: number; cancel_reason?: string; deduct_fee: number };
}

export type Journey =
  | 'delivered'
  | 'unreachable'
  | 'refused'
  | 'rider-cancelled'
  | 'merchant-fault'
  | 'force-majeure'
  | 'carrier-cancelled';

export interface DeliverySettings {
  /** Simulated riders move orders on the virtual clock. @default true */
  auto: boolean;
  /** The journey new orders follow in automatic mode. @default 'delivered' */
  journey: Journey;
  /** Sandbox orders per app per day. @default 500 */
  sandboxDailyQuota: number;
}

export interface DeliverySlice {
  settings: DeliverySettings;
  /** `appid|shopid` → account added through the admin API (the built-in ones are not stored). */
  accounts: Record<string, ShopAccount>;
  /** appid → false when openDelivery has not been called (default: opened). */
  opened: Record<string, boolean>;
  /** `appid|shopid|shop_order_id` → order. */
  orders: Record<string, OrderRecord>;
  /** delivery_token → what it was issued for. */
  tokens: Record<string, { key: string; expires_at: number }>;
  /** `appid|day` → sandbox orders placed. */
  quota: Record<string, number>;
  nextWaybill: number;
}

export const DEFAULT_SETTINGS: DeliverySettings = { auto: true, journey: 'delivered', sandboxDailyQuota: 500 };

export function initSlice(): DeliverySlice {
  return {
    settings: { ...DEFAULT_SETTINGS },
    accounts: {},
    opened: {},
    orders: {},
    tokens: {},
    quota: {},
    nextWaybill: 1,
  };
}

export const orderKey = (appid: string, shopid: string, shopOrderId: string) => `${appid}|${shopid}|${shopOrderId}`;
