/**
 * The logistics assistant's twelve routes (PROTOCOL §9.2–§9.8): three GETs, nine POSTs, with the
 * sandbox rules (TEST / test_biz_id / service_type 1, 10 orders a day, admins and developers only).
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/express/express-by-business/api_addorder.html
 */
import { quotaDay } from '../../clock.js';
import type { AreaContext, EmuApp } from '../../context.js';
import type { Accounts } from './accounts.js';
import { CARRIERS, SANDBOX, carrier, deliveryView } from './carriers.js';
import { LE } from './errors.js';
import { ACTION, type Journeys, journeyPlan } from './journey.js';
import type { Parcels } from './parcels.js';
import { type OrderRecord, type Parcel, key } from './state.js';
import { renderWaybill } from './waybill.js';
import { bytes, getRoute, isObj, isStr, postRoute } from './route-kit.js';

/** Required string fields → 47001 when missing, as WeChat's "data format error / missing parameter". */
function need(b: Record<string, any>, ...fields: string[]): void {
  for (const f of fields) if (!isStr(b[f])) throw LE.dataFormat(f);
}

const CONTACT_LIMITS: Record<string, number> = {
  name: 64,
  tel: 32,
  mobile: 32,
  company: 64,
  post_code: 10,
  country: 64,
  province: 64,
  city: 64,
  area: 64,
  address: 512,
};

/**
 * sender / receiver: name + (tel | mobile) + province + city + area + address (the 2019 rule; the
 * current table marks all optional, strictness is the emulator's choice [inferred]); overflow 9300526.
 */
function checkContact(c: unknown, which: string): void {
  if (!isObj(c)) throw LE.dataFormat(which);
  for (const [f, max] of Object.entries(CONTACT_LIMITS)) if (bytes(c[f]) > max) throw LE.size(`${which}.${f}`);
  for (const f of ['name', 'province', 'city', 'area', 'address'])
    if (!isStr(c[f])) throw LE.dataFormat(`${which}.${f}`);
  if (!isStr(c.tel) && !isStr(c.mobile)) throw LE.dataFormat(`${which}.tel/mobile`);
}

function checkCargo(c: unknown): void {
  if (!isObj(c)) throw LE.dataFormat('cargo');
  for (const f of ['count', 'weight', 'space_x', 'space_y', 'space_z']) {
    if (typeof c[f] !== 'number' || !(c[f] >= 0)) throw LE.dataFormat(`cargo.${f}`);
  }
  if (!Array.isArray(c.detail_list) || c.detail_list.length === 0) throw LE.dataFormat('cargo.detail_list');
  for (const d of c.detail_list) {
    if (!isObj(d) || !isStr(d.name) || typeof d.count !== 'number') throw LE.dataFormat('cargo.detail_list');
    if (bytes(d.name) > 128) throw LE.size('cargo.detail_list.name');
  }
}

/** shop: a non-empty detail_list, or img_url + goods_name (≤ 128 B) + goods_count (9300535). */
function checkShop(s: unknown): void {
  if (!isObj(s)) throw LE.shop('shop');
  if (Array.isArray(s.detail_list) && s.detail_list.length > 0) {
    for (const d of s.detail_list) if (!isObj(d) || !isStr(d.goods_name)) throw LE.shop('detail_list.goods_name');
    return;
  }
  if (!isStr(s.goods_name) || bytes(s.goods_name) > 128) throw LE.shop('goods_name');
  if (!isStr(s.img_url)) throw LE.shop('img_url');
  if (typeof s.goods_count !== 'number' || s.goods_count < 1) throw LE.shop('goods_count');
}

/** The order as getOrder / batchGetOrder answer it. */
function orderView(p: Parcel, printType: 0 | 1, now: number): Record<string, unknown> {
  const o = p.order as OrderRecord;
  // TEST has no 一联单 template: print_type 1 prints nothing there [unverified].
  const html = printType === 1 && p.delivery_id === SANDBOX.delivery_id ? '' : renderWaybill(p, printType, now);
  return {
    print_html: html ? Buffer.from(html, 'utf8').toString('base64') : '',
    waybill_data: o.waybill_data.map((d) => ({ ...d })),
    order_id: o.order_id,
    delivery_id: p.delivery_id,
    waybill_id: p.waybill_id,
    order_status: o.order_status,
  };
}

export function assistantRoutes(ctx: AreaContext, parcels: Parcels, accounts: Accounts, journeys: Journeys): void {
  const st = parcels.st;
  const post = (path: string, handler: Parameters<typeof postRoute>[2]) => postRoute(ctx, path, handler);
  const get = (path: string, handler: Parameters<typeof getRoute>[2]) => getRoute(ctx, path, handler);

  get('/cgi-bin/express/business/delivery/getall', () => ({
    count: CARRIERS.length,
    data: CARRIERS.map(deliveryView),
  }));

  get('/cgi-bin/express/business/account/getall', (app) => {
    accounts.runDue();
    const list = accounts.list(app.appid).map((a) => ({
      biz_id: a.biz_id,
      delivery_id: a.delivery_id,
      create_time: a.create_time,
      update_time: a.update_time,
      status_code: a.status_code,
      alias: a.alias ?? '',
      remark_wrong_msg: a.remark_wrong_msg ?? '',
      remark_content: a.remark_content ?? '',
      quota_num: a.quota_num,
      quota_update_time: a.quota_update_time,
      service_type: (carrier(a.delivery_id)?.service_type ?? []).map((t) => ({ ...t })),
    }));
    return { count: list.length, list };
  });

  post('/cgi-bin/express/business/account/bind', (app, b) => {
    need(b, 'type', 'biz_id', 'delivery_id');
    if (b.type === 'bind') accounts.bind(app.appid, b);
    else if (b.type === 'unbind') accounts.unbind(app.appid, b);
    else throw LE.argsError('type');
    return {};
  });

  post('/cgi-bin/express/business/quota/get', (app, b) => {
    need(b, 'delivery_id', 'biz_id');
    const c = carrier(b.delivery_id);
    if (!c) throw LE.delivery();
    if (!c.can_get_quota) throw LE.argsError(`${c.delivery_id} has no quota (can_get_quota 0)`);
    const acc = accounts.get(app.appid, b.delivery_id, b.biz_id);
    if (!acc || acc.status_code !== 0) throw LE.notBound();
    return { quota_num: acc.quota_num };
  });

  post('/cgi-bin/express/business/printer/update', (app, b) => {
    need(b, 'openid', 'update_type');
    parcels.requireUser(app.appid, b.openid);
    if (b.update_type !== 'bind' && b.update_type !== 'unbind') throw LE.updateType();
    let tags: string[] = [];
    if (b.tagid_list !== undefined && b.tagid_list !== '') {
      // One comma-separated string of ≤ 10 ids, no spaces (an array is the usual mistake).
      if (typeof b.tagid_list !== 'string' || !/^\d+(,\d+)*$/.test(b.tagid_list)) throw LE.argsError('tagid_list');
      tags = b.tagid_list.split(',');
      if (tags.length > 10) throw LE.argsError('tagid_list: at most 10');
    }
    st().printers[app.appid] ??= {};
    const printers = st().printers[app.appid] as Record<string, string[]>;
    if (b.update_type === 'bind') printers[b.openid] = tags;
    else delete printers[b.openid];
    return {};
  });

  get('/cgi-bin/express/business/printer/getall', (app) => {
    const printers = st().printers[app.appid] ?? {};
    const openid = Object.keys(printers);
    const tagid_list = [...new Set(Object.values(printers).flat())];
    return { count: openid.length, openid, tagid_list };
  });

  post('/cgi-bin/express/business/order/add', (app, b) => addOrder(app, b));

  function addOrder(app: EmuApp, b: Record<string, any>): Record<string, unknown> {
    const now = ctx.clock.now();
    need(b, 'order_id', 'delivery_id', 'biz_id');
    if (b.add_source !== 0 && b.add_source !== 2) throw LE.dataFormat('add_source');
    if (bytes(b.order_id) > 512) throw LE.size('order_id');
    if (bytes(b.custom_remark) > 1024) throw LE.size('custom_remark');
    if (b.add_source === 2) {
      // The App/H5 appid must be another app of the same Open Platform account [inferred: any other emulated app].
      if (!isStr(b.wx_appid) || b.wx_appid === app.appid || !ctx.getApp(b.wx_appid)) throw LE.wxAppid();
    } else {
      parcels.requireUser(app.appid, b.openid);
    }
    checkContact(b.sender, 'sender');
    checkContact(b.receiver, 'receiver');
    checkCargo(b.cargo);
    checkShop(b.shop);
    if (!isObj(b.service) || typeof b.service.service_type !== 'number') throw LE.dataFormat('service');
    if (b.insured !== undefined && !isObj(b.insured)) throw LE.dataFormat('insured');
    if (
      b.expect_time !== undefined &&
      b.expect_time !== 0 &&
      !(typeof b.expect_time === 'number' && b.expect_time > now)
    ) {
      throw LE.argsError('expect_time must be in the future');
    }

    const c = carrier(b.delivery_id);
    if (!c) throw LE.delivery();
    const acc = accounts.forOrder(app.appid, c.delivery_id, b.biz_id);
    const cash = c.can_use_cash && b.biz_id === c.cash_biz_id;
    const st0 = b.service.service_type;
    const okType = cash
      ? (c.cash_service_types ?? []).includes(st0)
      : c.service_type.some((t) => t.service_type === st0);
    if (!okType) throw LE.serviceType();
    // order_id is unique per app; a second addOrder with it is refused [inferred errcode].
    if (parcels.byOrder(app.appid, b.order_id)) throw LE.argsError('order_id already exists');
    const sandbox = c.delivery_id === SANDBOX.delivery_id;
    if (sandbox) {
      if (b.service.service_name !== SANDBOX.service_name) throw LE.serviceType();
      if (b.add_source !== 2) parcels.requireDeveloper(app.appid, b.openid);
      const day = key(app.appid, quotaDay(now));
      if ((st().usage[day] ?? 0) >= st().settings.sandboxDailyQuota) throw LE.sandboxQuota();
      st().usage[day] = (st().usage[day] ?? 0) + 1;
    }

    const failure = st().failures.find((f) => f.delivery_id === c.delivery_id && f.remaining > 0);
    if (failure) {
      failure.remaining -= 1;
      st().failures = st().failures.filter((f) => f.remaining > 0);
      throw LE.carrier(failure.delivery_resultcode, failure.delivery_resultmsg);
    }
    if (acc && c.can_get_quota) {
      if (acc.quota_num <= 0) throw LE.carrier(10004, '电子面单余额不足');
      acc.quota_num -= 1;
      acc.quota_update_time = now;
    }

    const waybill_id = parcels.newWaybillId(c.delivery_id);
    const sorting = `${String(100 + (st().nextSeq % 900))}-${String(b.receiver.area).slice(0, 2)}`;
    const order: OrderRecord = {
      order_id: b.order_id,
      add_source: b.add_source,
      biz_id: b.biz_id,
      sender: structuredClone(b.sender),
      receiver: structuredClone(b.receiver),
      cargo: structuredClone(b.cargo),
      shop: structuredClone(b.shop),
      insured: {
        use_insured: Number(b.insured?.use_insured ?? 0),
        insured_value: Number(b.insured?.insured_value ?? 0),
      },
      service: { service_type: st0, service_name: String(b.service.service_name ?? '') },
      waybill_data: [
        { key: `${c.delivery_id}_bagAddr`, value: String(b.receiver.city) },
        { key: `${c.delivery_id}_mark`, value: sorting },
      ],
      order_status: 0,
      create_time: now,
    };
    if (isStr(b.openid)) order.openid = b.openid;
    if (isStr(b.wx_appid)) order.wx_appid = b.wx_appid;
    if (isStr(b.custom_remark)) order.custom_remark = b.custom_remark;
    if (typeof b.tagid === 'number') order.tagid = b.tagid;
    if (typeof b.expect_time === 'number') order.expect_time = b.expect_time;
    const { autoJourney, stepSeconds } = st().settings;
    const parcel: Parcel = {
      appid: app.appid,
      waybill_id,
      delivery_id: c.delivery_id,
      kind: 'order',
      path: [],
      version: 0,
      plan: [],
      auto: autoJourney === 'all' || (autoJourney === 'carriers' && !sandbox),
      order,
    };
    parcel.plan = journeyPlan(parcel, Math.max(now, order.expect_time ?? 0), stepSeconds);
    parcels.add(parcel);
    return { order_id: order.order_id, waybill_id, waybill_data: order.waybill_data.map((d) => ({ ...d })) };
  }

  post('/cgi-bin/express/business/order/get', (app, b) => {
    need(b, 'order_id', 'delivery_id');
    const p = parcels.order(app.appid, b);
    parcels.checkOpenid(p, b.openid);
    return orderView(p, b.print_type === 1 ? 1 : 0, ctx.clock.now());
  });

  post('/cgi-bin/express/business/order/batchget', (app, b) => {
    if (!Array.isArray(b.order_list) || b.order_list.length === 0) throw LE.dataFormat('order_list');
    if (b.order_list.length > 100) throw LE.argsError('order_list: at most 100');
    const now = ctx.clock.now();
    const order_list = b.order_list.map((item: unknown) => {
      const ref = isObj(item) ? item : {};
      try {
        need(ref, 'order_id', 'delivery_id');
        return { errcode: 0, errmsg: 'ok', ...orderView(parcels.order(app.appid, ref), 0, now) };
      } catch (e) {
        const err = e as { errcode?: number; errmsg?: string };
        return {
          errcode: err.errcode ?? -1,
          errmsg: err.errmsg ?? 'system error',
          print_html: '',
          waybill_data: [],
          order_id: String(ref.order_id ?? ''),
          delivery_id: String(ref.delivery_id ?? ''),
          waybill_id: String(ref.waybill_id ?? ''),
          order_status: 0,
        };
      }
    });
    return { order_list };
  });

  post('/cgi-bin/express/business/order/cancel', (app, b) => {
    need(b, 'order_id', 'delivery_id', 'waybill_id');
    const p = parcels.byOrder(app.appid, b.order_id);
    if (!p || p.delivery_id !== b.delivery_id || p.waybill_id !== b.waybill_id) throw LE.waybillNotFound();
    parcels.checkOpenid(p, b.openid);
    const order = p.order as OrderRecord;
    if (order.order_status === 1) throw LE.argsError('order already cancelled');
    // Cancelling is possible until the carrier has written a node [inferred].
    if (p.path.length > 0) throw LE.hasPath();
    order.order_status = 1;
    p.plan = [];
    void journeys.append(p, { action_time: ctx.clock.now(), action_type: ACTION.CANCELLED, action_msg: '订单已取消' });
    return { delivery_resultcode: 0, delivery_resultmsg: '' };
  });

  post('/cgi-bin/express/business/path/get', (app, b) => {
    need(b, 'delivery_id', 'waybill_id');
    const p = parcels.byWaybill(app.appid, b.waybill_id);
    if (!p || p.kind !== 'order' || p.delivery_id !== b.delivery_id) throw LE.orderNotExists();
    // order_id: the current doc dropped it; checked only when sent.
    if (isStr(b.order_id) && p.order?.order_id !== b.order_id) throw LE.orderNotExists();
    parcels.checkOpenid(p, b.openid);
    return {
      openid: p.order?.openid ?? '',
      delivery_id: p.delivery_id,
      waybill_id: p.waybill_id,
      path_item_num: p.path.length,
      path_item_list: p.path.map((n) => ({ ...n })),
    };
  });

  post('/cgi-bin/express/business/test_update_order', (app, b) => {
    need(b, 'biz_id', 'order_id', 'delivery_id', 'waybill_id');
    if (!isStr(b.action_msg) && b.action_msg !== '') throw LE.dataFormat('action_msg');
    if (!Number.isInteger(b.action_time)) throw LE.dataFormat('action_time');
    if (!Number.isInteger(b.action_type) || b.action_type <= 0) throw LE.dataFormat('action_type');
    if (b.delivery_id !== SANDBOX.delivery_id || b.biz_id !== SANDBOX.biz_id) throw LE.notSandbox();
    const p = parcels.byOrder(app.appid, b.order_id);
    if (!p || p.delivery_id !== SANDBOX.delivery_id || p.waybill_id !== b.waybill_id) throw LE.orderNotExists();
    if (p.order?.order_status === 1) throw LE.argsError('the order is cancelled');
    // Any positive code is accepted (300001 appears in WeChat's own example). The plan skips past
    // the first planned node of the same type, so "next node" continues from here.
    const at = p.plan.findIndex((n) => n.action_type === b.action_type);
    if (at >= 0) p.plan.splice(0, at + 1);
    void journeys.append(p, { action_time: b.action_time, action_type: b.action_type, action_msg: b.action_msg });
    return {};
  });
}
