/**
 * Admin operations of immediate delivery, as handle methods (`emu.delivery.advance(order)`) and
 * routes under `/__emulator/delivery/…`: orders with their timeline and the rider's position,
 * advancing or failing an order, scripted journeys, carrier accounts (secrets masked), settings.
 */
import { adminApp } from '../../admin/input.js';
import { AdminError } from '../../admin/ops.js';
import type { AreaContext } from '../../context.js';
import { CARRIERS, type ShopAccount, carrierOf } from './carriers.js';
import type { DeliveryEngine } from './engine.js';
import { stepSeconds } from './rider.js';
import { ACTION_MSG, DEFAULT_FAILURE, FAILURES, JOURNEYS, NEXT, isTerminal, own } from './rules.js';
import type { DeliverySettings, Journey, OrderRecord, PlannedStep } from './state.js';

/** An order: its waybill_id or shop_order_id, or an object with either (an addOrder result works). */
export type OrderRef = string | { waybill_id?: string; shop_order_id?: string; shopid?: string; appid?: string };

/** A scripted step: a status, optionally `after` seconds after the previous step (default: the carrier's timing). */
export type ScriptStep = number | { order_status: number; after?: number; action_msg?: string };

export interface AccountInput {
  appid?: string;
  delivery_id: string;
  shopid: string;
  secret: string;
  shop_no?: string;
  /** @default 0 (approved) */
  audit_result?: 0 | 1 | 2;
  store?: ShopAccount['store'];
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const masked = (a: ShopAccount) => ({ ...structuredClone(a), secret: '***' });

export function deliveryAdmin(ctx: AreaContext, engine: DeliveryEngine) {
  const st = () => engine.st;

  function resolve(ref: OrderRef): OrderRecord {
    const r = typeof ref === 'string' ? { id: ref } : isObj(ref) ? ref : undefined;
    if (!r) throw new AdminError(400, 'order must be a waybill_id, a shop_order_id or { waybill_id | shop_order_id }');
    const { id, waybill_id, shop_order_id, shopid, appid } = r as Record<string, string | undefined>;
    const found = Object.values(st().orders).find(
      (o) =>
        (id !== undefined && (o.waybill_id === id || o.shop_order_id === id)) ||
        (waybill_id !== undefined && o.waybill_id === waybill_id) ||
        (waybill_id === undefined &&
          shop_order_id !== undefined &&
          o.shop_order_id === shop_order_id &&
          (!shopid || o.shopid === shopid) &&
          (!appid || o.appid === appid)),
    );
    if (!found) throw new AdminError(404, `no delivery order ${JSON.stringify(ref)}`);
    return found;
  }

  function appidOf(appid: unknown): string {
    return adminApp(ctx, appid).appid;
  }

  function live(order: OrderRecord): void {
    if (isTerminal(order.order_status)) {
      throw new AdminError(409, `order ${order.waybill_id} is final (${order.order_status}): nothing more happens`);
    }
  }

  const handle = {
    /** Orders, oldest first, with timeline, rider, position and upcoming steps. */
    orders(filter: { appid?: string; status?: number | string; shopid?: string } = {}) {
      engine.tick();
      const status = filter.status === undefined || filter.status === '' ? undefined : Number(filter.status);
      return Object.values(st().orders)
        .filter(
          (o) =>
            (!filter.appid || o.appid === filter.appid) &&
            (!filter.shopid || o.shopid === filter.shopid) &&
            (status === undefined || o.order_status === status),
        )
        .sort((a, b) => a.created_at - b.created_at)
        .map((o) => engine.view(o));
    },

    order(ref: OrderRef) {
      engine.tick();
      return engine.view(resolve(ref));
    },

    /** The next step now: 101→102→201→202→301→302, or 303/304/305→401. The rider carries on from there in automatic mode. */
    advance(ref: OrderRef) {
      engine.tick();
      const order = resolve(ref);
      live(order);
      const next = NEXT[order.order_status];
      if (next === undefined) throw new AdminError(409, `order status ${order.order_status} has no next step`);
      engine.setStatus(order, next, ctx.clock.now(), 'admin');
      engine.replan(order);
      return engine.view(order);
    },

    /**
     * A failure now: `rider-cancelled` (204), `merchant-fault` (205), `unreachable` (304), `refused`
     * (305), `force-majeure` (502) or `carrier-cancelled` (501); default by stage.
     */
    fail(ref: OrderRef, reason?: string) {
      engine.tick();
      const order = resolve(ref);
      live(order);
      const name = reason ?? DEFAULT_FAILURE[order.order_status];
      const f = own(FAILURES, name);
      if (!name || !f) throw new AdminError(400, `reason must be one of ${Object.keys(FAILURES).join(', ')}`);
      if (!f.from.includes(order.order_status)) {
        throw new AdminError(
          409,
          `${name} (${f.status}) cannot happen at status ${order.order_status} (only from ${f.from.join(', ')})`,
        );
      }
      order.plan = [];
      engine.setStatus(order, f.status, ctx.clock.now(), 'admin');
      return engine.view(order);
    },

    /** Replaces the order's upcoming steps: a named journey or explicit steps, timed from now. */
    script(ref: OrderRef, journey: Journey | ScriptStep[]) {
      engine.tick();
      const order = resolve(ref);
      live(order);
      let steps: ScriptStep[];
      if (typeof journey === 'string') {
        const path = own(JOURNEYS, journey);
        if (!path) throw new AdminError(400, `journey must be one of ${Object.keys(JOURNEYS).join(', ')}`);
        const i = path.indexOf(order.order_status);
        steps = [...path.slice(i + 1)];
      } else if (Array.isArray(journey) && journey.length > 0) {
        steps = journey;
      } else {
        throw new AdminError(400, 'script needs a journey name or a non-empty array of steps');
      }
      const carrier = engine.carrier(order);
      const plan: PlannedStep[] = [];
      let prev = order.order_status;
      let at = ctx.clock.now();
      for (const s of steps) {
        const step = typeof s === 'number' ? { order_status: s } : s;
        if (!isObj(step) || !Number.isInteger(step.order_status))
          throw new AdminError(400, 'each step needs an integer order_status');
        const after = step.after ?? stepSeconds(order, carrier, prev, step.order_status);
        if (typeof after !== 'number' || !(after >= 0)) throw new AdminError(400, 'after must be seconds >= 0');
        at += after;
        plan.push({
          order_status: step.order_status,
          at,
          action_msg: step.action_msg ?? ACTION_MSG[step.order_status] ?? '',
        });
        prev = step.order_status;
      }
      order.manual = false;
      order.plan = plan;
      return engine.view(order);
    },

    /** Takes every step due on the virtual clock and waits until their pushes are delivered. */
    async sync(): Promise<{ ok: true }> {
      await engine.sync();
      return { ok: true };
    },

    /** Adds (or replaces) a carrier account of an app; the answer masks the secret. */
    addAccount(input: AccountInput) {
      if (!isObj(input)) throw new AdminError(400, 'an account must be an object');
      for (const f of ['delivery_id', 'shopid', 'secret'] as const) {
        if (typeof input[f] !== 'string' || !input[f]) throw new AdminError(400, `${f} is required`);
      }
      if (!carrierOf(input.delivery_id)) {
        throw new AdminError(400, `delivery_id must be one of ${Object.keys(CARRIERS).join(', ')}`);
      }
      const audit = input.audit_result ?? 0;
      if (![0, 1, 2].includes(audit)) throw new AdminError(400, 'audit_result must be 0, 1 or 2');
      const appid = appidOf(input.appid);
      const acc: ShopAccount = {
        appid,
        delivery_id: input.delivery_id,
        shopid: input.shopid,
        secret: input.secret,
        audit_result: audit,
        ...(input.shop_no ? { shop_no: input.shop_no } : {}),
        ...(input.store ? { store: structuredClone(input.store) } : {}),
      };
      st().accounts[`${appid}|${acc.shopid}`] = acc;
      return masked(acc);
    },

    /** Accounts added through the admin API and by bindAccount (secrets masked). */
    accounts(appid?: string) {
      return Object.values(st().accounts)
        .filter((a) => !appid || a.appid === appid)
        .map(masked);
    },

    /** `auto` (riders move orders by themselves), `journey` of new orders, `sandboxDailyQuota`. */
    configure(patch: Partial<DeliverySettings> = {}): DeliverySettings {
      const s = st().settings;
      if (!isObj(patch)) throw new AdminError(400, 'settings must be an object');
      if (patch.auto !== undefined) {
        if (typeof patch.auto !== 'boolean') throw new AdminError(400, 'auto must be a boolean');
        s.auto = patch.auto;
      }
      if (patch.journey !== undefined) {
        if (!own(JOURNEYS, patch.journey))
          throw new AdminError(400, `journey must be one of ${Object.keys(JOURNEYS).join(', ')}`);
        s.journey = patch.journey;
      }
      if (patch.sandboxDailyQuota !== undefined) {
        if (!Number.isInteger(patch.sandboxDailyQuota) || patch.sandboxDailyQuota < 0)
          throw new AdminError(400, 'sandboxDailyQuota must be an integer >= 0');
        s.sandboxDailyQuota = patch.sandboxDailyQuota;
      }
      return { ...s };
    },

    /** Whether the app has opened immediate delivery (closed: every endpoint but openDelivery answers 48001). */
    setOpened(input: { appid?: string; opened: boolean }) {
      if (!isObj(input) || typeof input.opened !== 'boolean') throw new AdminError(400, 'opened must be a boolean');
      const appid = appidOf(input.appid);
      st().opened[appid] = input.opened;
      return { appid, opened: input.opened };
    },
  };

  const id = (r: { params: Record<string, string> }) => r.params.id as string;
  const body = (r: { body: any }) => (isObj(r.body) ? r.body : {});
  ctx.admin({ method: 'GET', path: 'delivery/orders', handler: (r) => handle.orders(r.query) });
  ctx.admin({ method: 'GET', path: 'delivery/orders/:id', handler: (r) => handle.order(id(r)) });
  ctx.admin({ method: 'POST', path: 'delivery/orders/:id/advance', handler: (r) => handle.advance(id(r)) });
  ctx.admin({ method: 'POST', path: 'delivery/orders/:id/fail', handler: (r) => handle.fail(id(r), body(r).reason) });
  ctx.admin({
    method: 'POST',
    path: 'delivery/orders/:id/script',
    handler: (r) => handle.script(id(r), body(r).journey ?? body(r).steps),
  });
  ctx.admin({ method: 'POST', path: 'delivery/sync', handler: () => handle.sync() });
  ctx.admin({ method: 'GET', path: 'delivery/accounts', handler: (r) => handle.accounts(r.query.appid) });
  ctx.admin({ method: 'POST', path: 'delivery/accounts', handler: (r) => handle.addAccount(body(r) as AccountInput) });
  ctx.admin({ method: 'GET', path: 'delivery/settings', handler: () => ({ ...st().settings }) });
  ctx.admin({ method: 'POST', path: 'delivery/settings', handler: (r) => handle.configure(body(r)) });
  ctx.admin({ method: 'POST', path: 'delivery/opened', handler: (r) => handle.setOpened(body(r) as any) });
  return handle;
}
