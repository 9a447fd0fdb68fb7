/**
 * Orders of the shipping system and their state machine (PROTOCOL §17.6): payments become orders
 * in state 1 after the ingest delay; upload → 2 (re-shipping once); confirm receipt (the user, or
 * automatically) → 3; settlement → 4; refund → 5. Every transition lands in the order's timeline
 * and the due ones run on the virtual clock.
 */
import type { AreaContext, EmuApp } from '../../context.js';
import type { PushQueue } from '../../ticker.js';
import * as push from './pushes.js';
import {
  DESCRIPTION_MAX,
  MAX_PACKAGES,
  type Order,
  REMIND_SHIPPING_AFTER,
  STATE,
  type ShippingSlice,
  type StoredShipping,
} from './state.js';
import { ERR, type OrderKeyIn, type ShipmentIn } from './upload-rules.js';

const DAY = 86400;
/** Used when a recorded payment names no merchant. */
export const DEFAULT_MCHID = '1230000109';

export class OrderBook {
  constructor(
    private readonly ctx: AreaContext,
    private readonly st: () => ShippingSlice,
    private readonly queue: PushQueue,
  ) {}

  appConfig(appid: string) {
    const apps = this.st().apps;
    apps[appid] ??= { trade_managed: true, confirmation_completed: true };
    return apps[appid];
  }

  /** Queues a push (in order) when the app has a push config. */
  send(appid: string, message: Record<string, unknown>): void {
    const app = this.ctx.getApp(appid);
    if (app?.push) void this.queue.send(appid, message);
  }

  /** Adds a timeline entry (and tells the console). */
  note(order: Order, at: number, event: string, detail?: string): void {
    order.timeline.push({ at, event, ...(detail ? { detail } : {}) });
    this.ctx.emit('order-shipping.order', { transaction_id: order.transaction_id, event });
  }

  /** Payments whose ingest delay has passed become orders (state 1). */
  ingest(now: number): void {
    const s = this.st();
    for (const app of this.ctx.listApps()) {
      for (const p of this.ctx.listPayments(app.appid)) {
        const key = `${app.appid}|${p.transaction_id ?? ''}|${p.mch_id ?? ''}|${p.out_trade_no ?? ''}`;
        if (s.ingested[key] || now < p.paid_at + s.settings.ingestDelaySeconds) continue;
        const no = s.nextNo++;
        const transaction_id =
          p.transaction_id ?? `42000${String(p.paid_at).padStart(10, '0')}${String(no).padStart(13, '0')}`;
        const order: Order = {
          appid: app.appid,
          transaction_id,
          merchant_id: p.mch_id ?? DEFAULT_MCHID,
          ...(p.sub_mch_id ? { sub_merchant_id: p.sub_mch_id } : {}),
          merchant_trade_no: p.out_trade_no ?? `emu${p.paid_at}${no}`,
          openid: p.openid,
          paid_amount: p.amount ?? 1,
          pay_time: p.paid_at,
          trade_create_time: p.paid_at,
          order_state: STATE.PENDING,
          in_complaint: false,
          timeline: [
            { at: p.paid_at, event: 'paid' },
            { at: Math.max(p.paid_at, p.paid_at + s.settings.ingestDelaySeconds), event: 'in the shipping system' },
          ],
        };
        s.ingested[key] = transaction_id;
        s.orders[transaction_id] = order;
        const cfg = this.appConfig(app.appid);
        // "产生第一笔交易时" and daily while trades exist that were never shipped.
        if (!cfg.shipped_once && (cfg.access_reminded_at === undefined || now - cfg.access_reminded_at >= DAY)) {
          cfg.access_reminded_at = now;
          this.send(app.appid, push.remindAccessApi(app, now, '你的小程序已产生交易，请接入发货信息管理服务API'));
        }
      }
    }
  }

  /** The upload APIs' key. */
  byKey(appid: string, key: OrderKeyIn): Order | undefined {
    const orders = Object.values(this.st().orders).filter((o) => o.appid === appid);
    return key.order_number_type === 2
      ? orders.find((o) => o.transaction_id === key.transaction_id)
      : orders.find((o) => o.merchant_id === key.mchid && o.merchant_trade_no === key.out_trade_no);
  }

  /** get_order / notify_confirm_receive ids (10060014 when none is given). */
  byQuery(appid: string, body: Record<string, any>): Order {
    const orders = Object.values(this.st().orders).filter((o) => o.appid === appid);
    let order: Order | undefined;
    if (typeof body.transaction_id === 'string' && body.transaction_id) {
      order = orders.find((o) => o.transaction_id === body.transaction_id);
    } else if (typeof body.merchant_id === 'string' && typeof body.merchant_trade_no === 'string') {
      order = orders.find(
        (o) =>
          o.merchant_id === body.merchant_id &&
          o.merchant_trade_no === body.merchant_trade_no &&
          (!body.sub_merchant_id || o.sub_merchant_id === body.sub_merchant_id),
      );
    } else throw ERR.params();
    if (!order) throw ERR.notFound();
    return order;
  }

  /** Everything an upload would change, checked before anything is changed (combined uploads are all-or-nothing). */
  checkShippable(order: Order, payer: string, ship: ShipmentIn, uploadMs: number): void {
    if (order.openid !== payer) throw ERR.payer();
    if (order.order_state === STATE.REFUNDED || order.special?.type === 2) throw ERR.notShippable();
    if (order.order_state === STATE.RECEIVED || order.order_state === STATE.COMPLETED) throw ERR.shippedDone();
    if (order.last_upload_ms !== undefined && uploadMs <= order.last_upload_ms) throw ERR.unchanged();
    if (order.order_state === STATE.SHIPPED) {
      if (order.reshipped) throw ERR.reshipUsed();
      if (sameShipping(order.shipping, ship)) throw ERR.unchanged();
    } else if (order.shipping && !order.shipping.finish_shipping) {
      // Split delivery in progress: more packages for the same payment.
      const total = order.shipping.shipping_list.length + ship.shipping_list.length;
      if (
        ship.delivery_mode !== order.shipping.delivery_mode ||
        ship.logistics_type !== order.shipping.logistics_type
      ) {
        throw ERR.logisticsType();
      }
      if (total > MAX_PACKAGES) throw ERR.tooMany();
    }
  }

  /** Applies a checked upload. */
  ship(order: Order, ship: ShipmentIn, uploadMs: number, now: number, combinedWith?: string): void {
    const s = this.st();
    const uploadSec = Math.floor(uploadMs / 1000);
    const packages = ship.shipping_list.map((p) => ({
      ...(p.tracking_no ? { tracking_no: p.tracking_no } : {}),
      ...(p.express_company ? { express_company: p.express_company } : {}),
      goods_desc: p.item_desc,
      upload_time: uploadSec,
      ...(p.contact ? { contact: { ...p.contact } } : {}),
    }));
    const complete = ship.delivery_mode === 1 || ship.is_all_delivered === true;
    order.last_upload_ms = uploadMs;
    if (combinedWith) order.combined_with = combinedWith;
    if (order.order_state === STATE.SHIPPED) {
      // 重新发货: replaces the shipping information, once.
      order.reshipped = true;
      order.shipping = shippingOf(ship, packages, true, 2);
      this.note(order, now, 're-shipped', describe(ship));
      return;
    }
    const prior = order.shipping && !order.shipping.finish_shipping ? order.shipping.shipping_list : [];
    order.shipping = shippingOf(ship, [...prior, ...packages], complete, complete ? 1 : 0);
    if (!complete) {
      this.note(order, now, 'partially shipped', describe(ship));
      return;
    }
    order.order_state = STATE.SHIPPED;
    order.shipped_time = now;
    order.auto_confirm_at = now + s.settings.autoConfirmSeconds;
    this.appConfig(order.appid).shipped_once = true;
    this.note(order, now, 'shipped', describe(ship));
    const app = this.ctx.getApp(order.appid) as EmuApp;
    const estimated = order.auto_confirm_at + s.settings.settleAfterConfirmSeconds;
    this.send(order.appid, push.shippedSettlement(app, order, now, estimated));
    this.note(order, now, 'push trade_manage_order_settlement (shipped)');
  }

  /** The buyer confirmed receipt (method 2) or the platform did (method 1). */
  confirm(order: Order, at: number, method: 1 | 2): void {
    order.order_state = STATE.RECEIVED;
    order.confirm_receive_time = at;
    order.confirm_receive_method = method;
    order.auto_confirm_at = undefined;
    order.settle_at = at + this.st().settings.settleAfterConfirmSeconds;
    this.note(order, at, method === 2 ? 'receipt confirmed by the user' : 'receipt confirmed automatically');
  }

  settle(order: Order, at: number): void {
    order.order_state = STATE.COMPLETED;
    order.settlement_time = at;
    order.settle_at = undefined;
    this.note(order, at, 'settled');
    const app = this.ctx.getApp(order.appid) as EmuApp;
    this.send(order.appid, push.settled(app, order, at, this.st().settings.reversedConfirmReceiveMethod));
    this.note(order, at, 'push trade_manage_order_settlement (settled)');
  }

  refund(order: Order, at: number, why = 'refunded'): void {
    order.order_state = STATE.REFUNDED;
    order.auto_confirm_at = undefined;
    order.settle_at = undefined;
    this.note(order, at, why);
  }

  /** Runs every due transition in time order (a big clock jump replays them all at their moments). */
  tick(now: number): void {
    this.ingest(now);
    const orders = Object.values(this.st().orders);
    for (;;) {
      let next: { at: number; run: () => void } | undefined;
      for (const o of orders) {
        const cand: Array<[number | undefined, () => void]> = [
          [
            o.order_state === STATE.SHIPPED ? o.auto_confirm_at : undefined,
            () => this.confirm(o, o.auto_confirm_at as number, 1),
          ],
          [o.order_state === STATE.RECEIVED ? o.settle_at : undefined, () => this.settle(o, o.settle_at as number)],
          [this.remindDue(o), () => this.remindShipping(o, now)],
        ];
        for (const [at, run] of cand) if (at !== undefined && at <= now && (!next || at < next.at)) next = { at, run };
      }
      if (!next) return;
      next.run();
    }
  }

  /** 48 h unshipped, for apps that shipped before; presale orders from their `delay_to`. */
  private remindDue(o: Order): number | undefined {
    if (o.order_state !== STATE.PENDING || o.remind_shipping_sent || o.special?.type === 2) return undefined;
    if (o.shipping && !o.shipping.finish_shipping) return undefined;
    if (!this.appConfig(o.appid).shipped_once) return undefined;
    return Math.max(o.pay_time + REMIND_SHIPPING_AFTER, o.special?.delay_to ?? 0);
  }

  private remindShipping(o: Order, now: number): void {
    o.remind_shipping_sent = true;
    const app = this.ctx.getApp(o.appid) as EmuApp;
    this.send(o.appid, push.remindShipping(app, o, now));
    this.note(o, now, 'push trade_manage_remind_shipping');
  }
}

function shippingOf(
  ship: ShipmentIn,
  list: StoredShipping['shipping_list'],
  finish: boolean,
  count: number,
): StoredShipping {
  return {
    delivery_mode: ship.delivery_mode,
    logistics_type: ship.logistics_type,
    finish_shipping: finish,
    finish_shipping_count: count,
    shipping_list: list,
  };
}

function sameShipping(prev: StoredShipping | undefined, ship: ShipmentIn): boolean {
  if (!prev || prev.delivery_mode !== ship.delivery_mode || prev.logistics_type !== ship.logistics_type) return false;
  if (prev.shipping_list.length !== ship.shipping_list.length) return false;
  return prev.shipping_list.every((p, i) => {
    const n = ship.shipping_list[i];
    return (
      p.goods_desc === n?.item_desc &&
      (p.tracking_no ?? '') === (n.tracking_no ?? '') &&
      (p.express_company ?? '') === (n.express_company ?? '')
    );
  });
}

function describe(ship: ShipmentIn): string {
  return ship.shipping_list
    .map((p) => [p.express_company, p.tracking_no, p.item_desc].filter(Boolean).join(' '))
    .join('; ');
}

/** get_order's `order` object (wire names; `shipping: {}` before shipping). */
export function orderWire(o: Order): Record<string, unknown> {
  const descs = o.shipping?.shipping_list.map((p) => p.goods_desc).join(';') ?? '';
  const description =
    descs.length > DESCRIPTION_MAX ? `${[...descs].slice(0, DESCRIPTION_MAX - 3).join('')}...` : descs;
  return {
    transaction_id: o.transaction_id,
    merchant_id: o.merchant_id,
    ...(o.sub_merchant_id ? { sub_merchant_id: o.sub_merchant_id } : {}),
    merchant_trade_no: o.merchant_trade_no,
    description,
    paid_amount: o.paid_amount,
    openid: o.openid,
    trade_create_time: o.trade_create_time,
    pay_time: o.pay_time,
    order_state: o.order_state,
    in_complaint: o.in_complaint,
    shipping: o.shipping
      ? {
          delivery_mode: o.shipping.delivery_mode,
          logistics_type: o.shipping.logistics_type,
          finish_shipping: o.shipping.finish_shipping,
          goods_desc: description,
          finish_shipping_count: o.shipping.finish_shipping_count,
          shipping_list: o.shipping.shipping_list,
        }
      : {},
  };
}
