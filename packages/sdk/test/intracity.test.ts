// 同城配送 through the public client against the emulator, with the API security layer on (it is
// required): all 16 endpoints, balances and flows, the status machine on the virtual clock, the
// sandbox rules, and the order callbacks received by the SDK's receiver — verified, once each, in order.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type EmulatorHandle, type KeySet, startEmulator } from '@miniapp-server/emulator';
import {
  type AddOrderParams,
  type IntracityCallback,
  IntracityCallbackReceiver,
  IntracityOrderStatus as ST,
  MiniApp,
  ValidationError,
  intracityCallbackSign,
  intracityCallbackSignString,
  verifyIntracityCallback,
} from '@miniapp-server/sdk';
import { apiError, rejectsWith } from './helpers/errors.js';

const TOKEN = 'abcdefghi';
let emu: EmulatorHandle;
let keys: KeySet;
let app: MiniApp;
let server: Server;
let callbackUrl: string;
const received: IntracityCallback[] = [];
let failNext = 0;
let rawHits = 0;

const receiver = new IntracityCallbackReceiver({ token: TOKEN, onCallback: (cb) => void received.push(cb) });
const BEIJING = {
  province: '北京市',
  city: '北京市',
  area: '海淀区',
  street: '中关村大街',
  house: '1号',
  lat: 39.98,
  lng: 116.31,
  phone: '13800000000',
};
const cargo = { cargo_name: '午餐', cargo_weight: 1200, cargo_price: 3800, cargo_type: 1, cargo_num: 2 };
const receiverNear = {
  user_name: '张三',
  user_phone: '13900000000',
  user_address: '北京市海淀区学院路1号',
  user_lat: 39.99,
  user_lng: 116.35,
};
let storeId: string;

before(async () => {
  emu = await startEmulator({ clock: { start: 1_700_000_000, frozen: true } });
  keys = emu.apiSecurity.generate();
  emu.intracity.setApp({ callbackToken: TOKEN });
  emu.intracity.configure({ retryDelayMs: 0 });
  const handler = receiver.nodeHandler();
  server = createServer((req, res) => {
    rawHits++;
    if (failNext > 0) {
      failNext--;
      res.writeHead(500).end('busy');
      return;
    }
    void handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/intracity`;
  app = new MiniApp({
    appId: emu.defaultApp.appid,
    appSecret: emu.defaultApp.secret,
    baseUrl: emu.url,
    maxRetries: 0,
    clock: { now: () => emu.clock.nowMs() },
    apiSecurity: keys.client,
  });
});

after(async () => {
  await app?.close();
  await emu?.close();
  await new Promise((r) => server?.close(r));
});

const order = (store_order_id: string, extra: Partial<AddOrderParams> = {}): AddOrderParams => ({
  wx_store_id: storeId,
  store_order_id,
  user_openid: 'oUser000000000000000000000001',
  order_detail_path: 'pages/order/detail?id=1',
  callback_url: callbackUrl,
  cargo,
  ...receiverNear,
  ...extra,
});

describe('the callback signature (PROTOCOL §18.4)', () => {
  const v = JSON.parse(readFileSync(new URL('./fixtures/vectors.json', import.meta.url), 'utf8'))
    .intracity_callback_sign[0];

  test('the derived vector: sign string and MD5', () => {
    assert.equal(intracityCallbackSignString(v.fields, v.token), v.sign_string);
    assert.equal(intracityCallbackSign(v.fields, v.token), v.sign);
  });

  test('verifies the parsed object and the raw text (wx_order_id as a bare uint64 keeps its digits)', () => {
    assert.ok(verifyIntracityCallback({ ...v.fields, sign: v.sign }, v.token));
    const raw = JSON.stringify({ ...v.fields, sign: v.sign }).replace(
      `"wx_order_id":"${v.fields.wx_order_id}"`,
      `"wx_order_id":${v.fields.wx_order_id}`,
    );
    assert.ok(raw.includes(':4018734875633256960,'));
    assert.ok(verifyIntracityCallback(raw, v.token));
    assert.ok(verifyIntracityCallback(Buffer.from(raw), v.token));
    assert.equal(verifyIntracityCallback(raw, 'wrong-token'), false);
    assert.equal(verifyIntracityCallback({ ...v.fields, order_status: 50000, sign: v.sign }, v.token), false);
    assert.equal(verifyIntracityCallback('not json', v.token), false);
    assert.equal(verifyIntracityCallback({ ...v.fields }, v.token), false);
  });

  test('the receiver refuses forged and malformed callbacks before any handler runs', async () => {
    const seen: unknown[] = [];
    const r = new IntracityCallbackReceiver({ token: v.token, onCallback: (cb) => void seen.push(cb) });
    assert.equal((await r.handle(JSON.stringify({ ...v.fields, sign: '0'.repeat(32) }))).status, 401);
    assert.equal((await r.handle('{"oops"')).status, 400);
    const ok = await r.handle(JSON.stringify({ ...v.fields, sign: v.sign }));
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body), { return_code: 0, return_msg: 'OK' });
    assert.equal((await r.handle(JSON.stringify({ ...v.fields, sign: v.sign }))).status, 200);
    assert.equal(seen.length, 1, 'a repeat is answered OK without running the handler again');
  });
});

describe('intracity against the emulator', () => {
  test('without apiSecurity, every intracity call is a ValidationError and nothing is sent', async () => {
    const plain = new MiniApp({ appId: emu.defaultApp.appid, appSecret: emu.defaultApp.secret, baseUrl: emu.url });
    try {
      const before = emu.requests({ path: '/cgi-bin/express/intracity/*' }).length;
      const err = await rejectsWith(plain.intracity.apply(), ValidationError);
      assert.match(err.message, /apiSecurity/);
      assert.equal(emu.requests({ path: '/cgi-bin/express/intracity/*' }).length, before);
    } finally {
      await plain.close();
    }
  });

  test('apply, then stores: create, duplicate, query, update', async () => {
    await apiError(app.intracity.getCity(), 48001);
    await app.intracity.apply();
    const created = await app.intracity.createStore({
      out_store_id: 'S-1',
      store_name: '中关村店',
      address_info: BEIJING,
    });
    assert.match(created.wx_store_id, /^\d+$/);
    storeId = created.wx_store_id;
    await apiError(app.intracity.createStore({ out_store_id: 'S-1', store_name: 'x', address_info: BEIJING }), 934010);
    await apiError(
      app.intracity.createStore({ out_store_id: 'S-2', store_name: 'x', address_info: { ...BEIJING, city: '拉萨市' } }),
      934009,
    );
    await app.intracity.updateStore({ keys: { out_store_id: 'S-1' }, content: { store_name: '中关村旗舰店' } });
    const q = await app.intracity.queryStore({ wx_store_id: storeId });
    assert.equal(q.total, 1);
    assert.equal(q.store_list[0]!.store_name, '中关村旗舰店');
    assert.equal(q.store_list[0]!.city_id, 110100);
    assert.equal((await app.intracity.queryStore()).total, 1);
  });

  test('validation runs before sending', async () => {
    await rejectsWith(
      app.intracity.storeCharge({ wx_store_id: storeId, service_trans_id: 'DADA', amount: 100 }),
      ValidationError,
    );
    await rejectsWith(
      app.intracity.createStore({ out_store_id: 'S', store_name: 'x', order_pattern: 2, address_info: BEIJING }),
      ValidationError,
    );
    const e = await rejectsWith(
      app.intracity.addOrder({ ...order('bad'), cargo: { ...cargo, cargo_weight: 'heavy' as never } }),
      ValidationError,
    );
    assert.equal(e.field, 'cargo.cargo_weight');
    await rejectsWith(app.intracity.queryOrder({ wx_order_id: 4018734875633257 as never }), ValidationError);
  });

  test('cities and pay mode', async () => {
    const cities = await app.intracity.getCity({ service_trans_id: 'SFTC' });
    assert.equal(cities.support_list.length, 1);
    assert.ok(cities.support_list[0]!.city_list.some((c) => c.city_name === '北京市' && c.city_code === 110100));
    await app.intracity.setPayMode({ appid: emu.defaultApp.appid, pay_mode: 'PAY_MODE_STORE' });
    assert.equal((await app.intracity.getPayMode({ appid: emu.defaultApp.appid })).pay_mode, 'PAY_MODE_STORE');
    await apiError(app.intracity.getPayMode({ appid: 'wxffffffffffffffff' }), 934012);
  });

  test('an order with no balance is refused (934013); charge, quote, order, flows', async () => {
    await apiError(app.intracity.addOrder(order('O-0')), 934013);
    const charge = await app.intracity.storeCharge({ wx_store_id: storeId, service_trans_id: 'DADA', amount: 10_000 });
    assert.match(charge.payurl, /^https:\/\//);
    const bal = await app.intracity.balanceQuery({ wx_store_id: storeId, service_trans_id: 'DADA' });
    assert.equal(bal.all_balance, 10_000);
    const quote = await app.intracity.preAddOrder({ wx_store_id: storeId, ...receiverNear, cargo });
    assert.equal(quote.service_trans_id, 'DADA');
    assert.ok(quote.distance > 3000 && quote.distance < 5000, String(quote.distance));
    const added = await app.intracity.addOrder(order('O-1', { verify_code_type: 1 }));
    assert.equal(added.wx_order_id, '4018734875633256960', 'beyond 2^53, every digit kept');
    assert.equal(typeof added.wx_order_id, 'string');
    assert.equal(added.fee, quote.est_fee);
    assert.match(added.fetch_code!, /^\d{4}$/);
    const again = await app.intracity.addOrder(order('O-1', { verify_code_type: 1 }));
    assert.equal(again.wx_order_id, added.wx_order_id, 'a repeated store_order_id re-enters the same order');
    const after = await app.intracity.balanceQuery({ wx_store_id: storeId });
    assert.equal(after.all_balance, 10_000 - added.fee);
    const flows = await app.intracity.queryFlow({ wx_store_id: storeId, flow_type: 2 });
    assert.equal(flows.flow_list.length, 1);
    assert.equal(flows.total_deduct_amt, added.fee);
    assert.equal(flows.flow_list[0]!.wx_order_id, added.wx_order_id);
    await apiError(app.intracity.storeRefund({ wx_store_id: storeId, service_trans_id: 'DADA' }), 934006);
  });

  test('the status machine on the virtual clock; callbacks received once each, in order, verified', async () => {
    const id = '4018734875633256960';
    failNext = 1; // the next delivery attempt (the 30000 callback) fails: the emulator retries
    for (const step of [60, 300, 120, 3600]) {
      emu.clock.advance(step);
      emu.intracity.tick();
    }
    await emu.intracity.idle();
    const mine = received.filter((c) => c.wx_order_id === id);
    assert.deepEqual(
      mine.map((c) => c.order_status),
      [ST.CREATED, ST.ACCEPTED, ST.ARRIVED_AT_STORE, ST.DELIVERING, ST.DELIVERED],
    );
    for (const c of mine) {
      assert.equal(typeof c.wx_order_id, 'string');
      assert.equal(c.wx_store_id, storeId);
      assert.equal(c.service_trans_id, 'DADA');
    }
    const log = emu.intracity.callbacks({ wx_order_id: id });
    assert.equal(log.length, 5);
    assert.equal(log[1].order_status, ST.ACCEPTED);
    assert.deepEqual(
      log[1].attempts.map((a: { status: number }) => a.status),
      [500, 200],
      'the failed attempt was retried',
    );
    assert.ok(log.every((c: { status: string }) => c.status === 'delivered'));
    assert.ok(rawHits >= 6);
    const q = await app.intracity.queryOrder({ wx_order_id: id });
    assert.equal(q.order_status, ST.DELIVERED);
    assert.equal(q.wx_order_id, id);
    assert.ok(q.transporter_info?.transporter_name);
    assert.ok(q.finish_time! > q.accept_time!);
    await apiError(app.intracity.cancelOrder({ wx_order_id: id, cancel_reason_id: 1 }), 934017);
  });

  test('refund the unused balance once nothing is in transit', async () => {
    const bal = await app.intracity.balanceQuery({ wx_store_id: storeId, service_trans_id: 'DADA' });
    const refund = await app.intracity.storeRefund({ wx_store_id: storeId, service_trans_id: 'DADA' });
    assert.equal(refund.refund_amount, bal.all_balance);
    assert.equal((await app.intracity.balanceQuery({ wx_store_id: storeId })).all_balance, 0);
    const flows = await app.intracity.queryFlow({ wx_store_id: storeId, flow_type: 3 });
    assert.equal(flows.total_refund_amt, refund.refund_amount);
  });

  test('sandbox orders: no balance needed, moved only by mockNotify, cancel keeps a fee', async () => {
    const added = await app.intracity.addOrder(order('SB-1', { use_sandbox: 1 }));
    emu.clock.advance(600);
    emu.intracity.tick();
    await app.intracity.mockNotify({ wx_store_id: storeId, store_order_id: 'SB-1', order_status: ST.ACCEPTED });
    const cancelled = await app.intracity.cancelOrder({ wx_order_id: added.wx_order_id, cancel_reason_id: 2 });
    assert.equal(cancelled.order_status, ST.CANCELLED_BY_STORE);
    assert.equal(cancelled.deductfee, 200);
    await apiError(app.intracity.cancelOrder({ wx_order_id: added.wx_order_id, cancel_reason_id: 2 }), 934018);
    await emu.intracity.idle();
    assert.deepEqual(
      received.filter((c) => c.wx_order_id === added.wx_order_id).map((c) => c.order_status),
      [ST.CREATED, ST.ACCEPTED, ST.CANCELLED_BY_STORE],
    );
    await apiError(app.intracity.queryOrder({ wx_order_id: '4018734875633250000' }), 934016);
  });

  test("SFTC's sandbox accepts only its fixed receiver (934019 otherwise)", async () => {
    const sf = await app.intracity.createStore({
      out_store_id: 'SF-1',
      store_name: '顺丰店',
      order_pattern: 2,
      service_trans_prefer: 'SFTC',
      address_info: BEIJING,
    });
    const base = order('SF-O1', { wx_store_id: sf.wx_store_id, use_sandbox: 1 });
    await apiError(app.intracity.addOrder(base), 934019);
    const ok = await app.intracity.addOrder({
      ...base,
      user_name: '顺丰同城',
      user_phone: '13881979410',
      user_address: '北京市海淀区学清嘉创大厦A座15层',
    });
    assert.equal(ok.service_trans_id, 'SFTC');
  });

  test('every intracity call went out sealed', () => {
    const calls = emu.requests({ path: '/cgi-bin/express/intracity/*' });
    const names = new Set(calls.map((c) => c.path.split('/').pop()));
    assert.equal(names.size, 16, [...names].join(','));
    for (const c of calls) {
      assert.deepEqual(Object.keys(c.body as object), ['iv', 'data', 'authtag'], c.path);
      assert.ok((c.security as any)?.request, c.path);
    }
  });
});
