/**
 * The order status machine (PROTOCOL §8.7): final states, the happy path, failure branches by
 * stage, the journeys a simulated rider can follow, and the cancellation penalty by stage
 * (amounts [inferred]: free before a rider accepts, then rising to the full delivery fee once the
 * goods are picked up).
 */
import type { Journey } from './state.js';

/** `table[key]` for a key from a request (own keys only). */
export function own<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** 302 success; 103, 203, 204, 205, 401, 501, 502 failure. */
export const TERMINAL: ReadonlySet<number> = new Set([302, 103, 203, 204, 205, 401, 501, 502]);
export const isTerminal = (s: number) => TERMINAL.has(s);

/** Returning to the merchant (abnormalConfirm then records 401). */
export const RETURNING: ReadonlySet<number> = new Set([303, 304, 305]);

/** The next status on the way to the receiver (or back to the merchant). */
export const NEXT: Readonly<Record<number, number>> = {
  101: 102,
  102: 201,
  201: 202,
  202: 301,
  301: 302,
  303: 401,
  304: 401,
  305: 401,
};

/** Status messages the simulated carrier sends with each status (`action_msg`). */
export const ACTION_MSG: Readonly<Record<number, string>> = {
  101: '等待骑手接单',
  102: '骑手已接单',
  103: '商家取消订单',
  201: '骑手已到店',
  202: '骑手已取货',
  203: '商家取消订单',
  204: '骑手取消订单',
  205: '骑手因商家原因取消订单',
  301: '配送中',
  302: '已送达',
  303: '商家取消订单，物品返还中',
  304: '无法联系收货人，物品返还中',
  305: '收货人拒收，物品返还中',
  401: '物品已返还商家',
  501: '运力系统原因取消',
  502: '天气原因取消',
};

/** Failure reasons of `emu.delivery.fail(order, reason)` → the status and the stages it applies to. */
export const FAILURES: Readonly<Record<string, { status: number; from: readonly number[] }>> = {
  'rider-cancelled': { status: 204, from: [102, 201] },
  'merchant-fault': { status: 205, from: [102, 201] },
  unreachable: { status: 304, from: [301] },
  refused: { status: 305, from: [301] },
  'force-majeure': { status: 502, from: [101, 102, 201, 202, 301] },
  'carrier-cancelled': { status: 501, from: [101, 102, 201, 202, 301] },
};

/** The failure a stage most naturally meets when `fail` is called without a reason. */
export const DEFAULT_FAILURE: Readonly<Record<number, string>> = {
  101: 'carrier-cancelled',
  102: 'rider-cancelled',
  201: 'rider-cancelled',
  202: 'force-majeure',
  301: 'unreachable',
};

/** The statuses after 101 of each journey. */
export const JOURNEYS: Readonly<Record<Journey, readonly number[]>> = {
  delivered: [102, 201, 202, 301, 302],
  unreachable: [102, 201, 202, 301, 304],
  refused: [102, 201, 202, 301, 305],
  'rider-cancelled': [102, 201, 204],
  'merchant-fault': [102, 201, 205],
  'force-majeure': [102, 502],
  'carrier-cancelled': [501],
};

/** Where a merchant cancellation leads from each stage (after pickup the goods come back). */
export const CANCELLED_TO: Readonly<Record<number, number>> = { 101: 103, 102: 103, 201: 203, 202: 303, 301: 303 };

/** The penalty for cancelling now, and what the carrier says about it. */
export function cancelPenalty(status: number, deliverfee: number): { deduct_fee: number; desc: string } {
  if (status === 101) return { deduct_fee: 0, desc: '骑手尚未接单，免费取消' };
  if (status === 102) return { deduct_fee: Math.min(2, deliverfee), desc: '骑手已接单，取消将扣除违约金' };
  if (status === 201) return { deduct_fee: Math.min(5, deliverfee), desc: '骑手已到店，取消将扣除违约金' };
  return { deduct_fee: deliverfee, desc: '骑手已取货，取消将扣除全部配送费，物品将返还商家' };
}
