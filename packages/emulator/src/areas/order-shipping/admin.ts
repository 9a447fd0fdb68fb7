/** The order-shipping area's admin operations: the buyer's actions, settlement, switches, settings. */
import { AdminError } from '../../admin/ops.js';
import type { AreaContext, EmuApp } from '../../context.js';
import * as push from './pushes.js';
import type { OrderBook } from './orders.js';
import { orderWire } from './orders.js';
import { type AppShipping, type Order, STATE, type ShippingSettings, type ShippingSlice } from './state.js';

export interface OrderRef {
  appid?: string;
  transaction_id?: string;
  merchant_trade_no?: string;
}

/** An order as the admin API shows it: the wire view plus the timeline and due moments. */
export interface OrderView {
  order: Record<string, unknown>;
  appid: string;
  timeline: Order['timeline'];
  auto_confirm_at?: number;
  settle_at?: number;
  confirm_reminder?: Order['confirm_reminder'];
  special?: Order['special'];
  combined_with?: string;
}

const view = (o: Order): OrderView =>
  structuredClone({
    order: orderWire(o),
    appid: o.appid,
    timeline: o.timeline,
    ...(o.auto_confirm_at !== undefined ? { auto_confirm_at: o.auto_confirm_at } : {}),
    ...(o.settle_at !== undefined ? { settle_at: o.settle_at } : {}),
    ...(o.confirm_reminder ? { confirm_reminder: o.confirm_reminder } : {}),
    ...(o.special ? { special: o.special } : {}),
    ...(o.combined_with ? { combined_with: o.combined_with } : {}),
  });

export function shippingAdmin(
  ctx: AreaContext,
  st: () => ShippingSlice,
  book: OrderBook,
  resolveApp: (appid?: string) => EmuApp,
) {
  const now = () => {
    const t = ctx.clock.now();
    book.tick(t);
    return t;
  };
  const find = (ref: OrderRef): Order => {
    const app = resolveApp(ref?.appid);
    const order = Object.values(st().orders).find(
      (o) =>
        o.appid === app.appid &&
        ((ref.transaction_id && o.transaction_id === ref.transaction_id) ||
          (ref.merchant_trade_no && o.merchant_trade_no === ref.merchant_trade_no)),
    );
    if (!order) throw new AdminError(404, 'no such order (transaction_id or merchant_trade_no) in the shipping system');
    return order;
  };
  return {
    /** Orders with their timelines, oldest payment first. */
    orders(filter: { appid?: string; order_state?: number | string } = {}): OrderView[] {
      now();
      return Object.values(st().orders)
        .filter(
          (o) =>
            (!filter.appid || o.appid === filter.appid) &&
            (!filter.order_state || o.order_state === Number(filter.order_state)),
        )
        .sort((a, b) => a.pay_time - b.pay_time)
        .map(view);
    },

    order(ref: OrderRef): OrderView {
      now();
      return view(find(ref));
    },

    /** The buyer taps 确认收货 (state 2 → 3); settlement follows after `settleAfterConfirmSeconds`. */
    confirmReceipt(ref: OrderRef): OrderView {
      const t = now();
      const order = find(ref);
      if (order.order_state !== STATE.SHIPPED)
        throw new AdminError(409, `order is in state ${order.order_state}, not 2 (shipped)`);
      book.confirm(order, t, 2);
      return view(order);
    },

    /** Settles now: state 3 → 4 (a shipped order is confirmed automatically first). Sends the settlement push. */
    settle(ref: OrderRef): OrderView {
      const t = now();
      const order = find(ref);
      if (order.order_state === STATE.SHIPPED) book.confirm(order, t, 1);
      if (order.order_state !== STATE.RECEIVED)
        throw new AdminError(409, `order is in state ${order.order_state}, not 2 or 3`);
      book.settle(order, t);
      return view(order);
    },

    /** The merchant refunds (state 5). */
    refund(ref: OrderRef): OrderView {
      const t = now();
      const order = find(ref);
      if (order.order_state === STATE.COMPLETED) throw new AdminError(409, 'a settled order cannot be refunded here');
      book.refund(order, t);
      return view(order);
    },

    /** The buyer opens (or closes) a complaint: `in_complaint`. */
    setComplaint(ref: OrderRef & { in_complaint?: boolean }): OrderView {
      const t = now();
      const order = find(ref);
      order.in_complaint = ref.in_complaint !== false;
      book.note(order, t, order.in_complaint ? 'complaint opened' : 'complaint closed');
      return view(order);
    },

    /** Per-app switches: trade_managed, confirmation_completed (both true by default). */
    setApp(input: { appid?: string; trade_managed?: boolean; confirmation_completed?: boolean }): AppShipping {
      const app = resolveApp(input?.appid);
      const cfg = book.appConfig(app.appid);
      if (input.trade_managed !== undefined) cfg.trade_managed = !!input.trade_managed;
      if (input.confirmation_completed !== undefined) cfg.confirmation_completed = !!input.confirmation_completed;
      return { ...cfg };
    },

    getApp(input: { appid?: string } = {}): AppShipping {
      return { ...book.appConfig(resolveApp(input?.appid).appid) };
    },

    /** Pushes `trade_manage_remind_access_api` now. */
    remindAccessApi(input: { appid?: string; msg?: string } = {}): { ok: true } {
      const app = resolveApp(input?.appid);
      if (!app.push) throw new AdminError(409, `app ${app.appid} has no push config`);
      book.appConfig(app.appid).access_reminded_at = ctx.clock.now();
      book.send(
        app.appid,
        push.remindAccessApi(app, ctx.clock.now(), String(input.msg ?? '请接入发货信息管理服务API')),
      );
      return { ok: true };
    },

    configure(patch: Partial<ShippingSettings> = {}): ShippingSettings {
      const s = st().settings;
      for (const k of ['ingestDelaySeconds', 'autoConfirmSeconds', 'settleAfterConfirmSeconds'] as const) {
        if (patch[k] === undefined) continue;
        const n = Number(patch[k]);
        if (!Number.isFinite(n) || n < 0) throw new AdminError(400, `${k} must be a non-negative number`);
        s[k] = n;
      }
      if (patch.reversedConfirmReceiveMethod !== undefined)
        s.reversedConfirmReceiveMethod = !!patch.reversedConfirmReceiveMethod;
      return { ...s };
    },

    settings(): ShippingSettings {
      return { ...st().settings };
    },
  };
}
