/**
 * The logistics service (物流服务, PROTOCOL §9.9): waybill tokens for the query component
 * (trace_waybill) and tracking messages (follow_waybill), bound to (app, openid, waybill); the
 * status they report comes from the parcel's path (an emulator order, or a foreign waybill whose
 * nodes the admin API adds); returns with their statuses.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/weixin-express/express-search/api_tracewaybill.html
 */
import { randomBytes } from 'node:crypto';
import { quotaDay } from '../../clock.js';
import type { AreaContext, EmuApp } from '../../context.js';
import { CARRIERS, carrier } from './carriers.js';
import { LE } from './errors.js';
import { journeyPlan, traceStatus } from './journey.js';
import type { Parcels } from './parcels.js';
import { type Parcel, type ReturnRecord, type TraceToken, key } from './state.js';
import { isObj, isStr, postRoute } from './route-kit.js';

/** goods_info: a non-empty detail_list of {goods_name, goods_img_url, goods_desc? ≤ 40 characters}. */
function goodsInfo(g: unknown, withDesc: boolean): { detail_list: Array<Record<string, any>> } {
  if (!isObj(g) || !Array.isArray(g.detail_list) || g.detail_list.length === 0) throw LE.args('goods_info');
  const detail_list = g.detail_list.map((d: unknown) => {
    if (!isObj(d) || !isStr(d.goods_name) || !isStr(d.goods_img_url)) throw LE.args('goods_info.detail_list');
    const out: Record<string, any> = { goods_name: d.goods_name, goods_img_url: d.goods_img_url };
    if (withDesc && d.goods_desc !== undefined) {
      if (typeof d.goods_desc !== 'string' || [...d.goods_desc].length > 40) throw LE.args('goods_desc');
      out.goods_desc = d.goods_desc;
    }
    return out;
  });
  return { detail_list };
}

/** The carrier of a foreign waybill when `delivery_id` is omitted: by the number's prefix. */
function guessCarrier(waybillId: string): string {
  const byPrefix = [...CARRIERS].sort((a, b) => b.prefix.length - a.prefix.length);
  return byPrefix.find((c) => c.delivery_id !== 'TEST' && waybillId.startsWith(c.prefix))?.delivery_id ?? 'SF';
}

export function serviceRoutes(ctx: AreaContext, parcels: Parcels): void {
  const st = parcels.st;
  const post = (path: string, handler: Parameters<typeof postRoute>[2]) => postRoute(ctx, path, handler);
  const base = '/cgi-bin/express/delivery';

  /** The parcel behind a waybill: the app's own order, or a foreign waybill recorded now. */
  function parcelFor(appid: string, waybillId: string, deliveryId: string | undefined): Parcel {
    const own = parcels.byWaybill(appid, waybillId);
    if (own) return own;
    const p: Parcel = {
      appid,
      waybill_id: waybillId,
      delivery_id: deliveryId ?? guessCarrier(waybillId),
      kind: 'foreign',
      path: [],
      version: 0,
      plan: [],
      auto: false,
    };
    p.plan = journeyPlan(p, ctx.clock.now(), st().settings.stepSeconds);
    return parcels.add(p);
  }

  function register(kind: 'trace' | 'follow', app: EmuApp, b: Record<string, any>): Record<string, unknown> {
    const openid = parcels.requireUser(app.appid, b.openid);
    for (const f of ['receiver_phone', 'waybill_id', 'trans_id', 'order_detail_path']) {
      if (!isStr(b[f])) throw LE.args(f);
    }
    if (b.delivery_id !== undefined && !carrier(b.delivery_id)) throw LE.waybillMissing();
    const goods_info = goodsInfo(b.goods_info, kind === 'follow');
    const day = key('trace', app.appid, quotaDay(ctx.clock.now()));
    if ((st().usage[day] ?? 0) >= st().settings.traceDailyQuota) throw LE.traceQuota();
    st().usage[day] = (st().usage[day] ?? 0) + 1;
    const parcel = parcelFor(app.appid, b.waybill_id, b.delivery_id);
    // One token per (app, openid, waybill, component) [inferred]: registering again refreshes it.
    const existing = Object.values(st().tokens).find(
      (t) => t.kind === kind && t.appid === app.appid && t.openid === openid && t.waybill_id === parcel.waybill_id,
    );
    const token: TraceToken = existing ?? {
      waybill_token: randomBytes(24).toString('base64url'),
      kind,
      appid: app.appid,
      openid,
      waybill_id: parcel.waybill_id,
      delivery_id: parcel.delivery_id,
      receiver_phone: b.receiver_phone,
      trans_id: b.trans_id,
      order_detail_path: b.order_detail_path,
      goods_info,
      goods_updates: 0,
      create_time: ctx.clock.now(),
      notifications: [],
    };
    token.goods_info = goods_info;
    token.receiver_phone = b.receiver_phone;
    token.trans_id = b.trans_id;
    token.order_detail_path = b.order_detail_path;
    if (isStr(b.sender_phone)) token.sender_phone = b.sender_phone;
    st().tokens[token.waybill_token] = token;
    return { waybill_token: token.waybill_token };
  }

  function token(kind: 'trace' | 'follow', app: EmuApp, b: Record<string, any>): TraceToken {
    const t = isStr(b.waybill_token) ? st().tokens[b.waybill_token] : undefined;
    if (!t || t.kind !== kind || t.appid !== app.appid) throw LE.invalidToken();
    if (isStr(b.openid) && b.openid !== t.openid) throw LE.openidMismatch();
    return t;
  }

  function query(kind: 'trace' | 'follow', app: EmuApp, b: Record<string, any>): Record<string, unknown> {
    const t = token(kind, app, b);
    const p = parcels.byWaybill(app.appid, t.waybill_id);
    if (!p) throw LE.waybillMissing();
    return {
      waybill_info: { status: traceStatus(p.path), waybill_id: p.waybill_id },
      shop_info: { goods_info: structuredClone(t.goods_info) },
      delivery_info: {
        delivery_id: p.delivery_id,
        delivery_name: carrier(p.delivery_id)?.delivery_name ?? p.delivery_id,
      },
    };
  }

  function updateGoods(kind: 'trace' | 'follow', app: EmuApp, b: Record<string, any>): Record<string, unknown> {
    const t = token(kind, app, b);
    const goods_info = goodsInfo(b.goods_info, kind === 'follow');
    if (t.goods_updates >= st().settings.maxGoodsUpdates) throw LE.goodsUpdates();
    t.goods_updates += 1;
    t.goods_info = goods_info;
    return {};
  }

  post(`${base}/open_msg/trace_waybill`, (app, b) => register('trace', app, b));
  post(`${base}/open_msg/query_trace`, (app, b) => query('trace', app, b));
  post(`${base}/open_msg/update_waybill_goods`, (app, b) => updateGoods('trace', app, b));
  post(`${base}/open_msg/follow_waybill`, (app, b) => register('follow', app, b));
  post(`${base}/open_msg/query_follow_trace`, (app, b) => query('follow', app, b));
  post(`${base}/open_msg/update_follow_waybill_goods`, (app, b) => updateGoods('follow', app, b));
  post(`${base}/open_msg/get_delivery_list`, () => {
    const delivery_list = CARRIERS.filter((c) => c.delivery_id !== 'TEST').map((c) => ({
      delivery_id: c.delivery_id,
      delivery_name: c.delivery_name,
    }));
    return { delivery_list, count: delivery_list.length };
  });

  const ADDR = ['name', 'mobile', 'province', 'city', 'area', 'address'];
  function address(v: unknown, field: string): Record<string, any> {
    if (!isObj(v)) throw LE.args(field);
    for (const f of ADDR) if (!isStr(v[f])) throw LE.args(`${field}.${f}`);
    return structuredClone(v);
  }

  post(`${base}/return/add`, (app, b) => {
    const openid = parcels.requireUser(app.appid, b.openid);
    for (const f of ['shop_order_id', 'order_path', 'wx_pay_id']) if (!isStr(b[f])) throw LE.args(f);
    if (!Number.isInteger(b.order_price) || b.order_price < 0) throw LE.args('order_price');
    if (!Array.isArray(b.goods_list) || b.goods_list.length === 0) throw LE.args('goods_list');
    for (const g of b.goods_list) if (!isObj(g) || !isStr(g.name) || !isStr(g.url)) throw LE.args('goods_list');
    const rec: ReturnRecord = {
      return_id: `${ctx.clock.now()}${String(st().nextSeq++).padStart(6, '0')}`,
      appid: app.appid,
      openid,
      shop_order_id: b.shop_order_id,
      biz_addr: address(b.biz_addr, 'biz_addr'),
      order_path: b.order_path,
      goods_list: b.goods_list.map((g: Record<string, any>) => ({ name: g.name, url: g.url })),
      order_price: b.order_price,
      wx_pay_id: b.wx_pay_id,
      status: 0,
      order_status: 0,
      waybill_id: '',
      delivery_id: '',
      delivery_name: '',
      create_time: ctx.clock.now(),
    };
    if (b.user_addr !== undefined) rec.user_addr = address(b.user_addr, 'user_addr');
    st().returns[rec.return_id] = rec;
    return { return_id: rec.return_id };
  });

  function returnOf(app: EmuApp, b: Record<string, any>): ReturnRecord {
    if (!isStr(b.return_id)) throw LE.args('return_id');
    const r = st().returns[b.return_id];
    if (!r || r.appid !== app.appid) throw LE.returnNotFound();
    return r;
  }

  post(`${base}/return/get`, (app, b) => {
    const r = returnOf(app, b);
    return {
      status: r.status,
      waybill_id: r.waybill_id,
      order_status: r.order_status,
      delivery_id: r.delivery_id,
      delivery_name: r.delivery_name,
    };
  });

  post(`${base}/return/unbind`, (app, b) => {
    const r = returnOf(app, b);
    r.status = 2;
    return {};
  });
}
