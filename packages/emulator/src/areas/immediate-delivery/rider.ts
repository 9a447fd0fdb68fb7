/**
 * The simulated rider: who is assigned, how long each step takes (from the carrier's timings and
 * the distances), the plan of a journey on the virtual clock, and where the rider is at any
 * moment — moving from a point near the store to the sender, then from the sender to the
 * receiver, and back to the sender when the goods are returned.
 */
import { createHash } from 'node:crypto';
import type { Carrier } from './carriers.js';
import { type Point, distanceM, lerp, offset } from './geo.js';
import { ACTION_MSG } from './rules.js';
import type { OrderRecord, PlannedStep, Rider } from './state.js';

/** How far from the store a rider is when assigned, metres. */
export const APPROACH_M = 1000;
/** Seconds from pickup to setting off. */
const DEPART_S = 30;
/** Seconds a carrier takes to cancel for its own reasons (501/502) or a rider to give up (204/205). */
const GIVE_UP_S = 90;

const SURNAMES = ['张', '李', '王', '刘', '陈', '杨', '赵', '黄', '周', '吴'];

function hash(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** A deterministic rider for an order (same waybill → same rider). */
export function assignRider(order: OrderRecord): Rider {
  const h = hash(`${order.waybill_id}|${order.readds}`);
  const digits = [...h.subarray(4, 13)].map((b) => String(b % 10)).join('');
  return {
    name: `${SURNAMES[(h[0] as number) % SURNAMES.length]}师傅`,
    phone: `13${digits}`,
    start: offset(order.sender, APPROACH_M, ((h.readUInt16BE(2) % 360) + 360) % 360),
  };
}

const travelS = (a: Point, b: Point, carrier: Carrier) => Math.max(60, Math.round(distanceM(a, b) / carrier.speedMps));

/** Seconds a transition takes. */
export function stepSeconds(order: OrderRecord, carrier: Carrier, from: number, to: number): number {
  if (to === 102 || (from === 101 && to === 501)) return order.dispatch_duration;
  if (to === 201) return Math.round(APPROACH_M / carrier.speedMps);
  if (to === 202) return carrier.pickupS;
  if (to === 301) return DEPART_S;
  if (to === 302 || to === 304 || to === 305) return travelS(order.sender, order.receiver, carrier);
  return GIVE_UP_S;
}

/** Timed steps for `statuses` starting from the order's current status at `from` (Unix seconds). */
export function planSteps(
  order: OrderRecord,
  carrier: Carrier,
  statuses: readonly number[],
  from: number,
): PlannedStep[] {
  const steps: PlannedStep[] = [];
  let prev = order.order_status;
  let at = from;
  for (const s of statuses) {
    at += stepSeconds(order, carrier, prev, s);
    steps.push({ order_status: s, at, action_msg: ACTION_MSG[s] ?? '' });
    prev = s;
  }
  return steps;
}

/** Where the rider is at `now`, or undefined when no rider is on the order. */
export function riderPosition(order: OrderRecord, carrier: Carrier, now: number): Point | undefined {
  return positionAt(order, carrier, order.timeline.length - 1, now);
}

function positionAt(order: OrderRecord, carrier: Carrier, index: number, now: number): Point | undefined {
  const entry = order.timeline[index];
  const rider = order.rider;
  if (!entry || !rider) return undefined;
  const elapsed = now - entry.time;
  switch (entry.order_status) {
    case 102:
      return lerp(rider.start, order.sender, elapsed / stepSeconds(order, carrier, 102, 201));
    case 201:
    case 202:
    case 401:
      return { lng: order.sender.lng, lat: order.sender.lat };
    case 301:
      return lerp(order.sender, order.receiver, elapsed / travelS(order.sender, order.receiver, carrier));
    case 302:
      return { lng: order.receiver.lng, lat: order.receiver.lat };
    case 303:
    case 304:
    case 305: {
      const from = positionAt(order, carrier, index - 1, entry.time) ?? order.receiver;
      return lerp(from, order.sender, elapsed / travelS(from, order.sender, carrier));
    }
    default:
      return undefined;
  }
}

/** getOrder's `reach_time`: seconds until the receiver is reached, while delivering. */
export function secondsToArrival(order: OrderRecord, carrier: Carrier, now: number): number | undefined {
  const last = order.timeline[order.timeline.length - 1];
  if (!last || order.order_status !== 301) return undefined;
  return Math.max(0, last.time + travelS(order.sender, order.receiver, carrier) - now);
}

/** The push's `agent.reach_time`: the estimated arrival (Unix seconds) at the next place the rider heads to. */
export function estimatedArrival(
  order: OrderRecord,
  carrier: Carrier,
  status: number,
  time: number,
): number | undefined {
  if (status === 102) return time + stepSeconds(order, carrier, 102, 201);
  if (status === 202) return time + DEPART_S + travelS(order.sender, order.receiver, carrier);
  if (status === 301) return time + travelS(order.sender, order.receiver, carrier);
  return undefined;
}
