/**
 * The journey engine: every status change of an order goes through `setStatus` (timeline entry,
 * rider assignment, `update_waybill_status` push, console event); `tick` lets the simulated
 * riders take the steps that are due on the virtual clock, in time order, each with its own
 * action_time. Pushes of one order are sent one after another, so the app sees them in order.
 */
import { ORDER_STATUS_LABELS } from '@miniapp-server/sdk';
import type { AreaContext } from '../../context.js';
import { PushQueue } from '../../ticker.js';
import { WECHAT_TEAM } from '../../wechat-team.js';
import { type Carrier, CARRIERS, carrierOf } from './carriers.js';
import { assignRider, estimatedArrival, planSteps, riderPosition, secondsToArrival } from './rider.js';
import { ACTION_MSG, JOURNEYS, NEXT, RETURNING, isTerminal, own } from './rules.js';
import { type DeliverySlice, type OrderRecord, type TimelineEntry, initSlice } from './state.js';

export class DeliveryEngine {
  /** Pushes in order per order (not state: promises do not export). */
  private readonly queue: PushQueue;

  constructor(private readonly ctx: AreaContext) {
    this.queue = new PushQueue(ctx);
  }

  get st(): DeliverySlice {
    return this.ctx.slice<DeliverySlice>('immediateDelivery', initSlice);
  }

  carrier(order: { delivery_id: string }): Carrier {
    return carrierOf(order.delivery_id) ?? (CARRIERS.TEST as Carrier);
  }

  /** Moves `order` to `status` at `time`; records, pushes, and tells the console. */
  setStatus(order: OrderRecord, status: number, time: number, by: TimelineEntry['by'], actionMsg?: string): void {
    order.order_status = status;
    if (status === 102 && !order.rider) order.rider = assignRider(order);
    const entry: TimelineEntry = { order_status: status, time, action_msg: actionMsg ?? ACTION_MSG[status] ?? '', by };
    order.timeline.push(entry);
    if (isTerminal(status)) order.plan = [];
    this.ctx.emit('delivery.status', { appid: order.appid, waybill_id: order.waybill_id, order_status: status, time });
    this.push(order, entry);
  }

  /** Plans the rest of a journey: `statuses` after the current one, timed from `from`. */
  plan(order: OrderRecord, statuses: readonly number[], from = this.ctx.clock.now()): void {
    order.plan = planSteps(order, this.carrier(order), statuses, from);
  }

  /** The automatic plan of a new order (automatic mode only). */
  planNew(order: OrderRecord): void {
    const s = this.st.settings;
    order.plan = [];
    if (s.auto) this.plan(order, own(JOURNEYS, s.journey) ?? JOURNEYS.delivered, order.created_at);
  }

  /** After a manual move: in automatic mode the rider carries on along the happy path (returns wait for abnormalConfirm). */
  replan(order: OrderRecord): void {
    order.plan = [];
    if (!this.st.settings.auto || order.manual || isTerminal(order.order_status) || RETURNING.has(order.order_status))
      return;
    const rest: number[] = [];
    for (let s = NEXT[order.order_status]; s !== undefined && !RETURNING.has(s); s = NEXT[s]) {
      rest.push(s);
      if (s === 302) break;
    }
    this.plan(order, rest);
  }

  /** Takes every rider step due by now, oldest first. */
  tick(): void {
    const now = this.ctx.clock.now();
    for (;;) {
      let next: OrderRecord | undefined;
      for (const o of Object.values(this.st.orders)) {
        const step = o.plan[0];
        if (step && step.at <= now && (!next || step.at < (next.plan[0]?.at ?? Number.POSITIVE_INFINITY))) next = o;
      }
      if (!next) return;
      const step = next.plan.shift()!;
      this.setStatus(next, step.order_status, step.at, 'rider', step.action_msg);
    }
  }

  /** Takes the due steps, then waits until every push sent so far is delivered (or failed). */
  async sync(): Promise<void> {
    this.tick();
    await this.drain();
  }

  /** Waits until every push sent so far is delivered (or failed). */
  drain(): Promise<void> {
    return this.queue.idle();
  }

  /** The order as the admin API and the console show it: timeline, rider, position, coordinates. */
  view(order: OrderRecord) {
    const now = this.ctx.clock.now();
    const carrier = this.carrier(order);
    const { plan, ...rest } = order;
    const label = (s: number) => (ORDER_STATUS_LABELS as Record<number, { zh: string; en: string }>)[s] ?? null;
    const copy = structuredClone(rest);
    return {
      ...copy,
      timeline: copy.timeline.map((t) => ({ ...t, label: label(t.order_status) })),
      label: label(order.order_status),
      delivery_name: carrier.delivery_name,
      terminal: isTerminal(order.order_status),
      rider_position: riderPosition(order, carrier, now) ?? null,
      reach_time: secondsToArrival(order, carrier, now) ?? null,
      upcoming: structuredClone(plan),
    };
  }

  private push(order: OrderRecord, entry: TimelineEntry): void {
    const carrier = this.carrier(order);
    const agent = order.rider
      ? {
          name: order.rider.name,
          phone: order.rider.phone,
          ...(estimatedArrival(order, carrier, entry.order_status, entry.time) !== undefined
            ? { reach_time: estimatedArrival(order, carrier, entry.order_status, entry.time) }
            : {}),
        }
      : undefined;
    const message: Record<string, unknown> = {
      FromUserName: WECHAT_TEAM,
      CreateTime: entry.time,
      MsgType: 'event',
      Event: 'update_waybill_status',
      shopid: order.shopid,
      shop_order_id: order.shop_order_id,
      shop_no: order.shop_no,
      waybill_id: order.waybill_id,
      action_time: entry.time,
      order_status: entry.order_status,
      action_msg: entry.action_msg,
      ...(agent ? { agent } : {}),
    };
    void this.queue.run(async () => {
      try {
        const d = (await this.ctx.push(order.appid, message)) as
          | { id: string; status: string; reply?: { message?: Record<string, unknown> } }
          | undefined;
        const code = d?.reply?.message?.resultcode;
        entry.push = d
          ? { id: d.id, status: d.status, ...(code !== undefined ? { resultcode: Number(code) } : {}) }
          : { status: 'no push config' };
      } catch (e) {
        entry.push = { status: `failed: ${(e as Error).message}` };
      }
    }, order.waybill_id);
  }
}
