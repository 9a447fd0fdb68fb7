/**
 * The emulated carriers (运力): names, published test accounts, pricing, rider timings, tip and
 * cancel rules (PROTOCOL §8.6), and the carrier-level result codes. Prices, timings and result
 * codes are not published by WeChat or the carriers: the values here are plausible and fixed so
 * tests can name them [inferred].
 */
import type { Address } from './state.js';

/** A carrier-level failure: HTTP 200, no errcode, `resultcode` ≠ 0, fee fields zeroed. */
export class CarrierError extends Error {
  constructor(
    readonly resultcode: number,
    readonly resultmsg: string,
  ) {
    super(`${resultcode} ${resultmsg}`);
  }
}

/** Carrier result codes the emulator uses (the real ones differ per carrier and are not documented). */
export const R = {
  badSign: () => new CarrierError(2003, '签名错误'),
  receiver: () => new CarrierError(1010, '收件人信息不正确'),
  sender: () => new CarrierError(1011, '发件人信息不正确'),
  shopNo: () => new CarrierError(1012, '门店编号不能为空'),
  directDelivery: () => new CarrierError(1013, '闪送订单必须直送 (is_direct_delivery=1)'),
  orderTime: () => new CarrierError(1014, '缺少用户下单时间 order_time'),
  outOfRange: (km: number) => new CarrierError(1020, `超出配送范围 (最远 ${km} 公里)`),
  tipRule: (why: string) => new CarrierError(1030, `小费不符合规则: ${why}`),
  tipStage: () => new CarrierError(1031, '骑手已接单，不能加小费'),
  tipUnsupported: () => new CarrierError(1032, '该运力不支持加小费'),
  cancelStage: (why: string) => new CarrierError(1040, `当前状态不能取消: ${why}`),
  confirmStage: () => new CarrierError(1050, '订单不在返还商家状态，无需确认'),
  deliveryToken: () => new CarrierError(1060, 'delivery_token 无效或已过期'),
};

export interface TipRules {
  supported: boolean;
  /** Most tip actions per order. */
  maxTimes?: number;
  /** Highest tip, yuan. */
  cap?: number;
  /** Allowed amounts only. */
  tiers?: readonly number[];
  /** The tip may not exceed the goods value. */
  capAtGoodsValue?: boolean;
}

export interface Carrier {
  delivery_id: string;
  delivery_name: string;
  /** Yuan for the first `baseKm`, then `perKm` per started kilometre. */
  base: number;
  baseKm: number;
  perKm: number;
  /** Yuan per started kilogram above 5 kg. */
  perKgOver5: number;
  /** Longest delivery, km. */
  maxKm: number;
  /** Seconds until a rider accepts (the quote's dispatch_duration). */
  dispatchS: number;
  /** Seconds the rider waits at the store for the goods. */
  pickupS: number;
  /** Rider speed, metres per second. */
  speedMps: number;
  tips: TipRules;
  /** Merchant may cancel after pickup (DADA: only before). */
  cancelAfterPickup: boolean;
  /** The body needs `sender` (SFTC, SS). */
  needsSender: boolean;
  /** The body needs `shop_no` (MTPS, SS). */
  needsShopNo: boolean;
  /** pre_add issues a delivery_token (DADA). */
  deliveryToken: boolean;
  /** Statuses realmock_update_order accepts (SFTC, DADA test environments). */
  realmock?: readonly number[];
}

const c = (x: Carrier) => Object.freeze(x);

export const CARRIERS: Readonly<Record<string, Carrier>> = Object.freeze({
  TEST: c({
    delivery_id: 'TEST',
    delivery_name: '测试配送公司',
    base: 10,
    baseKm: 3,
    perKm: 2,
    perKgOver5: 1,
    maxKm: 50,
    dispatchS: 300,
    pickupS: 120,
    speedMps: 4.5,
    tips: { supported: true, cap: 200 },
    cancelAfterPickup: true,
    needsSender: false,
    needsShopNo: false,
    deliveryToken: false,
  }),
  SFTC: c({
    delivery_id: 'SFTC',
    delivery_name: '顺丰同城急送',
    base: 12,
    baseKm: 3,
    perKm: 2.5,
    perKgOver5: 2,
    maxKm: 20,
    dispatchS: 120,
    pickupS: 180,
    speedMps: 5,
    tips: { supported: true, maxTimes: 10, cap: 200 },
    cancelAfterPickup: true,
    needsSender: true,
    needsShopNo: false,
    deliveryToken: false,
    realmock: [102, 202, 302],
  }),
  SS: c({
    delivery_id: 'SS',
    delivery_name: '闪送',
    base: 15,
    baseKm: 3,
    perKm: 3,
    perKgOver5: 2,
    maxKm: 50,
    dispatchS: 90,
    pickupS: 120,
    speedMps: 5.5,
    tips: { supported: true, tiers: [2, 3, 5, 10, 15, 20, 50, 100] },
    cancelAfterPickup: true,
    needsSender: true,
    needsShopNo: true,
    deliveryToken: false,
  }),
  MTPS: c({
    delivery_id: 'MTPS',
    delivery_name: '美团配送',
    base: 10,
    baseKm: 3,
    perKm: 2,
    perKgOver5: 1,
    maxKm: 15,
    dispatchS: 180,
    pickupS: 300,
    speedMps: 4.2,
    tips: { supported: false },
    cancelAfterPickup: true,
    needsSender: false,
    needsShopNo: true,
    deliveryToken: false,
  }),
  DADA: c({
    delivery_id: 'DADA',
    delivery_name: '达达',
    base: 9,
    baseKm: 3,
    perKm: 1.8,
    perKgOver5: 1,
    maxKm: 15,
    dispatchS: 150,
    pickupS: 240,
    speedMps: 4,
    tips: { supported: true, cap: 30, capAtGoodsValue: true },
    cancelAfterPickup: false,
    needsSender: false,
    needsShopNo: false,
    deliveryToken: true,
    realmock: [102, 201, 202, 301, 302, 304, 305],
  }),
  UU: c({
    delivery_id: 'UU',
    delivery_name: 'UU跑腿',
    base: 8,
    baseKm: 3,
    perKm: 2,
    perKgOver5: 1,
    maxKm: 30,
    dispatchS: 120,
    pickupS: 180,
    speedMps: 4.5,
    tips: { supported: true, cap: 100 },
    cancelAfterPickup: true,
    needsSender: false,
    needsShopNo: false,
    deliveryToken: false,
  }),
});

/** The carrier of a `delivery_id` from a request (own keys only: `__proto__` is no carrier). */
export function carrierOf(id: unknown): Carrier | undefined {
  return typeof id === 'string' && Object.hasOwn(CARRIERS, id) ? CARRIERS[id] : undefined;
}

/** A carrier account (shopid = appkey) a mini program can order with. */
export interface ShopAccount {
  /** The app it is bound to (absent: built in, bound to every app). */
  appid?: string;
  delivery_id: string;
  shopid: string;
  secret: string;
  /** Store number; the store's address is the default sender. */
  shop_no?: string;
  /** 0 approved, 1 reviewing, 2 rejected. */
  audit_result: 0 | 1 | 2;
  /** Where riders pick up when the order has no `sender` (MTPS/DADA with shop_no). */
  store?: Address;
}

/** The sandbox account and the published carrier test accounts (PROTOCOL §8.9), bound to every app. */
export const BUILTIN_ACCOUNTS: readonly ShopAccount[] = Object.freeze([
  { delivery_id: 'TEST', shopid: 'test_shop_id', secret: 'test_app_secrect', audit_result: 0 },
  {
    delivery_id: 'SFTC',
    shopid: '1534713176',
    secret: 'd80400f91e156f63b38886e616d84590',
    shop_no: '3243279847393',
    audit_result: 0,
  },
  {
    delivery_id: 'DADA',
    shopid: 'dadaaee18818d97e236',
    secret: '1c6f40492d6d89caaad80b85f7d31670',
    shop_no: '77071-47913',
    audit_result: 0,
  },
] as ShopAccount[]);

export const SANDBOX_SHOPID = 'test_shop_id';
/** Sandbox orders per app per day (930564 beyond). */
export const SANDBOX_DAILY_QUOTA = 500;

/** Rounds to fen. */
export const yuan = (n: number) => Math.round(n * 100) / 100;
