// Immediate delivery on the wire: delivery_sign against the official vector, lenient decoding of
// the documented bodies (both fee spellings, string codes, extra keys, unknown statuses), the
// receiver completing a `{ resultcode, resultmsg }` reply, and retries that never repeat an add
// or a cancel (fault injection on the emulator).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  ApiError,
  createSignedPush,
  DeliveryError,
  decryptMessage,
  deliverySign,
  isTerminal,
  MiniApp,
  NetworkError,
  ORDER_STATUS,
  orderStatusLabel,
  PushReceiver,
  TimeoutError,
} from '@miniapp-server/sdk';
import { type DeliveryWorld, deliveryWorld, order } from './helpers/delivery.js';
import { rejectsWith } from './helpers/errors.js';

const vectors = JSON.parse(readFileSync(new URL('./fixtures/vectors.json', import.meta.url), 'utf8'));

describe('delivery_sign', () => {
  const cases: Array<{ shopid: string; shop_order_id: string | null; app_secret: string; delivery_sign: string }> =
    vectors.delivery_sign[0].cases;

  test('matches the official sandbox vector (with and without shop_order_id)', () => {
    assert.equal(cases.length, 2);
    for (const c of cases) {
      const sign = deliverySign({
        shopid: c.shopid,
        shop_order_id: c.shop_order_id ?? undefined,
        secret: c.app_secret,
      });
      assert.equal(sign, c.delivery_sign);
    }
  });

  test('the client sends the same sign it computes from delivery.secrets', async () => {
    let seen: Record<string, unknown> | undefined;
    const server = await listen((_req, body) => {
      seen = JSON.parse(body);
      return { resultcode: 0, resultmsg: 'ok', order_status: 101, waybill_id: 'w1' };
    });
    const app = new MiniApp({ appId: 'wx1', accessToken: async () => 'T', baseUrl: server.url });
    try {
      await app.immediateDelivery.getOrder({ shopid: 'test_shop_id', shop_order_id: 'test_shop_order_id' });
      assert.equal(seen?.delivery_sign, cases[0]!.delivery_sign);
    } finally {
      await app.close();
      await server.close();
    }
  });
});

describe('status helpers', () => {
  test('final states, labels in both languages, unknown codes tolerated', () => {
    assert.deepEqual(Object.values(ORDER_STATUS).filter(isTerminal), [103, 203, 204, 205, 302, 401, 501, 502]);
    assert.equal(isTerminal(303), false);
    assert.equal(orderStatusLabel(ORDER_STATUS.DELIVERED, 'en'), 'delivered');
    assert.equal(orderStatusLabel(102), '分配骑手成功');
    assert.equal(orderStatusLabel(1), '未知状态 (1)');
    assert.equal(isTerminal(1), false);
  });
});

/** A tiny HTTP server answering like WeChat's doc examples (a stand-in for the real API). */
async function listen(answer: (path: string, body: string) => unknown) {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json; encoding=utf-8');
      res.end(JSON.stringify(answer(req.url ?? '', body)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('lenient decoding', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  let app: MiniApp;
  const bodies: Record<string, unknown> = {
    // The doc example, with the doc's `insurancfee` spelling.
    '/order/pre_add': {
      resultcode: 0,
      resultmsg: 'ok',
      fee: 10,
      deliverfee: 10,
      couponfee: 0,
      tips: 0,
      insurancfee: 0.5,
      distance: 1000,
      dispatch_duration: 300,
      delivery_token: '1111111',
    },
    // Real traffic: string codes, extra keys, an undocumented status.
    '/order/add': {
      errcode: '0',
      resultcode: '0',
      resultmsg: 'ok',
      fee: '6.4',
      deliverfee: 6.4,
      couponFee: 0,
      tips: 0,
      insurancefee: 0,
      distance: 1000,
      waybill_id: '123456789',
      order_status: 1,
      finish_code: 1024,
      pickup_code: 2048,
      dispatch_duration: 300,
      sender_lng: 113.3,
      delivery_sign: 'abc',
    },
    '/order/get': { resultcode: 1010, resultmsg: '收件人信息不正确' },
    '/order/cancel': { errcode: 930563, errmsg: 'order not exists rid: 1-2-3' },
  };
  before(async () => {
    server = await listen((url) => bodies[url.split('?')[0]!.replace('/cgi-bin/express/local/business', '')]);
    app = new MiniApp({ appId: 'wx1', accessToken: async () => 'T', baseUrl: server.url });
  });
  after(async () => {
    await app.close();
    await server.close();
  });

  test('both fee spellings, string codes and fees, extra keys, unknown order_status', async () => {
    const q = await app.immediateDelivery.preAddOrder(order('d-1'));
    assert.equal(q.insurancefee, 0.5);
    assert.equal(q.delivery_token, '1111111');
    const a = await app.immediateDelivery.addOrder(order('d-1'));
    assert.equal(a.fee, 6.4);
    assert.equal(a.couponfee, 0);
    assert.equal(a.order_status, 1);
    assert.equal(a.resultcode, 0);
    assert.equal((a as unknown as Record<string, unknown>).sender_lng, 113.3);
  });

  test('resultcode ≠ 0 without errcode → DeliveryError; errcode ≠ 0 → ApiError (not a DeliveryError)', async () => {
    const e = await rejectsWith(
      app.immediateDelivery.getOrder({ shopid: 'test_shop_id', shop_order_id: 'x' }),
      DeliveryError,
    );
    assert.deepEqual([e.errcode, e.resultcode, e.resultmsg], [0, 1010, '收件人信息不正确']);
    const p = await rejectsWith(
      app.immediateDelivery.cancelOrder({
        shopid: 'test_shop_id',
        shop_order_id: 'x',
        delivery_id: 'TEST',
        cancel_reason_id: 1,
      }),
      ApiError,
    );
    assert.equal(p.errcode, 930563);
    assert.ok(!(p instanceof DeliveryError));
  });
});

describe('the receiver completes a short reply', () => {
  test('{ resultcode, resultmsg } becomes the documented reply, encrypted in safe mode', async () => {
    const opts = {
      token: 'tok',
      appId: 'wx1234567890abcdef',
      encodingAESKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
    };
    const receiver = new PushReceiver({ ...opts, now: () => 1_700_000_100_000 });
    receiver.on('event.update_waybill_status', () => ({ resultcode: 0, resultmsg: 'ok' }));
    const push = createSignedPush({
      ...opts,
      mode: 'safe',
      format: 'json',
      timestamp: 1_700_000_100,
      nonce: '42',
      message: {
        ToUserName: 'gh_0123456789ab',
        FromUserName: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M',
        CreateTime: 1_700_000_000,
        MsgType: 'event',
        Event: 'update_waybill_status',
        shopid: 'test_shop_id',
        shop_order_id: 'o1',
        shop_no: '',
        waybill_id: 'w1',
        action_time: 1_700_000_000,
        order_status: 102,
        action_msg: '',
        agent: { name: '张师傅', phone: '13800000000' },
      },
    });
    const res = await receiver.handle({ method: 'POST', query: push.query, body: push.body });
    assert.equal(res.status, 200);
    const envelope = JSON.parse(res.body);
    assert.equal(envelope.Nonce, '42');
    const reply = JSON.parse(decryptMessage({ ...opts, encrypt: envelope.Encrypt }));
    assert.deepEqual(reply, {
      ToUserName: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M',
      FromUserName: 'gh_0123456789ab',
      CreateTime: 1_700_000_100,
      MsgType: 'event',
      Event: 'update_waybill_status',
      resultcode: 0,
      resultmsg: 'ok',
    });
  });
});

describe('paths through the public methods (PROTOCOL §11 traps 1 and 2)', () => {
  test('each of the 14 methods posts to its documented path', async () => {
    const w = await deliveryWorld();
    try {
      const r = { shopid: 'test_shop_id', shop_order_id: 'p-1' };
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['/delivery/getall', () => w.app.immediateDelivery.getAllImmeDelivery()],
        ['/shop/get', () => w.app.immediateDelivery.getBindAccount()],
        ['/shop/add', () => w.app.immediateDelivery.bindAccount({ delivery_id: 'UU' })],
        ['/open', () => w.app.immediateDelivery.openDelivery()],
        ['/order/pre_add', () => w.app.immediateDelivery.preAddOrder(order('p-1'))],
        ['/order/add', () => w.app.immediateDelivery.addOrder(order('p-1'))],
        ['/order/readd', () => w.app.immediateDelivery.reOrder(order('p-1'))],
        ['/order/addtips', () => w.app.immediateDelivery.addTip({ ...r, waybill_id: 'w', tips: 1 })],
        [
          '/order/precancel',
          () => w.app.immediateDelivery.preCancelOrder({ ...r, delivery_id: 'TEST', waybill_id: 'w' }),
        ],
        [
          '/order/cancel',
          () => w.app.immediateDelivery.cancelOrder({ ...r, delivery_id: 'TEST', cancel_reason_id: 1 }),
        ],
        ['/order/confirm_return', () => w.app.immediateDelivery.abnormalConfirm({ ...r, waybill_id: 'w' })],
        ['/order/get', () => w.app.immediateDelivery.getOrder(r)],
        [
          '/test_update_order',
          () => w.app.immediateDelivery.mockUpdateOrder({ ...r, order_status: 102, action_time: 1 }),
        ],
        [
          '/realmock_update_order',
          () => w.app.immediateDelivery.realMockUpdateOrder({ ...r, order_status: 102, action_time: 1 }),
        ],
      ];
      for (const [path, run] of calls) {
        w.emu.clearRequests();
        await run().catch((e) => assert.ok(e instanceof ApiError, String(e))); // some answer errcodes; the path is what counts
        const sent = w.emu.requests({ path: '/cgi-bin/express/*' });
        assert.deepEqual(
          sent.map((q: any) => `${q.method} ${q.path}`),
          [`POST /cgi-bin/express/local/business${path}`],
        );
      }
    } finally {
      await w.close();
    }
  });
});

describe('retries never repeat an add or a cancel', () => {
  let w: DeliveryWorld;
  before(async () => {
    w = await deliveryWorld({ maxRetries: 3, retryBaseDelayMs: 1, retryMaxDelayMs: 2 });
    w.emu.delivery.configure({ auto: false });
  });
  after(() => w?.close());
  const count = (path: string) => w.emu.requests({ path: `/cgi-bin/express/local/business${path}` }).length;

  test('a reset add is not resent; a slow add that timed out still happened once', async () => {
    w.emu.addFault({ path: '/cgi-bin/express/local/business/order/add', kind: 'reset', count: 1 });
    await rejectsWith(w.app.immediateDelivery.addOrder(order('r-1')), NetworkError);
    assert.equal(count('/order/add'), 1);

    w.emu.addFault({ path: '/cgi-bin/express/local/business/order/add', kind: 'latency', ms: 400, count: 1 });
    await rejectsWith(w.app.immediateDelivery.addOrder(order('r-2'), { timeoutMs: 100 }), TimeoutError);
    // The emulator finishes the slow add after the client gave up; wait for it (bounded).
    for (let i = 0; i < 100 && count('/order/add') < 2; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(count('/order/add'), 2);
    assert.equal(w.emu.delivery.order('r-2').order_status, 101, 'the add reached the carrier once');
  });

  test('carrier timeouts and errors relayed by WeChat (930555–930558) are ApiErrors; an add is not resent', async () => {
    for (const errcode of [930555, 930556, 930557, 930558]) {
      const before = count('/order/add');
      w.emu.addFault({ path: '/cgi-bin/express/local/business/order/add', kind: 'errcode', errcode, count: 1 });
      const e = await rejectsWith(w.app.immediateDelivery.addOrder(order(`r-${errcode}`)), ApiError);
      assert.equal(e.errcode, errcode);
      assert.ok(!(e instanceof DeliveryError));
      assert.equal(count('/order/add'), before + 1);
    }
  });

  test('a cancel answered -1 is not resent; getOrder is retried through -1 and 502', async () => {
    const a = await w.app.immediateDelivery.addOrder(order('r-3'));
    w.emu.addFault({ path: '/cgi-bin/express/local/business/order/cancel', kind: 'errcode', errcode: -1, count: 1 });
    const cancel = {
      shopid: 'test_shop_id',
      shop_order_id: 'r-3',
      delivery_id: 'TEST',
      waybill_id: a.waybill_id,
      cancel_reason_id: 1 as const,
    };
    const e = await rejectsWith(w.app.immediateDelivery.cancelOrder(cancel), ApiError);
    assert.equal(e.errcode, -1);
    assert.equal(count('/order/cancel'), 1);

    w.emu.addFault({ path: '/cgi-bin/express/local/business/order/get', kind: 'errcode', errcode: -1, count: 1 });
    w.emu.addFault({ path: '/cgi-bin/express/local/business/order/get', kind: 'http', status: 502, count: 1 });
    const g = await w.app.immediateDelivery.getOrder({ shopid: 'test_shop_id', shop_order_id: 'r-3' });
    assert.equal(g.order_status, 101);
    assert.equal(count('/order/get'), 3);
  });
});
