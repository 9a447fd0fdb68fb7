/**
 * 同城配送 (intracity delivery, PROTOCOL §8.10): stores, balances per carrier (charge, refund,
 * flows), pay modes, quotes from coordinates, orders with the status machine on the virtual clock
 * (automatic mode; sandbox orders move only by mocknotify), and signed callbacks to each order's
 * `callback_url` with retries, every attempt recorded. The api-security area enforces the layer.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/same_city_distribution/api_intracity_addorder.html
 */
import { AdminError } from '../../admin/ops.js';
import type { AreaContext, AreaModule } from '../../context.js';
import { CallbackSender } from './callbacks.js';
import { intracityRoutes } from './routes.js';
import { CARRIERS, S, nextStep, rider } from './rules.js';
import { type IcOrder, type IcSettings, type IcSlice, initialSlice } from './state.js';

export type { IcCallback, IcOrder, IcSettings, IcStore } from './state.js';

/** How often the automatic mode looks at the virtual clock (real ms). */
const TICK_MS = 500;

const intracity: AreaModule = {
  name: 'intracity',
  register(ctx: AreaContext) {
    const st = () => ctx.slice<IcSlice>('intracity', initialSlice);
    let nextCallbackId = 1;
    const sender = new CallbackSender({
      nowMs: () => ctx.clock.nowMs(),
      settings: () => st().settings,
      token: (appid) => st().apps[appid]?.callbackToken ?? ctx.getApp(appid)?.push?.token ?? '',
      nextId: () => `ic-cb-${nextCallbackId++}`,
      settled: (cb) => ctx.emit('intracity.callback', { id: cb.id, wx_order_id: cb.wx_order_id, status: cb.status }),
    });

    /** Moves an order to `status` at virtual time `at`, schedules the next automatic step, sends the callback. */
    function transition(order: IcOrder, status: number, at = ctx.clock.now()): void {
      order.order_status = status;
      order.history.push({ order_status: status, at });
      if (status === S.ACCEPTED) {
        order.accept_time = at;
        order.transporter = rider(Number(BigInt(order.wx_order_id) % 3n));
      }
      if (status === S.DELIVERING) order.fetch_time = at;
      if (status === S.DELIVERED) order.finish_time = at;
      if (status === S.CANCELLED_BY_STORE || status === S.CANCELLED_BY_CARRIER) order.cancel_time = at;
      delete order.next;
      const step = st().settings.auto && !order.sandbox ? nextStep(order) : undefined;
      if (step) order.next = { status: step.status, at: at + step.after };
      const consumed = st().flows.find((f) => f.flow_type === 2 && f.wx_order_id === order.wx_order_id);
      if (consumed) consumed.delivery_status = status;
      sender.enqueue(order, st().callbacks);
      // Live console updates for changes nobody asked for over the admin API (the automatic mode).
      ctx.emit('intracity.order', { wx_order_id: order.wx_order_id, order_status: status });
    }

    /** Applies every automatic step that is due on the virtual clock, in time order. */
    function tick(): number {
      const now = ctx.clock.now();
      let moved = 0;
      for (;;) {
        const due = Object.values(st().orders)
          .filter((o) => o.next && o.next.at <= now)
          .sort((a, b) => a.next!.at - b.next!.at)[0];
        if (!due) return moved;
        transition(due, due.next!.status, due.next!.at);
        moved++;
      }
    }
    const timer = setInterval(tick, TICK_MS);
    timer.unref();
    ctx.onClose?.(async () => {
      clearInterval(timer);
      sender.close();
    });

    for (const def of intracityRoutes({ st, now: () => ctx.clock.now(), randomId: ctx.randomId, transition })) {
      ctx.route({
        ...def,
        handler: (req) => {
          tick();
          return def.handler(req);
        },
      });
    }

    const appid = (v: unknown) => {
      const app = typeof v === 'string' && v ? ctx.getApp(v) : ctx.listApps()[0];
      if (!app) throw new AdminError(404, `unknown app ${String(v)}`);
      return app.appid;
    };
    const order = (id: unknown) => {
      const o = typeof id === 'string' ? st().orders[id] : undefined;
      if (!o) throw new AdminError(404, `unknown order ${String(id)}`);
      return o;
    };

    const handle = {
      /** Stores of an app (default: the first app). */
      stores: (q: { appid?: string } = {}) => Object.values(st().stores).filter((s) => s.appid === appid(q.appid)),
      /** Orders of an app, newest last, with their status history. */
      orders: (q: { appid?: string } = {}) => Object.values(st().orders).filter((o) => o.appid === appid(q.appid)),
      order: (q: { wx_order_id: string }) => order(q.wx_order_id),
      /** Every balance of an app: per store (or the app) and carrier. */
      balances(q: { appid?: string } = {}) {
        const id = appid(q.appid);
        const out: { wx_store_id: string; service_trans_id: string; balance: number }[] = [];
        const owners = new Set(
          st()
            .charges.filter((c) => c.appid === id)
            .map((c) => c.wx_store_id),
        );
        for (const owner of owners)
          for (const c of CARRIERS) {
            const list = st().charges.filter(
              (x) => x.appid === id && x.wx_store_id === owner && x.service_trans_id === c,
            );
            if (list.length)
              out.push({
                wx_store_id: owner,
                service_trans_id: c,
                balance: list.reduce((a, x) => a + x.unused_amt, 0),
              });
          }
        return out;
      },
      /** Every callback sent (optionally of one order), with its attempts. */
      callbacks: (q: { wx_order_id?: string } = {}) =>
        st().callbacks.filter((c) => !q.wx_order_id || c.wx_order_id === q.wx_order_id),
      /** Applies the automatic steps due now; answers how many. */
      tick: () => ({ moved: tick() }),
      /** Resolves once every queued callback was delivered or gave up. */
      idle: () => sender.idle(),
      /** Delivery and automatic-mode settings. */
      configure(input: Partial<IcSettings> = {}) {
        const s = st().settings;
        if (input.auto !== undefined) {
          if (typeof input.auto !== 'boolean') throw new AdminError(400, 'auto must be a boolean');
          s.auto = input.auto;
        }
        for (const k of ['timeoutMs', 'retries', 'retryDelayMs'] as const) {
          const v = input[k];
          if (v === undefined) continue;
          if (!Number.isInteger(v) || v < 0) throw new AdminError(400, `${k} must be a non-negative integer`);
          s[k] = v;
        }
        return { ...s };
      },
      /** Opens intracity for an app (as `apply`) and/or sets the token callbacks are signed with. */
      setApp(input: { appid?: string; applied?: boolean; callbackToken?: string }) {
        const id = appid(input.appid);
        st().apps[id] ??= { applied: false, pay_mode: 'PAY_MODE_STORE' };
        const a = st().apps[id]!;
        if (input.applied !== undefined) a.applied = !!input.applied;
        if (input.callbackToken !== undefined) {
          if (typeof input.callbackToken !== 'string') throw new AdminError(400, 'callbackToken must be a string');
          a.callbackToken = input.callbackToken;
        }
        return { appid: id, applied: a.applied, pay_mode: a.pay_mode, callbackToken: a.callbackToken ? '***' : null };
      },
    };

    const q = (r: { query: Record<string, string> }) => r.query as any;
    ctx.admin({ method: 'GET', path: 'intracity/stores', handler: (r) => handle.stores(q(r)) });
    ctx.admin({ method: 'GET', path: 'intracity/orders', handler: (r) => handle.orders(q(r)) });
    ctx.admin({
      method: 'GET',
      path: 'intracity/orders/:id',
      handler: (r) => handle.order({ wx_order_id: r.params.id! }),
    });
    ctx.admin({ method: 'GET', path: 'intracity/balances', handler: (r) => handle.balances(q(r)) });
    ctx.admin({ method: 'GET', path: 'intracity/callbacks', handler: (r) => handle.callbacks(q(r)) });
    ctx.admin({ method: 'POST', path: 'intracity/tick', handler: () => handle.tick() });
    ctx.admin({ method: 'GET', path: 'intracity/settings', handler: () => ({ ...st().settings }) });
    ctx.admin({ method: 'PUT', path: 'intracity/settings', handler: (r) => handle.configure(r.body ?? {}) });
    ctx.admin({
      method: 'PUT',
      path: 'intracity/apps/:appid',
      handler: (r) => handle.setApp({ ...(r.body ?? {}), appid: r.params.appid }),
    });
    return handle;
  },
};
export default intracity;
