/**
 * The `/wxa/sec/order/*` routes (PROTOCOL §17.1–§17.4): uploads (plain and combined), queries,
 * the confirm-receipt reminder, the jump path, the two app switches and special orders.
 */
import { type AreaContext, type EmuApp, WxError } from '../../context.js';
import { type OrderBook, orderWire } from './orders.js';
import { type Order, STATE, type ShippingSlice } from './state.js';
import { ERR, type OrderKeyIn, type ShipmentIn, orderKey, payerOpenid, shipment, uploadTime } from './upload-rules.js';

const DAY = 86400;
const U32_MAX = 0xffffffff;
const PAGE_SIZE = 100;

export interface ShippingRoutesDeps {
  ctx: AreaContext;
  st: () => ShippingSlice;
  book: OrderBook;
}

/** The cursor of get_order_list: the position after the page's last order, opaque to clients. */
const cursor = {
  encode: (o: Order) => Buffer.from(`${o.pay_time}|${o.transaction_id}`).toString('base64url'),
  decode: (s: string): [number, string] => {
    const m = /^(\d+)\|(.+)$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
    if (!m) throw ERR.lastIndex();
    return [Number(m[1]), m[2] as string];
  },
};

const byPayTime = (a: Order, b: Order) => a.pay_time - b.pay_time || (a.transaction_id < b.transaction_id ? -1 : 1);

export function registerShippingRoutes({ ctx, st, book }: ShippingRoutesDeps): void {
  const post = (
    path: string,
    handler: (app: EmuApp, body: Record<string, any>, now: number) => Record<string, unknown>,
  ) =>
    ctx.route({
      method: 'POST',
      path: `/wxa/sec/order/${path}`,
      auth: 'access_token',
      body: 'json',
      handler: ({ app, body }) => {
        const now = ctx.clock.now();
        book.tick(now);
        return handler(app, body, now);
      },
    });

  /** An upload's own checks, then the order's; nothing is changed until everything passed. */
  function checked(app: EmuApp, key: OrderKeyIn, ship: ShipmentIn, payer: string, ms: number): Order {
    const order = book.byKey(app.appid, key);
    if (!order) throw ERR.notFound();
    book.checkShippable(order, payer, ship, ms);
    return order;
  }

  post('upload_shipping_info', (app, body, now) => {
    const key = orderKey(body.order_key);
    const ship = shipment(body);
    const ms = uploadTime(body.upload_time);
    const payer = payerOpenid(body.payer);
    book.ship(checked(app, key, ship, payer, ms), ship, ms, now);
    return {};
  });

  post('upload_combined_shipping_info', (app, body, now) => {
    const main = orderKey(body.order_key);
    if (!Array.isArray(body.sub_orders) || body.sub_orders.length === 0) throw ERR.params();
    const subs: Array<{ key: OrderKeyIn; ship: ShipmentIn }> = body.sub_orders.map((s: unknown) => {
      if (typeof s !== 'object' || s === null) throw ERR.format();
      const key = orderKey((s as Record<string, unknown>).order_key);
      if (key.order_number_type !== main.order_number_type) throw ERR.subKeyType();
      return { key, ship: shipment(s as Record<string, unknown>) };
    });
    const seen = new Set(subs.map((s) => JSON.stringify(s.key)));
    if (seen.size !== subs.length) throw ERR.duplicateSub();
    const ms = uploadTime(body.upload_time);
    const payer = payerOpenid(body.payer);
    const orders = subs.map((s) => checked(app, s.key, s.ship, payer, ms));
    const mainId = main.order_number_type === 2 ? main.transaction_id : `${main.mchid}/${main.out_trade_no}`;
    for (const [i, o] of orders.entries()) book.ship(o, (subs[i] as (typeof subs)[number]).ship, ms, now, mainId);
    return {};
  });

  post('get_order', (app, body) => ({ order: orderWire(book.byQuery(app.appid, body)) }));

  post('get_order_list', (app, body) => {
    const range = body.pay_time_range ?? {};
    const begin = Number(range.begin_time ?? 0);
    const end = Number(range.end_time ?? U32_MAX);
    const size = body.page_size === undefined ? PAGE_SIZE : Number(body.page_size);
    if (!Number.isFinite(begin) || !Number.isFinite(end) || !Number.isInteger(size) || size < 1) throw ERR.params();
    let list = Object.values(st().orders)
      .filter(
        (o) =>
          o.appid === app.appid &&
          o.pay_time >= begin &&
          o.pay_time <= end &&
          (body.order_state === undefined || o.order_state === Number(body.order_state)) &&
          (!body.openid || o.openid === body.openid),
      )
      .sort(byPayTime);
    if (typeof body.last_index === 'string' && body.last_index) {
      const [t, id] = cursor.decode(body.last_index);
      list = list.filter((o) => o.pay_time > t || (o.pay_time === t && o.transaction_id > id));
    }
    const page = list.slice(0, size);
    const last = page[page.length - 1];
    return {
      order_list: page.map(orderWire),
      last_index: last ? cursor.encode(last) : '',
      has_more: list.length > page.length,
    };
  });

  post('notify_confirm_receive', (app, body, now) => {
    const order = book.byQuery(app.appid, body);
    if (order.order_state !== STATE.SHIPPED) throw ERR.notShipped();
    if (order.shipping?.logistics_type !== 1) throw ERR.remindNotExpress();
    if (order.confirm_reminder) throw ERR.reminded();
    const received = Number(body.received_time);
    if (!Number.isInteger(received) || received < (order.shipped_time ?? 0) || received > now) throw ERR.receivedTime();
    order.confirm_reminder = { at: now, received_time: received };
    book.note(order, now, 'confirm-receipt reminder sent to the user');
    return {};
  });

  post('set_msg_jump_path', (app, body) => {
    if (typeof body.path !== 'string') throw ERR.format();
    book.appConfig(app.appid).msg_jump_path = body.path;
    return {};
  });

  /** "非服务商调用时仅能查询本账号". */
  const ownAppid = (app: EmuApp, body: Record<string, any>) => {
    if (typeof body.appid !== 'string' || !body.appid) throw new WxError(40097, '请求参数非法');
    if (body.appid !== app.appid) throw new WxError(40013, 'invalid appid');
    return book.appConfig(app.appid);
  };
  post('is_trade_managed', (app, body) => ({ is_trade_managed: ownAppid(app, body).trade_managed }));
  post('is_trade_management_confirmation_completed', (app, body) => ({
    completed: ownAppid(app, body).confirmation_completed,
  }));

  post('opspecialorder', (app, body, now) => {
    const type = Number(body.type);
    if (type !== 1 && type !== 2) throw ERR.specialType();
    const id = body.order_id;
    const order = Object.values(st().orders).find(
      (o) => o.appid === app.appid && (o.transaction_id === id || o.merchant_trade_no === id),
    );
    if (!order || order.order_state !== STATE.PENDING || order.shipping) throw ERR.specialNotFound();
    if (type === 1) {
      const delay = Number(body.delay_to);
      if (!Number.isInteger(delay) || delay < order.pay_time + 15 * DAY || delay > order.pay_time + 330 * DAY) {
        throw ERR.delayTo();
      }
      order.special = { type, delay_to: delay };
      book.note(order, now, 'reported as a presale order', `ships by ${delay}`);
    } else {
      order.special = { type };
      // Test orders need no shipping and are refunded automatically.
      book.refund(order, now, 'reported as a test order: refunded');
    }
    return {};
  });
}
