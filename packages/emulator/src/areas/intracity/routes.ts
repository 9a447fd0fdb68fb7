/**
 * The 16 intracity routes (PROTOCOL §8.10), all `POST /cgi-bin/express/intracity/*` with an
 * access_token. The api-security area unwraps and seals them (934011 without the layer); the
 * handlers see plain params. Decoding is lenient: numbers may come as strings, wx_order_id as
 * either.
 */
import type { EmuApp, RouteDef, WxRequest } from '../../context.js';
import {
  CANCELLABLE,
  CARRIERS,
  CARRIER_NAMES,
  CITIES,
  IC,
  IN_PROGRESS,
  PAY_MODES,
  S,
  SFTC_SANDBOX_RECEIVER,
  STATUSES,
  cancelFee,
  cityCode,
  quote,
} from './rules.js';
import type { IcAddress, IcCharge, IcFlow, IcOrder, IcSlice, IcStore } from './state.js';

export interface RouteDeps {
  st: () => IcSlice;
  now: () => number;
  randomId: (bytes?: number) => string;
  /** Moves an order to a status: history, timestamps, automatic next step, callback. */
  transition: (order: IcOrder, status: number) => void;
}

type Params = Record<string, any>;

const str = (p: Params, k: string, required = true): string | undefined => {
  const v = p[k];
  if (v === undefined || v === null || v === '') {
    if (required) throw IC.param(k);
    return undefined;
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw IC.param(k);
  return String(v);
};
const num = (p: Params, k: string, required = true): number | undefined => {
  const v = p[k];
  if (v === undefined || v === null || v === '') {
    if (required) throw IC.param(k);
    return undefined;
  }
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw IC.param(k);
  return n;
};
const obj = (p: Params, k: string, required = true): Params | undefined => {
  const v = p[k];
  if (v === undefined || v === null) {
    if (required) throw IC.param(k);
    return undefined;
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw IC.param(k);
  return v;
};

function address(p: Params, field: string): IcAddress {
  const a = obj(p, field)!;
  const f = (k: string) => `${field}.${k}`;
  for (const k of ['province', 'city', 'area', 'house', 'phone']) if (!str(a, k, false)) throw IC.param(f(k));
  const lat = num(a, 'lat');
  const lng = num(a, 'lng');
  if (lat! < -90 || lat! > 90) throw IC.param(f('lat'));
  if (lng! < -180 || lng! > 180) throw IC.param(f('lng'));
  return {
    province: String(a.province),
    city: String(a.city),
    area: String(a.area),
    ...(a.street !== undefined ? { street: String(a.street) } : {}),
    house: String(a.house),
    lat: lat!,
    lng: lng!,
    phone: String(a.phone),
  };
}

function carrier(p: Params, k = 'service_trans_id', required = true): string | undefined {
  const c = str(p, k, required);
  if (c !== undefined && !CARRIERS.includes(c as (typeof CARRIERS)[number])) throw IC.carrier();
  return c;
}

function payMode(p: Params): string {
  const m = str(p, 'pay_mode', false) ?? 'PAY_MODE_STORE';
  if (!PAY_MODES.includes(m)) throw IC.param('pay_mode');
  return m;
}

const add = (a: string, n: bigint) => (BigInt(a) + n).toString();

export function intracityRoutes(d: RouteDeps): RouteDef[] {
  const appState = (app: EmuApp) => {
    const s = d.st();
    s.apps[app.appid] ??= { applied: false, pay_mode: 'PAY_MODE_STORE' };
    return s.apps[app.appid]!;
  };
  const opened = (app: EmuApp) => {
    if (!appState(app).applied) throw IC.notOpened();
  };
  const storeOf = (app: EmuApp, p: Params, required = true): IcStore | undefined => {
    const s = d.st();
    const id = str(p, 'wx_store_id', false);
    const out = str(p, 'out_store_id', false);
    if (id === undefined && out === undefined) {
      if (required) throw IC.param('wx_store_id');
      return undefined;
    }
    const store =
      id !== undefined
        ? s.stores[id]
        : Object.values(s.stores).find((x) => x.appid === app.appid && x.out_store_id === out);
    if (!store) throw IC.noStore();
    if (store.appid !== app.appid) throw IC.storeAppid();
    return store;
  };
  const orderOf = (app: EmuApp, p: Params): IcOrder => {
    const s = d.st();
    const id = str(p, 'wx_order_id', false);
    let order: IcOrder | undefined;
    if (id !== undefined) order = s.orders[id];
    else {
      const store = storeOf(app, p)!;
      const sid = str(p, 'store_order_id')!;
      order = Object.values(s.orders).find((o) => o.wx_store_id === store.wx_store_id && o.store_order_id === sid);
    }
    if (!order || order.appid !== app.appid) throw IC.noOrder();
    return order;
  };
  /** The balance owner: the store (PAY_MODE_STORE) or the app (''). */
  const owner = (mode: string, store?: IcStore) => {
    if (mode !== 'PAY_MODE_STORE') return '';
    if (!store) throw IC.param('wx_store_id');
    return store.wx_store_id;
  };
  const charges = (app: EmuApp, wxStoreId: string, carrierId?: string) =>
    d
      .st()
      .charges.filter(
        (c) => c.appid === app.appid && c.wx_store_id === wxStoreId && (!carrierId || c.service_trans_id === carrierId),
      );
  const flow = (f: IcFlow) => d.st().flows.push(f);

  const storeView = (s: IcStore) => ({
    wx_store_id: s.wx_store_id,
    out_store_id: s.out_store_id,
    store_name: s.store_name,
    city_id: s.city_id,
    order_pattern: s.order_pattern,
    service_trans_prefer: s.service_trans_prefer ?? '',
    address_info: s.address_info,
  });

  const orderView = (o: IcOrder, store: IcStore | undefined) => ({
    wx_order_id: o.wx_order_id,
    store_order_id: o.store_order_id,
    wx_store_id: o.wx_store_id,
    order_status: o.order_status,
    appid: o.appid,
    user_openid: o.user_openid,
    service_trans_id: o.service_trans_id,
    delivery_no: o.waybill_id,
    distance: o.distance,
    actualfee: o.order_status === S.DELIVERED ? o.fee : 0,
    deductfee: o.deductfee,
    create_time: o.create_time,
    accept_time: o.accept_time ?? 0,
    fetch_time: o.fetch_time ?? 0,
    finish_time: o.finish_time ?? 0,
    cancel_time: o.cancel_time ?? 0,
    expected_finish_time: o.expected_finish_time,
    fetch_code: o.fetch_code,
    recv_code: o.recv_code,
    order_seq: o.order_seq,
    transporter_info: o.transporter ?? { transporter_name: '', transporter_phone: '' },
    store_info: store
      ? {
          store_name: store.store_name,
          wx_store_id: store.wx_store_id,
          address: `${store.address_info.city}${store.address_info.area}${store.address_info.street ?? ''}${store.address_info.house}`,
          lng: store.address_info.lng,
          lat: store.address_info.lat,
          phone_num: store.address_info.phone,
        }
      : undefined,
    receiver_info: {
      receiver_name: o.user_name,
      address: o.user_address,
      phone_num: o.user_phone,
      lng: o.user_lng,
      lat: o.user_lat,
    },
    cargo_info: o.cargo,
  });

  /** preaddorder/addorder: the receiver, the cargo and the quote. */
  const priced = (app: EmuApp, p: Params) => {
    const store = storeOf(app, p)!;
    for (const k of ['user_name', 'user_phone', 'user_address']) str(p, k);
    const to = { user_lat: num(p, 'user_lat')!, user_lng: num(p, 'user_lng')! };
    const cargo = obj(p, 'cargo')!;
    for (const k of ['cargo_name']) if (!str(cargo, k, false)) throw IC.param(`cargo.${k}`);
    const weight = num(cargo, 'cargo_weight')!;
    for (const k of ['cargo_price', 'cargo_type', 'cargo_num']) num(cargo, k);
    return { store, cargo, q: quote(store, to, weight, d.now()), sandbox: Number(p.use_sandbox ?? 0) === 1 };
  };

  const route = (
    name: string,
    handler: (req: WxRequest, p: Params) => Record<string, unknown>,
    open = true,
  ): RouteDef => ({
    method: 'POST',
    path: `/cgi-bin/express/intracity/${name}`,
    auth: 'access_token',
    body: 'json',
    handler: (req) => {
      if (open) opened(req.app);
      return handler(req, req.body);
    },
  });

  return [
    route(
      'apply',
      (req) => {
        appState(req.app).applied = true;
        return {};
      },
      false,
    ),
    route('createstore', ({ app }, p) => {
      const s = d.st();
      const out = str(p, 'out_store_id')!;
      const name = str(p, 'store_name')!;
      const pattern = num(p, 'order_pattern', false) ?? 1;
      if (pattern !== 1 && pattern !== 2) throw IC.param('order_pattern');
      const prefer = carrier(p, 'service_trans_prefer', pattern === 2);
      const addr = address(p, 'address_info');
      if (Object.values(s.stores).some((x) => x.appid === app.appid && x.out_store_id === out)) throw IC.storeExists();
      const code = cityCode(addr, pattern === 2 ? prefer : undefined);
      if (code === undefined) throw IC.city();
      const id = s.nextStoreId;
      s.nextStoreId = add(id, 1n);
      s.stores[id] = {
        appid: app.appid,
        wx_store_id: id,
        out_store_id: out,
        store_name: name,
        order_pattern: pattern,
        ...(prefer ? { service_trans_prefer: prefer } : {}),
        address_info: addr,
        city_id: code,
        create_time: d.now(),
      };
      return { wx_store_id: id, appid: app.appid, out_store_id: out };
    }),
    route('querystore', ({ app }, p) => {
      const one = storeOf(app, p, false);
      const list = one ? [one] : Object.values(d.st().stores).filter((x) => x.appid === app.appid);
      return { appid: app.appid, total: list.length, store_list: list.map(storeView) };
    }),
    route('updatestore', ({ app }, p) => {
      const store = storeOf(app, obj(p, 'keys')!)!;
      const c = obj(p, 'content')!;
      const next: IcStore = { ...store };
      if (c.store_name !== undefined) next.store_name = str(c, 'store_name')!;
      if (c.order_pattern !== undefined) {
        next.order_pattern = num(c, 'order_pattern')!;
        if (next.order_pattern !== 1 && next.order_pattern !== 2) throw IC.param('content.order_pattern');
      }
      if (c.service_trans_prefer !== undefined) next.service_trans_prefer = carrier(c, 'service_trans_prefer');
      if (next.order_pattern === 2 && !next.service_trans_prefer) throw IC.param('content.service_trans_prefer');
      if (c.address_info !== undefined) next.address_info = address(c, 'address_info');
      const code = cityCode(next.address_info, next.order_pattern === 2 ? next.service_trans_prefer : undefined);
      if (code === undefined) throw IC.city();
      next.city_id = code;
      d.st().stores[store.wx_store_id] = next;
      return {};
    }),
    route('storecharge', ({ app }, p) => {
      const mode = payMode(p);
      const store = storeOf(app, p, mode === 'PAY_MODE_STORE');
      const c = carrier(p)!;
      const amount = num(p, 'amount')!;
      if (!Number.isInteger(amount) || amount < 5000) throw IC.param('amount');
      const now = d.now();
      const payorder_id = `${now}${d.randomId(4)}`;
      // The emulator credits the charge at once; the pay URL is informational.
      const charge: IcCharge = {
        payorder_id,
        appid: app.appid,
        wx_store_id: owner(mode, store),
        service_trans_id: c,
        pay_mode: mode,
        charge_amt: amount,
        unused_amt: amount,
        begin_time: now,
        end_time: now + 365 * 86400,
      };
      d.st().charges.push(charge);
      flow({
        flow_type: 1,
        appid: app.appid,
        wx_store_id: charge.wx_store_id,
        service_trans_id: c,
        pay_mode: mode,
        create_time: now,
        pay_order_id: payorder_id,
        pay_amount: amount,
        pay_time: now,
        pay_status: 'SUCCESS',
        consume_deadline: charge.end_time,
      });
      return {
        payurl: `https://emulator.invalid/intracity/pay?payorder_id=${payorder_id}`,
        appid: app.appid,
        wx_store_id: store?.wx_store_id ?? '',
      };
    }),
    route('storerefund', ({ app }, p) => {
      const mode = payMode(p);
      const store = storeOf(app, p, mode === 'PAY_MODE_STORE');
      const c = carrier(p)!;
      const own = owner(mode, store);
      const busy = Object.values(d.st().orders).some(
        (o) =>
          o.appid === app.appid &&
          !o.sandbox &&
          o.service_trans_id === c &&
          (own === '' || o.wx_store_id === own) &&
          IN_PROGRESS.has(o.order_status),
      );
      if (busy) throw IC.refundInTransit();
      let refund = 0;
      for (const ch of charges(app, own, c)) {
        refund += ch.unused_amt;
        ch.unused_amt = 0;
      }
      const now = d.now();
      flow({
        flow_type: 3,
        appid: app.appid,
        wx_store_id: own,
        service_trans_id: c,
        pay_mode: mode,
        create_time: now,
        refund_amount: refund,
        refund_time: now,
        refund_status: 'SUCCESS',
      });
      return { appid: app.appid, wx_store_id: store?.wx_store_id ?? '', refund_amount: refund };
    }),
    route('queryflow', ({ app }, p) => {
      const store = storeOf(app, p)!;
      const type = num(p, 'flow_type')!;
      if (![1, 2, 3].includes(type)) throw IC.param('flow_type');
      const c = carrier(p, 'service_trans_id', false);
      const now = d.now();
      const end = num(p, 'end_time', false) ?? now;
      const begin = num(p, 'begin_time', false) ?? end - 90 * 86400;
      const list = d
        .st()
        .flows.filter(
          (f) =>
            f.appid === app.appid &&
            f.wx_store_id === store.wx_store_id &&
            f.flow_type === type &&
            (!c || f.service_trans_id === c) &&
            f.create_time >= begin &&
            f.create_time <= end,
        );
      const sum = (k: 'pay_amount' | 'refund_amount' | 'deduct_amount') => list.reduce((a, f) => a + (f[k] ?? 0), 0);
      return {
        flow_list: list.map(({ pay_mode: _m, ...f }) => f),
        total_pay_amt: sum('pay_amount'),
        total_refund_amt: sum('refund_amount'),
        total_deduct_amt: sum('deduct_amount'),
      };
    }),
    route('balancequery', ({ app }, p) => {
      const mode = payMode(p);
      const store = storeOf(app, p, mode === 'PAY_MODE_STORE');
      const own = owner(mode, store);
      const only = carrier(p, 'service_trans_id', false);
      const detail = CARRIERS.filter((c) => !only || c === only).map((c) => {
        const list = charges(app, own, c);
        return {
          service_trans_id: c,
          service_trans_name: CARRIER_NAMES[c],
          balance: list.reduce((a, x) => a + x.unused_amt, 0),
          order_list: list.map((x) => ({
            payorder_id: x.payorder_id,
            charge_amt: x.charge_amt,
            unused_amt: x.unused_amt,
            begin_time: x.begin_time,
            end_time: x.end_time,
          })),
        };
      });
      return {
        wx_store_id: store?.wx_store_id ?? '',
        appid: app.appid,
        all_balance: detail.reduce((a, x) => a + x.balance, 0),
        balance_detail: detail,
      };
    }),
    route('setpaymode', ({ app }, p) => {
      if (str(p, 'appid') !== app.appid) throw IC.appidToken();
      const mode = str(p, 'pay_mode')!;
      if (!PAY_MODES.includes(mode)) throw IC.param('pay_mode');
      appState(app).pay_mode = mode;
      return {};
    }),
    route('getpaymode', ({ app }, p) => {
      if (str(p, 'appid') !== app.appid) throw IC.appidToken();
      const mode = appState(app).pay_mode;
      return {
        pay_mode: mode,
        pay_appid: mode === 'PAY_MODE_APP' ? app.appid : '',
        pay_component_appid: '',
      };
    }),
    route('preaddorder', ({ app }, p) => {
      const { q } = priced(app, p);
      return { ...q };
    }),
    route('addorder', ({ app }, p) => {
      const s = d.st();
      const storeOrderId = str(p, 'store_order_id')!;
      const { store, cargo, q, sandbox } = priced(app, p);
      const openid = str(p, 'user_openid')!;
      const detailPath = str(p, 'order_detail_path')!;
      const verify = num(p, 'verify_code_type', false) ?? 0;
      if (![0, 1, 2, 3].includes(verify)) throw IC.param('verify_code_type');
      const existing = Object.values(s.orders).find(
        (o) => o.wx_store_id === store.wx_store_id && o.store_order_id === storeOrderId,
      );
      const result = (o: IcOrder) => ({
        wx_store_id: o.wx_store_id,
        wx_order_id: o.wx_order_id,
        store_order_id: o.store_order_id,
        service_trans_id: o.service_trans_id,
        distance: o.distance,
        trans_order_id: o.trans_order_id,
        waybill_id: o.waybill_id,
        fee: o.fee,
        fetch_code: o.fetch_code,
        order_seq: o.order_seq,
      });
      // "store_order_id … 会重入": a repeat answers the same order (so a retried timeout is harmless).
      if (existing) return result(existing);
      if (sandbox && q.service_trans_id === 'SFTC') {
        const r = SFTC_SANDBOX_RECEIVER;
        if (p.user_name !== r.user_name || String(p.user_phone) !== r.user_phone || p.user_address !== r.user_address)
          throw IC.range();
      }
      const mode = appState(app).pay_mode;
      const own = owner(mode, store);
      if (!sandbox) {
        const pool = charges(app, own, q.service_trans_id).filter((c) => c.unused_amt > 0);
        if (pool.reduce((a, c) => a + c.unused_amt, 0) < q.est_fee) throw IC.balance();
        let due = q.est_fee;
        for (const c of pool) {
          const take = Math.min(c.unused_amt, due);
          c.unused_amt -= take;
          due -= take;
          if (due === 0) break;
        }
      }
      const now = d.now();
      const id = s.nextOrderId;
      s.nextOrderId = add(id, 1n);
      const seq = Number(p.order_seq ?? s.nextSeq++);
      const code = () => String(Math.floor(1000 + Math.random() * 9000));
      const order: IcOrder = {
        appid: app.appid,
        wx_order_id: id,
        wx_store_id: store.wx_store_id,
        store_order_id: storeOrderId,
        order_status: 0,
        sandbox,
        service_trans_id: q.service_trans_id,
        pay_mode: mode,
        user_openid: openid,
        user_name: String(p.user_name),
        user_phone: String(p.user_phone),
        user_address: String(p.user_address),
        user_lng: Number(p.user_lng),
        user_lat: Number(p.user_lat),
        cargo,
        order_detail_path: detailPath,
        ...(typeof p.callback_url === 'string' && p.callback_url ? { callback_url: p.callback_url } : {}),
        distance: q.distance,
        fee: q.est_fee,
        deductfee: 0,
        create_time: now,
        expected_finish_time: q.expected_finished_time,
        fetch_code: verify & 1 ? code() : '',
        recv_code: verify & 2 ? code() : '',
        order_seq: seq,
        trans_order_id: `${q.service_trans_id}${now}${d.randomId(3)}`,
        waybill_id: `${q.service_trans_id}${d.randomId(6).toUpperCase()}`,
        history: [],
      };
      s.orders[id] = order;
      if (!sandbox)
        flow({
          flow_type: 2,
          appid: app.appid,
          wx_store_id: own,
          service_trans_id: q.service_trans_id,
          pay_mode: mode,
          create_time: now,
          deduct_amount: q.est_fee,
          wx_order_id: id,
          openid,
          delivery_status: S.CREATED,
          bill_id: order.trans_order_id,
        });
      d.transition(order, S.CREATED);
      return result(order);
    }),
    route('queryorder', ({ app }, p) => {
      const o = orderOf(app, p);
      return orderView(o, d.st().stores[o.wx_store_id]);
    }),
    route('cancelorder', ({ app }, p) => {
      const o = orderOf(app, p);
      const reason = num(p, 'cancel_reason_id')!;
      if (![1, 2, 3, 99].includes(reason)) throw IC.param('cancel_reason_id');
      if (o.order_status === S.CANCELLED_BY_STORE || o.order_status === S.CANCELLED_BY_CARRIER) throw IC.cancelled();
      if (!CANCELLABLE.has(o.order_status)) throw IC.notCancellable();
      o.deductfee = cancelFee(o);
      if (!o.sandbox) {
        const back = o.fee - o.deductfee;
        const pool = charges(app, o.pay_mode === 'PAY_MODE_STORE' ? o.wx_store_id : '', o.service_trans_id);
        if (pool.length && back > 0) pool.at(-1)!.unused_amt += back;
        const consumed = d.st().flows.find((f) => f.flow_type === 2 && f.wx_order_id === o.wx_order_id);
        if (consumed) {
          consumed.deduct_amount = o.deductfee;
          consumed.delivery_status = S.CANCELLED_BY_STORE;
        }
      }
      d.transition(o, S.CANCELLED_BY_STORE);
      return {
        wx_store_id: o.wx_store_id,
        wx_order_id: o.wx_order_id,
        store_order_id: o.store_order_id,
        order_status: o.order_status,
        appid: o.appid,
        deductfee: o.deductfee,
      };
    }),
    route('getcity', (_req, p) => {
      const only = carrier(p, 'service_trans_id', false);
      return {
        support_list: CARRIERS.filter((c) => !only || c === only).map((c) => ({
          service_trans_id: c,
          city_list: CITIES[c],
        })),
      };
    }),
    route('mocknotify', ({ app }, p) => {
      const o = orderOf(app, p);
      const status = num(p, 'order_status')!;
      if (!STATUSES.includes(status)) throw IC.param('order_status');
      // Sandbox only: "测试订单没有快递员接单…可以通过该接口触发…订单状态回调".
      if (!o.sandbox) throw IC.other('mocknotify is for sandbox orders (use_sandbox: 1)');
      d.transition(o, status);
      return {};
    }),
  ];
}
