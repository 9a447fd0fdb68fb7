/**
 * The intracity rules (PROTOCOL §8.10): errcodes, the cities each carrier serves, quotes from
 * coordinates, the status machine and its automatic timing, the SFTC sandbox receiver. Fees and
 * timings are the emulator's own (WeChat publishes none); they are fixed so tests can rely on them.
 */
import { WxError } from '../../context.js';
import type { IcAddress, IcOrder, IcStore } from './state.js';

export const IC = {
  notOpened: () => new WxError(48001, 'api unauthorized: intracity delivery is not opened, call apply first'),
  other: (why: string) => new WxError(934000, why),
  param: (field: string) => new WxError(934001, `invalid param: ${field}`),
  inProgress: () => new WxError(934002, 'order exists and is in progress'),
  carrier: () => new WxError(934003, 'invalid service_trans_id'),
  refundInTransit: () => new WxError(934006, 'orders in transit, refund not allowed'),
  storeAppid: () => new WxError(934008, 'wx_store_id does not belong to this appid'),
  city: () => new WxError(934009, 'city not supported'),
  storeExists: () => new WxError(934010, 'store already exists'),
  appidToken: () => new WxError(934012, 'appid and access_token do not match'),
  balance: () => new WxError(934013, 'insufficient store balance'),
  noOrder: () => new WxError(934016, 'order not exist'),
  notCancellable: () => new WxError(934017, 'order can not be cancelled'),
  cancelled: () => new WxError(934018, 'order already cancelled'),
  range: () => new WxError(934019, 'out of delivery range'),
  overweight: () => new WxError(934020, 'cargo overweight'),
  noStore: () => new WxError(934021, 'store not exist'),
};

export const CARRIERS = ['DADA', 'SFTC'] as const;
export const CARRIER_NAMES: Record<string, string> = { DADA: '达达', SFTC: '顺丰同城' };
export const PAY_MODES = ['PAY_MODE_STORE', 'PAY_MODE_APP', 'PAY_MODE_COMPONENT'];

/** Cities served, by carrier (city codes as WeChat's getcity returns numbers). */
export const CITIES: Record<string, { city_code: number; city_name: string }[]> = {
  DADA: [
    { city_code: 110100, city_name: '北京市' },
    { city_code: 310100, city_name: '上海市' },
    { city_code: 440100, city_name: '广州市' },
    { city_code: 440300, city_name: '深圳市' },
    { city_code: 330100, city_name: '杭州市' },
    { city_code: 510100, city_name: '成都市' },
    { city_code: 420100, city_name: '武汉市' },
  ],
  SFTC: [
    { city_code: 110100, city_name: '北京市' },
    { city_code: 310100, city_name: '上海市' },
    { city_code: 440100, city_name: '广州市' },
    { city_code: 440300, city_name: '深圳市' },
    { city_code: 330100, city_name: '杭州市' },
    { city_code: 320100, city_name: '南京市' },
  ],
};

const normCity = (s: string) => s.replace(/市$/, '');

/** The city code of an address, or undefined when no carrier serves it. */
export function cityCode(address: IcAddress, carrier?: string): number | undefined {
  for (const [c, list] of Object.entries(CITIES)) {
    if (carrier && c !== carrier) continue;
    const hit = list.find((x) => normCity(x.city_name) === normCity(address.city));
    if (hit) return hit.city_code;
  }
  return undefined;
}

/** Great-circle distance in metres. */
export function distanceMetres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const r = (d: number) => (d * Math.PI) / 180;
  const a =
    Math.sin(r(lat2 - lat1) / 2) ** 2 + Math.cos(r(lat1)) * Math.cos(r(lat2)) * Math.sin(r(lng2 - lng1) / 2) ** 2;
  return Math.round(2 * 6_371_000 * Math.asin(Math.sqrt(a)));
}

/** Longest delivery, in metres (934019 beyond). */
export const MAX_DISTANCE = 20_000;
/** Heaviest cargo, in grams (934020 beyond). */
export const MAX_WEIGHT = 50_000;

/** Fee in fen: a base for the first 3 km, per started km after it, per started kg above 5 kg. */
const TARIFF: Record<string, { base: number; perKm: number; perKg: number }> = {
  DADA: { base: 500, perKm: 100, perKg: 200 },
  SFTC: { base: 600, perKm: 120, perKg: 200 },
};

export interface Quote {
  service_trans_id: string;
  distance: number;
  est_fee: number;
  /** Minutes. */
  promise_delivery_time: number;
  expected_finished_time: number;
}

export function fee(carrier: string, distance: number, weightGrams: number): number {
  const t = TARIFF[carrier]!;
  const km = Math.max(0, Math.ceil((distance - 3000) / 1000));
  const kg = Math.max(0, Math.ceil((weightGrams - 5000) / 1000));
  return t.base + km * t.perKm + kg * t.perKg;
}

/**
 * Chooses the carrier (order_pattern 1: the cheaper one serving the city; 2: the preferred one)
 * and prices the delivery.
 */
export function quote(
  store: IcStore,
  to: { user_lat: number; user_lng: number },
  weightGrams: number,
  now: number,
): Quote {
  const distance = distanceMetres(store.address_info.lat, store.address_info.lng, to.user_lat, to.user_lng);
  if (distance > MAX_DISTANCE) throw IC.range();
  if (weightGrams > MAX_WEIGHT) throw IC.overweight();
  const serving = CARRIERS.filter((c) => cityCode(store.address_info, c) !== undefined);
  let carrier: string | undefined;
  if (store.order_pattern === 2) {
    carrier = store.service_trans_prefer;
    if (!carrier || !serving.includes(carrier as (typeof CARRIERS)[number])) throw IC.city();
  } else {
    carrier = [...serving].sort((a, b) => fee(a, distance, weightGrams) - fee(b, distance, weightGrams))[0];
    if (!carrier) throw IC.city();
  }
  const minutes = 30 + Math.ceil(distance / 1000) * 3;
  return {
    service_trans_id: carrier,
    distance,
    est_fee: fee(carrier, distance, weightGrams),
    promise_delivery_time: minutes,
    expected_finished_time: now + minutes * 60,
  };
}

/** 顺丰同城's sandbox accepts only this receiver (934019 otherwise). */
export const SFTC_SANDBOX_RECEIVER = {
  user_name: '顺丰同城',
  user_phone: '13881979410',
  user_address: '北京市海淀区学清嘉创大厦A座15层',
};

export const S = {
  CREATED: 10000,
  CANCELLED_BY_STORE: 20000,
  CANCELLED_BY_CARRIER: 20001,
  ACCEPTED: 30000,
  ARRIVED: 40000,
  DELIVERING: 50000,
  WITHDRAWN: 60000,
  DELIVERED: 70000,
  EXCEPTION: 90000,
} as const;
export const STATUSES: number[] = Object.values(S);
/** Statuses with the rider still to come or on the way (refunds wait; cancellation may be possible). */
export const IN_PROGRESS = new Set<number>([S.CREATED, S.ACCEPTED, S.ARRIVED, S.DELIVERING]);
/** The merchant may cancel until the rider has picked up. */
export const CANCELLABLE = new Set<number>([S.CREATED, S.ACCEPTED, S.ARRIVED]);
export const FINAL = new Set<number>([S.CANCELLED_BY_STORE, S.CANCELLED_BY_CARRIER, S.DELIVERED]);

/** The automatic path and the seconds each step takes (the last: the promised delivery time). */
export function nextStep(order: IcOrder): { status: number; after: number } | undefined {
  switch (order.order_status) {
    case S.CREATED:
      return { status: S.ACCEPTED, after: 60 };
    case S.ACCEPTED:
      return { status: S.ARRIVED, after: 300 };
    case S.ARRIVED:
      return { status: S.DELIVERING, after: 120 };
    case S.DELIVERING:
      return { status: S.DELIVERED, after: Math.max(60, order.expected_finish_time - order.create_time - 480) };
    default:
      return undefined;
  }
}

/** Fee kept when the merchant cancels: nothing before a rider accepted, 2 元 after. */
export function cancelFee(order: IcOrder): number {
  return order.order_status === S.CREATED ? 0 : Math.min(200, order.fee);
}

const RIDERS = [
  { transporter_name: '王师傅', transporter_phone: '13700000001' },
  { transporter_name: '李师傅', transporter_phone: '13700000002' },
  { transporter_name: '张师傅', transporter_phone: '13700000003' },
];
export function rider(seq: number) {
  return { ...RIDERS[seq % RIDERS.length]! };
}
