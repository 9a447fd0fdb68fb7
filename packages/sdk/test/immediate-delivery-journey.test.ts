// A whole delivery on the virtual clock: simulated riders move the order, and an app built on the
// SDK's push receiver (safe mode, JSON) gets every status in order, once each — even when one push
// has to be retried — and answers with the short `{ resultcode, resultmsg }` the receiver completes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isTerminal, ORDER_STATUS, orderStatusLabel, type UpdateWaybillStatusEvent } from '@miniapp-server/sdk';
import { type DeliveryWorld, deliveryWorld, order, RECEIVER, SENDER } from './helpers/delivery.js';

let w: DeliveryWorld;
before(async () => {
  w = await deliveryWorld();
});
after(() => w?.close());

const ref = (shop_order_id: string) => ({ shopid: 'test_shop_id', shop_order_id });
const between = (v: number, a: number, b: number) => v >= Math.min(a, b) - 1e-6 && v <= Math.max(a, b) + 1e-6;

describe('automatic mode', () => {
  test('101 → 102 → 201 → 202 → 301 → 302, each pushed once, in order, with the rider moving', async () => {
    let failOnce = true;
    const handled: UpdateWaybillStatusEvent[] = [];
    w.app.push!.on('event.update_waybill_status', (e) => {
      if (e.shop_order_id !== 'j-1') return;
      // One failed attempt (answered 500): WeChat (the emulator) retries it; the app records it once.
      if (e.order_status === 201 && failOnce) {
        failOnce = false;
        throw new Error('database busy');
      }
      handled.push(e);
    });
    w.emu.delivery.configure({ auto: true, journey: 'delivered' });
    const a = await w.app.immediateDelivery.addOrder(order('j-1'));

    const seen: number[] = [];
    let delivering = 0;
    let lastReach = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 40 && !isTerminal(seen.at(-1) ?? 101); i++) {
      w.emu.advanceClock(60);
      await w.emu.delivery.sync();
      const g = await w.app.immediateDelivery.getOrder(ref('j-1'));
      if (seen.at(-1) !== g.order_status) seen.push(g.order_status);
      if (g.order_status >= 102) assert.ok(g.rider_name && g.rider_phone, 'rider known once assigned');
      if (g.order_status === ORDER_STATUS.DELIVERING) {
        delivering++;
        assert.ok(between(g.rider_lng!, SENDER.lng, RECEIVER.lng), `lng ${g.rider_lng}`);
        assert.ok(between(g.rider_lat!, SENDER.lat, RECEIVER.lat), `lat ${g.rider_lat}`);
        assert.ok(g.reach_time! < lastReach, 'reach_time counts down');
        lastReach = g.reach_time!;
      }
    }
    assert.deepEqual(seen, [101, 102, 201, 202, 301, 302]);
    assert.ok(delivering >= 3, 'the rider was seen on the way several times');

    const pushes = handled;
    assert.deepEqual(
      pushes.map((p) => p.order_status),
      [102, 201, 202, 301, 302],
    );
    assert.ok(pushes.every((p) => p.waybill_id === a.waybill_id && p.shopid === 'test_shop_id'));
    assert.deepEqual(
      pushes.map((p) => p.action_time),
      [...pushes.map((p) => p.action_time)].sort((x, y) => x - y),
    );
    assert.equal(pushes[0]?.agent?.name, pushes[4]?.agent?.name);
    assert.ok((pushes[3]?.agent?.reach_time ?? 0) > pushes[3]!.action_time, 'agent.reach_time is a timestamp');
    assert.equal(orderStatusLabel(pushes[4]!.order_status), '配送成功');

    // The emulator recorded, for each push, the decrypted reply: the full documented envelope.
    const deliveries = w.emu.push
      .deliveries({ name: 'event.update_waybill_status' })
      .filter((d: any) => d.message.shop_order_id === 'j-1');
    const retried = deliveries.find((d: any) => d.message.order_status === 201);
    assert.equal(retried.attempts.length, 2);
    for (const d of deliveries) {
      assert.equal(d.status, 'delivered');
      assert.equal(d.reply.encrypted, true);
      assert.deepEqual(
        { ...d.reply.message, CreateTime: 0 },
        {
          ToUserName: d.message.FromUserName,
          FromUserName: d.message.ToUserName,
          CreateTime: 0,
          MsgType: 'event',
          Event: 'update_waybill_status',
          resultcode: 0,
          resultmsg: 'ok',
        },
      );
    }
    const view = w.emu.delivery.order(a.waybill_id);
    assert.deepEqual(
      view.timeline.map((t: any) => [t.order_status, t.by]),
      [
        [101, 'merchant'],
        [102, 'rider'],
        [201, 'rider'],
        [202, 'rider'],
        [301, 'rider'],
        [302, 'rider'],
      ],
    );
    assert.deepEqual(view.rider_position, { lng: RECEIVER.lng, lat: RECEIVER.lat });
  });

  test('one long clock jump: every due step in order, each with its own action_time', async () => {
    await w.app.immediateDelivery.addOrder(order('j-2'));
    w.emu.advanceClock(3 * 3600);
    await w.emu.delivery.sync();
    const pushes = w.pushes.filter((p) => p.shop_order_id === 'j-2');
    assert.deepEqual(
      pushes.map((p) => p.order_status),
      [102, 201, 202, 301, 302],
    );
    assert.equal(new Set(pushes.map((p) => p.action_time)).size, 5);
  });
});

describe('scripted journeys and admin moves', () => {
  test('a refused delivery comes back: 305, the rider returns to the store, abnormalConfirm → 401', async () => {
    w.emu.delivery.configure({ auto: false });
    const a = await w.app.immediateDelivery.addOrder(order('s-1'));
    w.emu.delivery.script(a, 'refused');
    w.emu.advanceClock(3600);
    await w.emu.delivery.sync();
    let g = await w.app.immediateDelivery.getOrder(ref('s-1'));
    assert.equal(g.order_status, 305);
    assert.deepEqual([g.rider_lng, g.rider_lat], [SENDER.lng, SENDER.lat], 'back at the store after an hour');
    await w.app.immediateDelivery.abnormalConfirm({ ...ref('s-1'), waybill_id: a.waybill_id });
    await w.emu.delivery.sync();
    g = await w.app.immediateDelivery.getOrder(ref('s-1'));
    assert.equal(g.order_status, 401);
    assert.deepEqual(
      w.pushes.filter((p) => p.shop_order_id === 's-1').map((p) => p.order_status),
      [102, 201, 202, 301, 305, 401],
    );
  });

  test('explicit steps with their own timing; advance and fail by hand; final orders refuse both', async () => {
    const a = await w.app.immediateDelivery.addOrder(order('s-2'));
    w.emu.delivery.script(a, [
      { order_status: 102, after: 10 },
      { order_status: 502, after: 5, action_msg: '暴雨' },
    ]);
    w.emu.advanceClock(12);
    await w.emu.delivery.sync();
    assert.equal(w.emu.delivery.order('s-2').order_status, 102);
    w.emu.advanceClock(5);
    await w.emu.delivery.sync();
    const pushes = w.pushes.filter((p) => p.shop_order_id === 's-2');
    assert.deepEqual(
      pushes.map((p) => [p.order_status, p.action_msg]),
      [
        [102, '骑手已接单'],
        [502, '暴雨'],
      ],
    );
    assert.throws(() => w.emu.delivery.advance('s-2'), /final/);

    const b = await w.app.immediateDelivery.addOrder(order('s-3'));
    assert.equal(w.emu.delivery.advance(b).order_status, 102);
    assert.throws(() => w.emu.delivery.fail(b, 'refused'), /cannot happen at status 102/);
    assert.equal(w.emu.delivery.fail(b, 'rider-cancelled').order_status, 204);
    await w.emu.delivery.sync();
    assert.equal(w.pushes.filter((p) => p.shop_order_id === 's-3').at(-1)?.order_status, 204);
  });
});

describe('push formats', () => {
  test('XML in compatible mode: the same typed event, agent as a nested element', async () => {
    const current = w.emu.getApp(w.emu.defaultApp.appid).push!;
    w.emu.updateApp(w.emu.defaultApp.appid, { push: { ...current, mode: 'compatible', format: 'xml' } });
    try {
      w.emu.delivery.configure({ auto: false });
      const a = await w.app.immediateDelivery.addOrder(order('x-1'));
      w.emu.delivery.advance(a);
      await w.emu.delivery.sync();
      const e = w.pushes.find((p) => p.shop_order_id === 'x-1');
      assert.equal(e?.order_status, 102);
      assert.equal(typeof e?.action_time, 'number');
      assert.equal(e?.agent?.name, w.emu.delivery.order('x-1').rider.name);
      assert.equal(typeof e?.agent?.reach_time, 'number');
      const d = w.emu.push.deliveries({ name: 'event.update_waybill_status' }).at(-1);
      assert.match(d.attempts[0].body, /^<xml>/);
      assert.equal(d.reply.message.resultcode, 0);
    } finally {
      w.emu.updateApp(w.emu.defaultApp.appid, { push: current });
    }
  });
});
