// The intracity area over HTTP (sealed by hand, no SDK client): callbacks on the wire (a bare
// uint64 wx_order_id, the §18.4 sign), retries and their record, automatic mode off, admin views.
import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, mock, test } from 'node:test';
import { type EmulatorHandle, type KeySet, startEmulator } from '@miniapp-server/emulator';
import { intracityCallbackSign } from '@miniapp-server/sdk';
import { T0, client } from './helpers.js';
import { securedCall } from './secured.js';

const TOKEN = 'ic-test-token';
let emu: EmulatorHandle;
let keys: KeySet;
let token: string;
let server: Server;
let url: string;
const bodies: string[] = [];
let answer = '{"return_code":0,"return_msg":"OK"}';

const call = (name: string, params: Record<string, unknown> = {}) =>
  securedCall(emu, keys, token, `/cgi-bin/express/intracity/${name}`, params);

const orderFor = (wx_store_id: string, store_order_id: string) => ({
  wx_store_id,
  store_order_id,
  user_openid: 'oE',
  user_name: '李四',
  user_phone: '13900000000',
  user_address: '上海市浦东新区2号',
  user_lat: 31.24,
  user_lng: 121.51,
  order_detail_path: 'pages/o/o',
  cargo: { cargo_name: '花', cargo_weight: 500, cargo_price: 10000, cargo_type: 14, cargo_num: 1 },
});

before(async () => {
  // This emulator's 500 ms automatic tick is created under mocked timers and so never fires: the
  // tests tick explicitly (every route call and `tick()` do), and a real-time tick landing between
  // `clock.advance()` and the admin tick would make the count it answers a race.
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    emu = await startEmulator({ clock: { start: T0, frozen: true } });
  } finally {
    mock.timers.reset();
  }
  keys = emu.apiSecurity.generate();
  token = (await client(emu).stableToken()).json.access_token;
  emu.intracity.setApp({ callbackToken: TOKEN });
  emu.intracity.configure({ retryDelayMs: 0, retries: 2 });
  server = createServer((req, res) => {
    let b = '';
    req.on('data', (d) => {
      b += d;
    });
    req.on('end', () => {
      bodies.push(b);
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`;
});

after(async () => {
  await emu.close();
  await new Promise((r) => server.close(r));
});

test('an order: callbacks carry a bare uint64 wx_order_id and a sign that verifies; a refused reply is retried', async () => {
  assert.equal((await call('apply')).errcode, 0);
  const store = await call('createstore', {
    out_store_id: 'E-1',
    store_name: '测试店',
    address_info: {
      province: '上海市',
      city: '上海市',
      area: '浦东新区',
      house: '1号',
      lat: 31.23,
      lng: 121.5,
      phone: '13800000000',
    },
  });
  assert.equal(store.errcode, 0);
  assert.equal(
    (await call('storecharge', { wx_store_id: store.wx_store_id, service_trans_id: 'DADA', amount: 5000 })).errcode,
    0,
  );
  const order = await call('addorder', { ...orderFor(store.wx_store_id, 'E-O1'), callback_url: url });
  assert.equal(order.errcode, 0, JSON.stringify(order));
  await emu.intracity.idle();
  assert.equal(bodies.length, 1);
  assert.match(bodies[0]!, /"wx_order_id":4018734875633256960,/);
  const cb = JSON.parse(bodies[0]!.replace(/("wx_order_id":)(\d+)/, '$1"$2"'));
  const { sign, ...fields } = cb;
  assert.equal(sign, intracityCallbackSign(fields, TOKEN));
  assert.equal(cb.order_status, 10000);
  assert.equal(cb.timestamp, T0);

  answer = '{"return_code":1,"return_msg":"try later"}';
  emu.clock.advance(60);
  emu.intracity.tick();
  await emu.intracity.idle();
  const record = emu.intracity.callbacks({ wx_order_id: order.wx_order_id }).at(-1);
  assert.equal(record.order_status, 30000);
  assert.equal(record.status, 'failed');
  assert.equal(record.attempts.length, 3, '1 + retries');
  answer = '{"return_code":0,"return_msg":"OK"}';
});

test('automatic mode off: orders wait; the admin views list stores, orders, balances', async () => {
  const admin = client(emu).admin;
  assert.equal((await admin('PUT', 'intracity/settings', { auto: false })).json.auto, false);
  const [store] = (await admin('GET', 'intracity/stores')).json;
  const order = await call('addorder', orderFor(store.wx_store_id, 'E-O2'));
  emu.clock.advance(3600);
  assert.equal(
    (await admin('POST', 'intracity/tick')).json.moved,
    1,
    'only the first order (scheduled while auto was on) moves',
  );
  assert.equal((await call('queryorder', { wx_order_id: order.wx_order_id })).order_status, 10000);
  const orders = (await admin('GET', 'intracity/orders')).json;
  assert.equal(orders.length, 2);
  const balances = (await admin('GET', 'intracity/balances')).json;
  assert.equal(balances[0].service_trans_id, 'DADA');
  assert.ok(balances[0].balance < 5000);
  const view = (await admin('PUT', `intracity/apps/${emu.defaultApp.appid}`, {})).json;
  assert.equal(view.callbackToken, '***');
});
