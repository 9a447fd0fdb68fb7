/**
 * The 14 merchant endpoints of immediate delivery (PROTOCOL §8.2), at their documented paths.
 * Successful answers look like the doc examples (`resultcode: 0, resultmsg: "ok"`, no errcode);
 * platform failures are `{errcode, errmsg}`; carrier failures are HTTP 200 with `resultcode ≠ 0`
 * and zeroed fee fields.
 */
import { randomBytes } from 'node:crypto';
import type { AreaContext, EmuApp, WxRequest } from '../../context.js';
import { quotaDay } from '../../clock.js';
import {
  BUILTIN_ACCOUNTS,
  CARRIERS,
  CarrierError,
  R,
  SANDBOX_SHOPID,
  type ShopAccount,
  carrierOf,
  yuan,
} from './carriers.js';
import {
  X,
  checkCarrierFields,
  checkOrderBody,
  checkSign,
  requireAccount,
  requireInt,
  requireOpened,
  requireStrings,
  requireUser,
} from './checks.js';
import type { DeliveryEngine } from './engine.js';
import { ZERO_FEES, quote } from './quote.js';
import { CANCELLED_TO, RETURNING, cancelPenalty, isTerminal } from './rules.js';
import { type Address, type OrderRecord, orderKey } from './state.js';

const BASE = '/cgi-bin/express/local/business';
/** A DADA delivery_token lives 3 minutes. */
const TOKEN_TTL = 180;
const OK = { resultcode: 0, resultmsg: 'ok' };
/** Orders that may be placed again with reOrder: cancelled, failed or returned. */
const READDABLE = new Set([103, 203, 204, 205, 401, 501, 502]);

export function registerRoutes(ctx: AreaContext, engine: DeliveryEngine): void {
  const st = () => engine.st;

  /** One endpoint: token-authenticated JSON POST; carrier failures become `resultcode` answers. */
  const route = (
    path: string,
    zero: Record<string, number>,
    handler: (req: WxRequest, body: Record<string, any>) => Record<string, unknown>,
  ) =>
    ctx.route({
      method: 'POST',
      path: `${BASE}${path}`,
      auth: 'access_token',
      body: 'json',
      bare: true,
      handler: (req) => {
        engine.tick();
        requireOpened(st(), req.app);
        try {
          return { ...OK, ...handler(req, req.body) };
        } catch (e) {
          if (e instanceof CarrierError) return { resultcode: e.resultcode, resultmsg: e.resultmsg, ...zero };
          throw e;
        }
      },
    });

  function findOrder(app: EmuApp, body: Record<string, any>): OrderRecord {
    requireStrings(body, ['shopid', 'shop_order_id']);
    const order = st().orders[orderKey(app.appid, body.shopid, body.shop_order_id)];
    if (!order) throw X.notFound();
    if (typeof body.waybill_id === 'string' && body.waybill_id && body.waybill_id !== order.waybill_id)
      throw X.args('waybill_id does not match the order');
    return order;
  }

  /** An existing order, with its account's sign checked. */
  function signedOrder(app: EmuApp, body: Record<string, any>): { order: OrderRecord; acc: ShopAccount } {
    const order = findOrder(app, body);
    const acc = requireAccount(st(), app.appid, order.shopid);
    checkSign(body, acc);
    return { order, acc };
  }

  /** The checks and quote shared by pre_add, add and readd. */
  function prepare(app: EmuApp, body: Record<string, any>) {
    const { receiver, sender: given } = checkOrderBody(body);
    const acc = requireAccount(st(), app.appid, body.shopid, body.delivery_id);
    requireUser(ctx, app, body.openid);
    checkSign(body, acc);
    const carrier = engine.carrier(acc);
    const sender: Address | undefined = given ?? acc.store;
    checkCarrierFields(carrier, body, given !== undefined);
    if (!sender) throw R.sender();
    return { acc, carrier, sender, receiver, q: quote(carrier, sender, receiver, body) };
  }

  function checkToken(carrier: { deliveryToken: boolean }, key: string, token: unknown): void {
    if (!carrier.deliveryToken || token === undefined || token === '') return;
    const t = typeof token === 'string' ? st().tokens[token] : undefined;
    if (!t || t.key !== key || t.expires_at < ctx.clock.now()) throw R.deliveryToken();
    delete st().tokens[token as string];
  }

  function countSandbox(app: EmuApp, shopid: string): void {
    if (shopid !== SANDBOX_SHOPID) return;
    const k = `${app.appid}|${quotaDay(ctx.clock.now())}`;
    if ((st().quota[k] ?? 0) >= st().settings.sandboxDailyQuota) throw X.quota();
    st().quota[k] = (st().quota[k] ?? 0) + 1;
  }

  /** Creates (or, for readd, replaces) the order and starts its journey. */
  function place(app: EmuApp, body: Record<string, any>, previous?: OrderRecord) {
    const p = prepare(app, body);
    const key = orderKey(app.appid, body.shopid, body.shop_order_id);
    checkToken(p.carrier, key, body.delivery_token);
    countSandbox(app, body.shopid);
    const now = ctx.clock.now();
    const s = st();
    const info = body.order_info ?? {};
    const order: OrderRecord = {
      appid: app.appid,
      delivery_id: p.acc.delivery_id,
      shopid: body.shopid,
      shop_order_id: body.shop_order_id,
      shop_no: typeof body.shop_no === 'string' ? body.shop_no : (p.acc.shop_no ?? ''),
      waybill_id: `${p.acc.delivery_id}${String(now)}${String(s.nextWaybill++).padStart(6, '0')}`,
      openid: body.openid,
      sender: p.sender,
      receiver: p.receiver,
      goods_value: Number(body.cargo.goods_value),
      ...p.q,
      order_status: 101,
      created_at: now,
      tip_count: 0,
      readds: previous ? previous.readds + 1 : 0,
      timeline: previous ? previous.timeline : [],
      plan: [],
      manual: false,
    };
    if (Number(info.is_finish_code_needed) === 1) order.finish_code = 1000 + (randomBytes(2).readUInt16BE(0) % 9000);
    if (Number(info.is_pickup_code_needed) === 1) order.pickup_code = 1000 + (randomBytes(2).readUInt16BE(0) % 9000);
    order.timeline.push({
      order_status: 101,
      time: now,
      action_msg: previous ? '重新下单' : '下单成功',
      by: 'merchant',
    });
    s.orders[key] = order;
    engine.planNew(order);
    ctx.emit('delivery.status', { appid: app.appid, waybill_id: order.waybill_id, order_status: 101, time: now });
    const { fee, deliverfee, couponfee, tips, insurancefee, distance, dispatch_duration } = order;
    return {
      fee,
      deliverfee,
      couponfee,
      tips,
      insurancefee,
      distance,
      waybill_id: order.waybill_id,
      order_status: 101,
      ...(order.finish_code !== undefined ? { finish_code: order.finish_code } : {}),
      ...(order.pickup_code !== undefined ? { pickup_code: order.pickup_code } : {}),
      dispatch_duration,
    };
  }

  route('/delivery/getall', {}, () => ({
    list: Object.values(CARRIERS).map(({ delivery_id, delivery_name }) => ({ delivery_id, delivery_name })),
  }));

  route('/shop/get', {}, (req) => {
    const own = Object.values(st().accounts).filter((a) => a.appid === req.app.appid);
    const list = [...BUILTIN_ACCOUNTS.filter((b) => !own.some((a) => a.shopid === b.shopid)), ...own];
    return { shop_list: list.map(({ shopid, delivery_id, audit_result }) => ({ shopid, delivery_id, audit_result })) };
  });

  // Third-party platforms bind an account for the app; it stays "reviewing" until approved through the admin API.
  route('/shop/add', {}, (req, body) => {
    requireStrings(body, ['delivery_id']);
    if (!carrierOf(body.delivery_id)) throw X.args(`unknown delivery_id ${body.delivery_id}`);
    const shopid = `${body.delivery_id.toLowerCase()}_${req.app.appid.slice(-8)}`;
    st().accounts[`${req.app.appid}|${shopid}`] ??= {
      appid: req.app.appid,
      delivery_id: body.delivery_id,
      shopid,
      secret: randomBytes(16).toString('hex'),
      audit_result: 1,
    };
    return {};
  });

  ctx.route({
    method: 'POST',
    path: `${BASE}/open`,
    auth: 'access_token',
    body: 'json',
    bare: true,
    handler: (req) => {
      if (st().opened[req.app.appid] !== false) throw X.opened();
      st().opened[req.app.appid] = true;
      return { ...OK };
    },
  });

  route('/order/pre_add', ZERO_FEES, (req, body) => {
    const p = prepare(req.app, body);
    const out: Record<string, unknown> = { ...p.q };
    if (p.carrier.deliveryToken) {
      const token = randomBytes(12).toString('hex');
      st().tokens[token] = {
        key: orderKey(req.app.appid, body.shopid, body.shop_order_id),
        expires_at: ctx.clock.now() + TOKEN_TTL,
      };
      out.delivery_token = token;
    }
    return out;
  });

  route('/order/add', ZERO_FEES, (req, body) => {
    requireStrings(body, ['shopid', 'shop_order_id']);
    if (st().orders[orderKey(req.app.appid, body.shopid, body.shop_order_id)]) throw X.exists();
    return place(req.app, body);
  });

  route('/order/readd', ZERO_FEES, (req, body) => {
    const previous = findOrder(req.app, body);
    if (!READDABLE.has(previous.order_status)) throw X.exists();
    return place(req.app, body, previous);
  });

  route('/order/addtips', {}, (req, body) => {
    const { order } = signedOrder(req.app, body);
    if (isTerminal(order.order_status)) throw X.finished();
    const tips = body.tips;
    if (typeof tips !== 'number' || !(tips > 0)) throw X.args('tips must be a positive number');
    const rules = engine.carrier(order).tips;
    if (!rules.supported) throw R.tipUnsupported();
    if (order.order_status !== 101) throw R.tipStage();
    if (!(tips > order.tips)) throw R.tipRule(`必须大于上一次小费 ${order.tips} 元`);
    if (rules.tiers && !rules.tiers.includes(tips)) throw R.tipRule(`只能是 ${rules.tiers.join('/')} 元`);
    if (rules.cap !== undefined && tips > rules.cap) throw R.tipRule(`最多 ${rules.cap} 元`);
    if (rules.capAtGoodsValue && tips > order.goods_value) throw R.tipRule('不能超过商品价值');
    if (rules.maxTimes !== undefined && order.tip_count >= rules.maxTimes)
      throw R.tipRule(`最多加 ${rules.maxTimes} 次`);
    order.tips = yuan(tips);
    order.tip_count++;
    return {};
  });

  /** The cancellation checks shared by precancel and cancel. */
  function cancellable(order: OrderRecord): { deduct_fee: number; desc: string } {
    if (isTerminal(order.order_status)) throw X.finished();
    if (RETURNING.has(order.order_status)) throw R.cancelStage('物品正在返还商家');
    if (!engine.carrier(order).cancelAfterPickup && order.order_status >= 202)
      throw R.cancelStage('骑手已取货，达达订单只能在取货前取消');
    return cancelPenalty(order.order_status, order.deliverfee);
  }

  route('/order/precancel', { deduct_fee: 0 }, (req, body) => {
    const { order } = signedOrder(req.app, body);
    return cancellable(order);
  });

  route('/order/cancel', { deduct_fee: 0 }, (req, body) => {
    const { order } = signedOrder(req.app, body);
    const reason = requireInt(body, 'cancel_reason_id');
    if (reason < 1 || reason > 6) throw X.args('cancel_reason_id must be 1..6');
    if (reason === 6 && !body.cancel_reason) throw X.args('cancel_reason is required when cancel_reason_id is 6');
    const penalty = cancellable(order);
    order.cancel = { cancel_reason_id: reason, deduct_fee: penalty.deduct_fee };
    if (body.cancel_reason) order.cancel.cancel_reason = String(body.cancel_reason);
    order.plan = [];
    engine.setStatus(order, CANCELLED_TO[order.order_status] as number, ctx.clock.now(), 'merchant');
    return penalty;
  });

  route('/order/confirm_return', {}, (req, body) => {
    const { order } = signedOrder(req.app, body);
    if (isTerminal(order.order_status)) throw X.finished();
    if (!RETURNING.has(order.order_status)) throw R.confirmStage();
    engine.setStatus(order, 401, ctx.clock.now(), 'merchant', body.remark ? String(body.remark) : undefined);
    return {};
  });

  route('/order/get', {}, (req, body) => {
    const { order } = signedOrder(req.app, body);
    const v = engine.view(order);
    return {
      order_status: order.order_status,
      waybill_id: order.waybill_id,
      ...(order.rider ? { rider_name: order.rider.name, rider_phone: order.rider.phone } : {}),
      ...(v.rider_position ? { rider_lng: v.rider_position.lng, rider_lat: v.rider_position.lat } : {}),
      ...(v.reach_time !== null ? { reach_time: v.reach_time } : {}),
    };
  });

  /** mockUpdateOrder / realMockUpdateOrder: the developer takes over the order. */
  function mock(order: OrderRecord, body: Record<string, any>, by: 'mock'): void {
    const status = requireInt(body, 'order_status');
    const time = requireInt(body, 'action_time');
    if (isTerminal(order.order_status)) throw X.finished();
    order.manual = true;
    order.plan = [];
    engine.setStatus(order, status, time, by, typeof body.action_msg === 'string' ? body.action_msg : undefined);
  }

  route('/test_update_order', {}, (req, body) => {
    if (body.shopid !== SANDBOX_SHOPID) throw X.args(`shopid must be ${SANDBOX_SHOPID}`);
    mock(findOrder(req.app, body), body, 'mock');
    return {};
  });

  route('/realmock_update_order', {}, (req, body) => {
    const { order, acc } = signedOrder(req.app, body);
    const accepted = carrierOf(acc.delivery_id)?.realmock;
    if (!accepted) throw X.args('realmock_update_order supports SFTC and DADA test accounts only');
    if (!accepted.includes(body.order_status)) throw X.args(`order_status must be one of ${accepted.join(' ')}`);
    mock(order, body, 'mock');
    return {};
  });
}
