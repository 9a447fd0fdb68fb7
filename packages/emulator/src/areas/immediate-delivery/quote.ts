/**
 * A carrier's quote for an order body: distance from the sender and receiver coordinates, the
 * delivery fee by distance and weight, tips, insurance, and the expected dispatch time.
 */
import { type Carrier, R, yuan } from './carriers.js';
import { distanceM } from './geo.js';
import type { Address } from './state.js';

export interface Quote {
  fee: number;
  deliverfee: number;
  couponfee: number;
  tips: number;
  insurancefee: number;
  /** Metres, rounded. */
  distance: number;
  dispatch_duration: number;
}

/** Insurance: 1% of the declared (or goods) value, at least 1 yuan [inferred]. */
const INSURANCE_RATE = 0.01;

export function quote(carrier: Carrier, sender: Address, receiver: Address, body: Record<string, any>): Quote {
  const distance = Math.round(distanceM(sender, receiver));
  const km = distance / 1000;
  if (km > carrier.maxKm) throw R.outOfRange(carrier.maxKm);
  const weight = Number(body.cargo?.goods_weight ?? 0);
  const deliverfee = yuan(
    carrier.base +
      Math.ceil(Math.max(0, km - carrier.baseKm)) * carrier.perKm +
      Math.ceil(Math.max(0, weight - 5)) * carrier.perKgOver5,
  );
  const info = body.order_info ?? {};
  const insured = Number(info.is_insured) === 1;
  const declared = Number(info.declared_value ?? body.cargo?.goods_value ?? 0);
  const couponfee = 0;
  return {
    fee: yuan(deliverfee - couponfee),
    deliverfee,
    couponfee,
    tips: yuan(Number(info.tips ?? 0)),
    insurancefee: insured ? yuan(Math.max(1, declared * INSURANCE_RATE)) : 0,
    distance,
    dispatch_duration: carrier.dispatchS,
  };
}

/** The fee fields of a carrier failure: all zero (as real carrier failures answer). */
export const ZERO_FEES = Object.freeze({ fee: 0, deliverfee: 0, couponfee: 0, tips: 0, insurancefee: 0, distance: 0 });
