// Immediate delivery through the public client (MiniApp) against the emulator: every endpoint,
// each documented errcode, carrier-level failures (DeliveryError), tip and cancel rules at each
// stage, reOrder, and the sandbox facilities.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DeliveryError, ValidationError } from '@miniapp-server/sdk';
import { apiError, rejectsWith } from './helpers/errors.js';
import { type DeliveryWorld, RECEIVER, SENDER, T0, deliveryWorld, order } from './helpers/delivery.js';

let w: DeliveryWorld;
const SFTC = { shopid: '1534713176', secret: 'd80400f91e156f63b38886e616d84590' };
const DADA = { shopid: 'dadaaee18818d97e236', secret: '1c6f40492d6d89caaad80b85f7d31670' };
const ref = (shop_order_id: string, shopid = 'test_shop_id') => ({ shopid, shop_order_id });

before(async () => {
  w = await deliveryWorld({ delivery: { secrets: { [SFTC.shopid]: SFTC.secret, [DADA.shopid]: DADA.secret } } });
});
after(() => w?.close());
beforeEach(() => {
  // Stage-by-stage tests move orders themselves.
  w.emu.delivery.configure({ auto: false });
});

/** Places a sandbox order and moves it to `status` with mockUpdateOrder. */
async function orderAt(id: string, statuses: number[], extra = {}) {
  const r = await w.app.immediateDelivery.addOrder(order(id, extra));
  for (const order_status of statuses) {
    await w.app.immediateDelivery.mockUpdateOrder({ ...ref(id), order_status, action_time: w.emu.clock.now() });
  }
  return r;
}

describe('carriers and accounts', () => {
  test('getAllImmeDelivery lists the six carriers; getBindAccount the bound accounts', async () => {
    const all = await w.app.immediateDelivery.getAllImmeDelivery();
    assert.equal(all.resultcode, 0);
    assert.deepEqual(
      all.list.map((c) => c.delivery_id),
      ['TEST', 'SFTC', 'SS', 'MTPS', 'DADA', 'UU'],
    );
    assert.equal(all.list.find((c) => c.delivery_id === 'SFTC')?.delivery_name, '顺丰同城急送');
    const bound = await w.app.immediateDelivery.getBindAccount();
    const test = bound.shop_list.find((s) => s.shopid === 'test_shop_id');
    assert.deepEqual(test, { shopid: 'test_shop_id', delivery_id: 'TEST', audit_result: 0 });
  });

  test('bindAccount adds an account under review; openDelivery answers 930569 once opened; closed apps get 48001', async () => {
    await w.app.immediateDelivery.bindAccount({ delivery_id: 'MTPS' });
    const bound = await w.app.immediateDelivery.getBindAccount();
    const mtps = bound.shop_list.find((s) => s.delivery_id === 'MTPS');
    assert.equal(mtps?.audit_result, 1);
    await apiError(w.app.immediateDelivery.bindAccount({ delivery_id: 'NOPE' }), 930561);
    await apiError(w.app.immediateDelivery.openDelivery(), 930569);
    w.emu.delivery.setOpened({ opened: false });
    await apiError(w.app.immediateDelivery.getAllImmeDelivery(), 48001);
    await w.app.immediateDelivery.openDelivery();
    assert.equal((await w.app.immediateDelivery.getAllImmeDelivery()).resultcode, 0);
  });

  test('an account under review or of another carrier cannot order: 930560', async () => {
    w.emu.delivery.addAccount({ delivery_id: 'UU', shopid: 'uu-review', secret: 'uu-secret-1', audit_result: 1 });
    const app = w.app;
    const body = order('o-review', { shopid: 'uu-review', delivery_id: 'UU', delivery_sign: 'x' });
    await apiError(app.immediateDelivery.addOrder(body), 930560);
    await apiError(app.immediateDelivery.addOrder(order('o-mismatch', { delivery_id: 'SFTC' })), 930560);
  });
});

describe('quotes and orders', () => {
  test('preAddOrder quotes from the coordinates; addOrder creates the order at 101 with a finish code', async () => {
    const q = await w.app.immediateDelivery.preAddOrder(order('q-1'));
    assert.equal(q.resultcode, 0);
    assert.ok(q.distance > 1900 && q.distance < 2100, `distance ${q.distance}`);
    assert.equal(q.deliverfee, 10);
    assert.equal(q.fee, q.deliverfee - q.couponfee);
    assert.equal(q.insurancefee, 0);
    assert.equal(q.dispatch_duration, 300);
    assert.equal(q.delivery_token, undefined);

    const far = { ...RECEIVER, lng: 113.45, lat: 23.2 }; // ~16 km: distance pricing
    const q2 = await w.app.immediateDelivery.preAddOrder(
      order('q-2', { receiver: far, order_info: { is_insured: 1, declared_value: 300 } }),
    );
    assert.ok(q2.deliverfee > q.deliverfee);
    assert.equal(q2.insurancefee, 3);

    const a = await w.app.immediateDelivery.addOrder(order('q-1'));
    assert.equal(a.order_status, 101);
    assert.match(a.waybill_id, /^TEST/);
    assert.equal(typeof a.finish_code, 'number');
    assert.equal(a.pickup_code, undefined);
    const g = await w.app.immediateDelivery.getOrder(ref('q-1'));
    assert.deepEqual([g.order_status, g.waybill_id, g.rider_name], [101, a.waybill_id, undefined]);
  });

  test('Baidu coordinates are converted before measuring', async () => {
    const bd = { ...RECEIVER, lng: RECEIVER.lng + 0.0065, lat: RECEIVER.lat + 0.006, coordinate_type: 1 as const };
    const gcj = await w.app.immediateDelivery.preAddOrder(order('bd-0'));
    const baidu = await w.app.immediateDelivery.preAddOrder(order('bd-1', { receiver: bd }));
    assert.ok(Math.abs(gcj.distance - baidu.distance) < 30, `${gcj.distance} vs ${baidu.distance}`);
  });

  test('duplicate shop_order_id 930562; unknown order 930563; unknown openid 930559; shop 9300535; args 930561', async () => {
    await w.app.immediateDelivery.addOrder(order('dup-1'));
    await apiError(w.app.immediateDelivery.addOrder(order('dup-1')), 930562);
    await apiError(w.app.immediateDelivery.getOrder(ref('never-placed')), 930563);
    await apiError(w.app.immediateDelivery.addOrder(order('who', { openid: 'oNobody' })), 930559);
    // The SDK refuses these before sending; sent raw, the emulator answers like WeChat.
    const raw = (path: string, body: Record<string, unknown>) =>
      w.app.request({ method: 'POST', path: `/cgi-bin/express/local/business${path}`, body });
    const noShop = { ...order('raw-1'), shop: { wxa_path: 'pages/x' }, delivery_sign: 'a'.repeat(40) };
    await apiError(raw('/order/add', noShop), 9300535);
    const { cargo: _c, ...noCargo } = order('raw-2');
    await apiError(raw('/order/add', noCargo), 930561);
  });

  test('a carrier-level failure is a DeliveryError with resultcode, resultmsg and the zeroed fees', async () => {
    const err = await rejectsWith(
      w.app.immediateDelivery.addOrder(order('bad-sign', { delivery_sign: '0'.repeat(40) })),
      DeliveryError,
    );
    assert.equal(err.errcode, 0);
    assert.equal(err.resultcode, 2003);
    assert.equal(err.resultmsg, '签名错误');
    assert.equal(err.body?.fee, 0);
    assert.equal(err.body?.deliverfee, 0);
    assert.match(err.message, /carrier resultcode 2003/);
    assert.ok(!err.message.includes('test_app_secrect'));
    await apiError(w.app.immediateDelivery.getOrder(ref('bad-sign')), 930563); // nothing was created
  });

  test('per-carrier rules: SFTC needs a sender and order_time; out of range; MTPS and SS need shop_no', async () => {
    const sftc = (id: string, extra = {}) =>
      order(id, { shopid: SFTC.shopid, delivery_id: 'SFTC', shop_no: '3243279847393', ...extra });
    const { sender: _s, ...noSender } = sftc('sf-1');
    const e1 = await rejectsWith(w.app.immediateDelivery.preAddOrder(noSender), DeliveryError);
    assert.equal(e1.resultcode, 1011);
    const e2 = await rejectsWith(w.app.immediateDelivery.preAddOrder(sftc('sf-2', { order_info: {} })), DeliveryError);
    assert.equal(e2.resultcode, 1014);
    const far = { ...RECEIVER, lng: 113.7, lat: 23.4 };
    const e3 = await rejectsWith(w.app.immediateDelivery.preAddOrder(sftc('sf-3', { receiver: far })), DeliveryError);
    assert.equal(e3.resultcode, 1020);
    const q = await w.app.immediateDelivery.preAddOrder(sftc('sf-4'));
    assert.equal(q.deliverfee, 12);

    w.emu.delivery.addAccount({ delivery_id: 'MTPS', shopid: 'mt-1', secret: 'mt-secret-1' });
    const mt = w.app.immediateDelivery.preAddOrder(
      order('mt-1', { shopid: 'mt-1', delivery_id: 'MTPS', shop_no: '', delivery_sign: undefined }),
      {},
    );
    await rejectsWith(mt, ValidationError); // no secret configured for mt-1 and no delivery_sign
  });

  test('DADA: pre_add issues a delivery_token that addOrder accepts once', async () => {
    const dada = (id: string, extra = {}) => order(id, { shopid: DADA.shopid, delivery_id: 'DADA', ...extra });
    const q = await w.app.immediateDelivery.preAddOrder(dada('da-1'));
    assert.equal(typeof q.delivery_token, 'string');
    const a = await w.app.immediateDelivery.addOrder(dada('da-1', { delivery_token: q.delivery_token }));
    assert.equal(a.order_status, 101);
    const e = await rejectsWith(
      w.app.immediateDelivery.addOrder(dada('da-2', { delivery_token: q.delivery_token })),
      DeliveryError,
    );
    assert.equal(e.resultcode, 1060);
  });

  test('the sandbox allows 500 orders a day (930564), counted per Beijing day', async () => {
    w.emu.delivery.configure({ sandboxDailyQuota: 0 });
    try {
      await apiError(w.app.immediateDelivery.addOrder(order('quota-1')), 930564);
    } finally {
      w.emu.delivery.configure({ sandboxDailyQuota: 500 });
    }
    await w.app.immediateDelivery.addOrder(order('quota-1'));
  });
});

describe('tips', () => {
  test('only while awaiting a rider, each tip above the previous one', async () => {
    const a = await orderAt('tip-1', []);
    const tip = (tips: number) =>
      w.app.immediateDelivery.addTip({ ...ref('tip-1'), waybill_id: a.waybill_id, tips, remark: '加急' });
    assert.equal((await tip(2)).resultcode, 0);
    assert.equal((await tip(5)).resultcode, 0);
    assert.equal((await rejectsWith(tip(5), DeliveryError)).resultcode, 1030);
    assert.equal((await rejectsWith(tip(3), DeliveryError)).resultcode, 1030);
    await w.app.immediateDelivery.mockUpdateOrder({ ...ref('tip-1'), order_status: 102, action_time: T0 });
    assert.equal((await rejectsWith(tip(8), DeliveryError)).resultcode, 1031);
    await w.app.immediateDelivery.mockUpdateOrder({ ...ref('tip-1'), order_status: 302, action_time: T0 });
    await apiError(tip(9), 930565);
  });

  test('per-carrier limits: DADA at most 30 and the goods value, SS tiers, SFTC 10 times, MTPS none', async () => {
    const dada = await w.app.immediateDelivery.addOrder(order('tip-da', { shopid: DADA.shopid, delivery_id: 'DADA' }));
    const daTip = (tips: number) =>
      w.app.immediateDelivery.addTip({
        shopid: DADA.shopid,
        shop_order_id: 'tip-da',
        waybill_id: dada.waybill_id,
        tips,
      });
    assert.equal((await rejectsWith(daTip(31), DeliveryError)).resultcode, 1030);
    await daTip(30);

    w.emu.delivery.addAccount({ delivery_id: 'SS', shopid: 'ss-1', secret: 'ss-secret-1', shop_no: 'ss-store' });
    const ssBody = order('tip-ss', {
      shopid: 'ss-1',
      delivery_id: 'SS',
      order_info: { is_direct_delivery: 1 },
    });
    const secrets = { 'ss-1': 'ss-secret-1', 'mt-2': 'mt-secret-2', [SFTC.shopid]: SFTC.secret };
    const { MiniApp } = await import('@miniapp-server/sdk');
    const app = new MiniApp({
      appId: w.emu.defaultApp.appid,
      appSecret: w.emu.defaultApp.secret,
      baseUrl: w.emu.url,
      maxRetries: 0,
      clock: { now: () => w.emu.clock.nowMs() },
      delivery: { secrets },
    });
    try {
      const ss = await app.immediateDelivery.addOrder(ssBody);
      const ssTip = (tips: number) =>
        app.immediateDelivery.addTip({
          shopid: 'ss-1',
          shop_order_id: 'tip-ss',
          shop_no: 'store-1',
          waybill_id: ss.waybill_id,
          tips,
        });
      assert.equal((await rejectsWith(ssTip(4), DeliveryError)).resultcode, 1030);
      await ssTip(5);

      const sf = await app.immediateDelivery.addOrder(
        order('tip-sf', { shopid: SFTC.shopid, delivery_id: 'SFTC', order_info: { order_time: T0 } }),
      );
      const sfTip = (tips: number) =>
        app.immediateDelivery.addTip({ shopid: SFTC.shopid, shop_order_id: 'tip-sf', waybill_id: sf.waybill_id, tips });
      for (let i = 1; i <= 10; i++) await sfTip(i);
      assert.equal((await rejectsWith(sfTip(11), DeliveryError)).resultcode, 1030);

      w.emu.delivery.addAccount({ delivery_id: 'MTPS', shopid: 'mt-2', secret: 'mt-secret-2', shop_no: 'mt-store' });
      const mt = await app.immediateDelivery.addOrder(order('tip-mt', { shopid: 'mt-2', delivery_id: 'MTPS' }));
      const e = await rejectsWith(
        app.immediateDelivery.addTip({ shopid: 'mt-2', shop_order_id: 'tip-mt', waybill_id: mt.waybill_id, tips: 2 }),
        DeliveryError,
      );
      assert.equal(e.resultcode, 1032);
    } finally {
      await app.close();
    }
  });
});

describe('cancelling', () => {
  const cancel = (id: string, waybill_id: string, shopid = 'test_shop_id', delivery_id = 'TEST') => ({
    shopid,
    shop_order_id: id,
    delivery_id,
    waybill_id,
  });

  test('deduct_fee by stage: free at 101, 2 at 102, 5 at 201, the whole fee once picked up', async () => {
    const stages: Array<[number[], number]> = [
      [[], 0],
      [[102], 2],
      [[102, 201], 5],
      [[102, 201, 202], 10],
      [[102, 201, 202, 301], 10],
    ];
    for (const [i, [path, fee]] of stages.entries()) {
      const a = await orderAt(`pc-${i}`, path);
      const pre = await w.app.immediateDelivery.preCancelOrder({
        ...cancel(`pc-${i}`, a.waybill_id),
        cancel_reason_id: 1,
      });
      assert.equal(pre.deduct_fee, fee, `precancel after ${path.join('→') || '101'}`);
      assert.equal(typeof pre.desc, 'string');
    }
  });

  test('cancel moves the order to 103 / 203 / 303 and pushes it; 303 comes back with abnormalConfirm → 401', async () => {
    const expected: Array<[number[], number]> = [
      [[], 103],
      [[102, 201], 203],
      [[102, 201, 202, 301], 303],
    ];
    for (const [i, [path, to]] of expected.entries()) {
      const id = `c-${i}`;
      const a = await orderAt(id, path);
      const r = await w.app.immediateDelivery.cancelOrder({ ...cancel(id, a.waybill_id), cancel_reason_id: 2 });
      assert.equal(r.resultcode, 0);
      assert.equal((await w.app.immediateDelivery.getOrder(ref(id))).order_status, to);
    }
    await w.emu.delivery.sync();
    assert.deepEqual(
      w.pushes
        .filter((p) => p.shop_order_id.startsWith('c-') && [103, 203, 303].includes(p.order_status))
        .map((p) => [p.shop_order_id, p.order_status]),
      [
        ['c-0', 103],
        ['c-1', 203],
        ['c-2', 303],
      ],
    );
    const a2 = w.emu.delivery.order('c-2');
    await apiError(
      w.app.immediateDelivery.cancelOrder({
        ...cancel('c-0', w.emu.delivery.order('c-0').waybill_id),
        cancel_reason_id: 1,
      }),
      930565,
    );
    const back = await w.app.immediateDelivery.abnormalConfirm({
      ...ref('c-2'),
      waybill_id: a2.waybill_id,
      remark: '已收到退回',
    });
    assert.equal(back.resultcode, 0);
    assert.equal((await w.app.immediateDelivery.getOrder(ref('c-2'))).order_status, 401);
    await apiError(w.app.immediateDelivery.abnormalConfirm({ ...ref('c-2'), waybill_id: a2.waybill_id }), 930565);
  });

  test('abnormalConfirm before any return is a carrier failure', async () => {
    const a = await orderAt('ac-1', [102]);
    const e = await rejectsWith(
      w.app.immediateDelivery.abnormalConfirm({ ...ref('ac-1'), waybill_id: a.waybill_id }),
      DeliveryError,
    );
    assert.equal(e.resultcode, 1050);
  });

  test('DADA cancels only before pickup', async () => {
    const id = 'c-da';
    const a = await w.app.immediateDelivery.addOrder(order(id, { shopid: DADA.shopid, delivery_id: 'DADA' }));
    w.emu.delivery.advance(a);
    w.emu.delivery.advance(a);
    w.emu.delivery.advance(a); // 202
    const body = {
      ...cancel(id, a.waybill_id, DADA.shopid, 'DADA'),
      cancel_reason_id: 6 as const,
      cancel_reason: '不要了',
    };
    const e = await rejectsWith(w.app.immediateDelivery.cancelOrder(body), DeliveryError);
    assert.equal(e.resultcode, 1040);
    assert.equal(e.body?.deduct_fee, 0);
  });

  test('reOrder after a cancellation keeps shop_order_id; an active order cannot be placed again', async () => {
    const a = await orderAt('re-1', []);
    await apiError(w.app.immediateDelivery.reOrder(order('re-1')), 930562);
    await w.app.immediateDelivery.cancelOrder({ ...cancel('re-1', a.waybill_id), cancel_reason_id: 3 });
    const again = await w.app.immediateDelivery.reOrder(order('re-1'));
    assert.equal(again.order_status, 101);
    assert.notEqual(again.waybill_id, a.waybill_id);
    const g = await w.app.immediateDelivery.getOrder(ref('re-1'));
    assert.deepEqual([g.order_status, g.waybill_id], [101, again.waybill_id]);
    await apiError(w.app.immediateDelivery.reOrder(order('re-unknown')), 930563);
  });
});

describe('sandbox facilities', () => {
  test('mockUpdateOrder: test_shop_id only (930561), unknown order 930563, final orders 930565', async () => {
    const a = await orderAt('m-1', []);
    const mock = (p: Record<string, unknown>) =>
      w.app.immediateDelivery.mockUpdateOrder({ ...ref('m-1'), order_status: 102, action_time: T0, ...p } as any);
    await apiError(mock({ shopid: SFTC.shopid }), 930561);
    await apiError(mock({ shop_order_id: 'm-unknown' }), 930563);
    await mock({ waybill_id: a.waybill_id, action_msg: '骑手小王已接单' });
    await mock({ order_status: 302 });
    await apiError(mock({ order_status: 301 }), 930565);
    await w.emu.delivery.sync();
    const last = w.pushes.filter((p) => p.shop_order_id === 'm-1');
    assert.deepEqual(
      last.map((p) => [p.order_status, p.action_msg]),
      [
        [102, '骑手小王已接单'],
        [302, '已送达'],
      ],
    );
    assert.equal(last[0]?.agent?.name, w.emu.delivery.order('m-1').rider.name);
  });

  test('realMockUpdateOrder: the SFTC and DADA test accounts, their accepted statuses, signed', async () => {
    const a = await w.app.immediateDelivery.addOrder(
      order('rm-1', { shopid: SFTC.shopid, delivery_id: 'SFTC', order_info: { order_time: T0 } }),
    );
    const rm = (order_status: number) =>
      w.app.immediateDelivery.realMockUpdateOrder({
        shopid: SFTC.shopid,
        shop_order_id: 'rm-1',
        order_status,
        action_time: T0,
      });
    await apiError(rm(201), 930561); // SFTC's test environment takes 102 202 302
    for (const s of [102, 202, 302]) assert.equal((await rm(s)).resultcode, 0);
    assert.equal(w.emu.delivery.order(a.waybill_id).order_status, 302);
    await apiError(
      w.app.immediateDelivery.realMockUpdateOrder({ ...ref('m-1'), order_status: 102, action_time: T0 }),
      930561,
    );
  });
});

describe('validation before sending', () => {
  test('nested order fields, cargo classes, shop, cancel reasons and signing secrets: nothing is sent', async () => {
    w.emu.clearRequests();
    const cases: Array<[Promise<unknown>, string]> = [
      [
        w.app.immediateDelivery.addOrder(order('v', { cargo: { ...order('v').cargo, cargo_second_class: '披萨' } })),
        'cargo.cargo_second_class',
      ],
      [
        w.app.immediateDelivery.addOrder(order('v', { cargo: { ...order('v').cargo, goods_weight: 51 } })),
        'cargo.goods_weight',
      ],
      [
        w.app.immediateDelivery.addOrder(order('v', { cargo: { ...order('v').cargo, goods_value: 1.234 } })),
        'cargo.goods_value',
      ],
      [
        w.app.immediateDelivery.preAddOrder(order('v', { receiver: { ...RECEIVER, lng: undefined as any } })),
        'receiver.lng',
      ],
      [w.app.immediateDelivery.preAddOrder(order('v', { sender: { ...SENDER, phone: '' } })), 'sender.phone'],
      [
        w.app.immediateDelivery.addOrder(order('v', { shop: { img_url: 'https://x/y.png', goods_name: 'x' } })),
        'shop.goods_count',
      ],
      [w.app.immediateDelivery.addOrder(order('v', { order_info: { order_type: 1 } })), 'order_info.order_type'],
      [w.app.immediateDelivery.addOrder(order('v', { openid: '' })), 'openid'],
      [
        w.app.immediateDelivery.addOrder({
          ...order('v'),
          cargo: { ...order('v').cargo, goods_detail: { goods: [{ good_count: 1 } as any] } },
        }),
        'cargo.goods_detail.goods[0].good_name',
      ],
      [
        w.app.immediateDelivery.cancelOrder({
          shopid: 'test_shop_id',
          shop_order_id: 'v',
          delivery_id: 'TEST',
          cancel_reason_id: 6,
        }),
        'cancel_reason',
      ],
      [w.app.immediateDelivery.getOrder({ shopid: 'no-secret-shop', shop_order_id: 'v' }), 'delivery_sign'],
      [w.app.immediateDelivery.addTip({ ...ref('v'), waybill_id: 'w', tips: 0 }), 'tips'],
    ];
    for (const [p, field] of cases) {
      const err = await rejectsWith(p, ValidationError);
      assert.equal(err.field, field, err.message);
    }
    assert.equal(w.emu.requests({ path: '/cgi-bin/express/*' }).length, 0);
  });

  test('an explicit delivery_sign wins over the configured secret', async () => {
    const e = await rejectsWith(
      w.app.immediateDelivery.getOrder({ ...ref('q-1'), delivery_sign: 'f'.repeat(40) }),
      DeliveryError,
    );
    assert.equal(e.resultcode, 2003);
    // No secret for this shopid, but a sign is given: the request is sent (and the order is unknown).
    await apiError(
      w.app.immediateDelivery.getOrder({ shopid: 'no-secret-shop', shop_order_id: 'x', delivery_sign: 'f'.repeat(40) }),
      930563,
    );
  });
});
