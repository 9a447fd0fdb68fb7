// The immediate-delivery area over plain HTTP (never the SDK client): the documented paths, the
// sign check, doc-shaped answers, and the admin API the console uses — orders with their timeline,
// rider position and coordinates, advance / fail / script, accounts with masked secrets, settings.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import delivery from '../src/areas/immediate-delivery/index.js';
import { client, RID, start } from './helpers.js';

const BASE = '/cgi-bin/express/local/business';
const OPENID = 'oEmuDeliveryUser00000000000';
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const sign = (shopOrderId: string) => sha1(`test_shop_id${shopOrderId}test_app_secrect`);

const SENDER = {
  name: '店',
  city: '广州市',
  address: '天河区',
  address_detail: '1 号',
  phone: '020',
  lng: 113.3245,
  lat: 23.1188,
};
const RECEIVER = {
  name: '客',
  city: '广州市',
  address: '天河区',
  address_detail: '2 号',
  phone: '138',
  lng: 113.3345,
  lat: 23.1345,
};
const body = (id: string, extra: Record<string, unknown> = {}) => ({
  shopid: 'test_shop_id',
  shop_order_id: id,
  delivery_sign: sign(id),
  delivery_id: 'TEST',
  openid: OPENID,
  sender: SENDER,
  receiver: RECEIVER,
  cargo: { goods_value: 20, goods_weight: 1, cargo_first_class: '鲜花', cargo_second_class: '鲜花' },
  order_info: {},
  shop: { img_url: 'https://x/y.png', goods_name: '玫瑰', goods_count: 1 },
  ...extra,
});

let emu: EmulatorHandle;
let http: ReturnType<typeof client>;
let token: string;
const call = (path: string, b: unknown) => http.post(`${BASE}${path}`, b, { query: { access_token: token } });

before(async () => {
  emu = await start({ areas: [delivery] });
  http = client(emu);
  token = await http.token();
  emu.createUser({ openid: OPENID });
});
after(() => emu?.close());

describe('WeChat routes', () => {
  test('the 14 documented paths, POST only', async () => {
    const paths = emu
      .routes()
      .filter((r) => r.path.startsWith(BASE))
      .map((r) => `${r.method} ${r.path.slice(BASE.length)}`)
      .sort();
    assert.deepEqual(paths, [
      'POST /delivery/getall',
      'POST /open',
      'POST /order/add',
      'POST /order/addtips',
      'POST /order/cancel',
      'POST /order/confirm_return',
      'POST /order/get',
      'POST /order/pre_add',
      'POST /order/precancel',
      'POST /order/readd',
      'POST /realmock_update_order',
      'POST /shop/add',
      'POST /shop/get',
      'POST /test_update_order',
    ]);
    const r = await http.get(`${BASE}/order/get`, { access_token: token });
    assert.equal(r.json.errcode, 43002);
  });

  test('answers as the doc examples: resultcode/resultmsg, no errcode; platform errors with a rid', async () => {
    const q = await call('/order/pre_add', body('e-1'));
    assert.equal(q.json.errcode, undefined);
    assert.deepEqual([q.json.resultcode, q.json.resultmsg], [0, 'ok']);
    assert.equal(typeof q.json.insurancefee, 'number');
    const a = await call('/order/add', body('e-1'));
    assert.equal(a.json.order_status, 101);
    const dup = await call('/order/add', body('e-1'));
    assert.equal(dup.json.errcode, 930562);
    assert.match(dup.json.errmsg, RID);
    const missing = await call('/order/get', {
      shopid: 'test_shop_id',
      shop_order_id: 'nope',
      delivery_sign: sign('nope'),
    });
    assert.equal(missing.json.errcode, 930563);
  });

  test('delivery_sign: SHA1(shopid + shop_order_id + secret); a wrong one is a carrier failure with zero fees', async () => {
    const bad = await call('/order/add', body('e-2', { delivery_sign: sha1('test_shop_ide-2wrong') }));
    assert.deepEqual(bad.json, {
      resultcode: 2003,
      resultmsg: '签名错误',
      fee: 0,
      deliverfee: 0,
      couponfee: 0,
      tips: 0,
      insurancefee: 0,
      distance: 0,
    });
    const upper = await call('/order/pre_add', body('e-2', { delivery_sign: sign('e-2').toUpperCase() }));
    assert.equal(upper.json.resultcode, 0, 'hex case does not matter');
    // mockUpdateOrder takes a sign or none (not in the doc table).
    await call('/order/add', body('e-3'));
    const mock = await call('/test_update_order', {
      shopid: 'test_shop_id',
      shop_order_id: 'e-3',
      order_status: 102,
      action_time: 1_700_000_000,
    });
    assert.equal(mock.json.resultcode, 0);
  });
});

describe('admin API', () => {
  test('orders list with timeline, rider position between the addresses, coordinates; advance and fail', async () => {
    emu.delivery.configure({ auto: false });
    const placed = await call('/order/add', body('adm-1'));
    const id = placed.json.waybill_id;
    let r = await http.admin('POST', `delivery/orders/${id}/advance`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.order_status, 102);
    for (const s of [201, 202, 301]) {
      r = await http.admin('POST', `delivery/orders/${id}/advance`);
      assert.equal(r.json.order_status, s);
    }
    emu.advanceClock(120);
    const list = await http.admin('GET', 'delivery/orders?status=301');
    const o = list.json.find((x: any) => x.waybill_id === id);
    assert.ok(o, 'listed');
    assert.deepEqual(
      o.timeline.map((t: any) => [t.order_status, t.by]),
      [
        [101, 'merchant'],
        [102, 'admin'],
        [201, 'admin'],
        [202, 'admin'],
        [301, 'admin'],
      ],
    );
    assert.equal(o.sender.lng, SENDER.lng);
    assert.equal(o.receiver.lat, RECEIVER.lat);
    assert.ok(
      o.rider_position.lng > SENDER.lng && o.rider_position.lng < RECEIVER.lng,
      JSON.stringify(o.rider_position),
    );
    assert.ok(o.reach_time > 0);
    assert.equal(o.delivery_name, '测试配送公司');

    const f = await http.admin('POST', `delivery/orders/${id}/fail`, { reason: 'rider-cancelled' });
    assert.equal(f.status, 409, 'a rider cannot cancel while delivering');
    const u = await http.admin('POST', `delivery/orders/${id}/fail`, { reason: 'unreachable' });
    assert.equal(u.json.order_status, 304);
    const back = await http.admin('POST', `delivery/orders/${id}/advance`);
    assert.equal(back.json.order_status, 401);
    assert.equal((await http.admin('POST', `delivery/orders/${id}/advance`)).status, 409);
    assert.equal((await http.admin('GET', 'delivery/orders/none')).status, 404);
  });

  test('scripts, accounts (secrets masked) and settings', async () => {
    await call('/order/add', body('adm-2'));
    const s = await http.admin('POST', 'delivery/orders/adm-2/script', { journey: 'force-majeure' });
    assert.deepEqual(
      s.json.upcoming.map((p: any) => p.order_status),
      [102, 502],
    );
    assert.equal((await http.admin('POST', 'delivery/orders/adm-2/script', { journey: 'nope' })).status, 400);
    emu.advanceClock(3600);
    await http.admin('POST', 'delivery/sync');
    assert.equal((await http.admin('GET', 'delivery/orders/adm-2')).json.order_status, 502);

    const acc = await http.admin('POST', 'delivery/accounts', {
      delivery_id: 'SFTC',
      shopid: 'sf-own',
      secret: 'very-secret-value',
      shop_no: 's1',
    });
    assert.equal(acc.status, 200, acc.text);
    assert.equal(acc.json.secret, '***');
    const listed = await http.admin('GET', 'delivery/accounts');
    assert.ok(!listed.text.includes('very-secret-value'));
    assert.equal(
      (await http.admin('POST', 'delivery/accounts', { delivery_id: 'XX', shopid: 'a', secret: 'b' })).status,
      400,
    );
    const shops = await call('/shop/get', {});
    assert.ok(shops.json.shop_list.some((x: any) => x.shopid === 'sf-own' && x.audit_result === 0));

    assert.equal((await http.admin('POST', 'delivery/settings', { auto: 'yes' })).status, 400);
    const set = await http.admin('POST', 'delivery/settings', { auto: true, journey: 'refused' });
    assert.deepEqual(set.json, { auto: true, journey: 'refused', sandboxDailyQuota: 500 });
    const placed = await call('/order/add', body('adm-3'));
    const view = await http.admin('GET', `delivery/orders/${placed.json.waybill_id}`);
    assert.deepEqual(
      view.json.upcoming.map((p: any) => p.order_status),
      [102, 201, 202, 301, 305],
    );
  });

  test('an account with a store: orders without a sender are picked up there', async () => {
    const secret = 'dada-own-secret';
    await http.admin('POST', 'delivery/accounts', {
      delivery_id: 'DADA',
      shopid: 'da-own',
      secret,
      shop_no: 'st-9',
      store: SENDER,
    });
    const { sender: _s, ...noSender } = body('st-1', { shopid: 'da-own', delivery_id: 'DADA' });
    const q = await call('/order/pre_add', { ...noSender, delivery_sign: sha1(`da-ownst-1${secret}`) });
    assert.equal(q.json.resultcode, 0, q.text);
    assert.ok(q.json.distance > 1900 && q.json.distance < 2100);
    assert.equal(typeof q.json.delivery_token, 'string');
    const none = await call('/order/pre_add', { ...body('st-2'), sender: undefined });
    assert.equal(none.json.resultcode, 1011, 'the sandbox account has no store');
  });

  test('state export keeps orders; reset clears them', async () => {
    const snap = emu.exportState();
    assert.ok(Object.keys((snap.slices.immediateDelivery as any).orders).length >= 3);
    emu.reset();
    assert.equal(emu.delivery.orders().length, 0);
    emu.importState(snap);
    assert.ok(emu.delivery.orders().length >= 3);
  });
});
