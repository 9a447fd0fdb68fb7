// A parcel's journey on the emulator's virtual clock, received by an SDK PushReceiver over HTTP in
// XML and in JSON: every node once and in order, cumulative Actions, growing Version; a single-node
// XML push still gives an array; the bind review result arrives as update_business_bind_result.
import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import {
  type AddExpressPathEvent,
  EXPRESS_ACTION_TYPE,
  type MiniApp,
  PushReceiver,
  type UpdateBusinessBindResultEvent,
} from '@miniapp-server/sdk';
import { T0, emulatedApp } from './helpers/emulated-app.js';

const TOKEN = 'logistics-push-token';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

let emu: EmulatorHandle;
let app: MiniApp;
let close: () => Promise<void>;
let server: Server;
let url: string;
let buyer: string;
const paths: AddExpressPathEvent[] = [];
const binds: UpdateBusinessBindResultEvent[] = [];

before(async () => {
  ({ emu, app, close } = await emulatedApp());
  buyer = emu.createUser({}).openid;
  const receiver = new PushReceiver({
    token: TOKEN,
    appId: emu.defaultApp.appid,
    encodingAESKey: KEY,
    now: () => emu.clock.nowMs(),
    logger: { warn() {}, error() {} },
  });
  receiver.on('event.add_express_path', (e) => {
    paths.push(e);
  });
  receiver.on('event.update_business_bind_result', (e) => {
    binds.push(e);
  });
  server = createServer(receiver.nodeHandler());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat/push`;
});

after(async () => {
  await close?.();
  await new Promise((r) => server?.close(r));
});

const contact = (name: string, city: string) => ({
  name,
  mobile: '13800138000',
  province: '广东省',
  city,
  area: '南山区',
  address: '科技园',
});

async function ship(deliveryId: 'SF' | 'TEST') {
  const sf = deliveryId === 'SF';
  return app.logistics.addOrder({
    add_source: 0,
    order_id: `push-${Math.random().toString(36).slice(2)}`,
    openid: buyer,
    delivery_id: deliveryId,
    biz_id: sf ? 'SF_CASH' : 'test_biz_id',
    sender: contact('寄件人', '广州市'),
    receiver: contact('收件人', '深圳市'),
    cargo: { count: 1, weight: 1, space_x: 1, space_y: 1, space_z: 1, detail_list: [{ name: '书', count: 1 }] },
    shop: { goods_name: '书', goods_count: 1, img_url: 'https://example.com/b.png' },
    insured: { use_insured: 0, insured_value: 0 },
    service: sf
      ? { service_type: 0, service_name: '标准快递' }
      : { service_type: 1, service_name: 'test_service_name' },
  });
}

for (const format of ['xml', 'json'] as const) {
  describe(`add_express_path in ${format}`, () => {
    before(() => {
      emu.updateApp(emu.defaultApp.appid, { push: { url, token: TOKEN, encodingAESKey: KEY, mode: 'safe', format } });
      paths.length = 0;
    });

    test('an automatic journey on the virtual clock: every node once, in order, cumulative', async () => {
      const { waybill_id, order_id } = await ship('SF');
      await emu.logistics.tick();
      assert.equal(paths.length, 0, 'nothing is due before the clock moves');
      emu.advanceClock(3 * 86400); // the whole journey falls due at once
      await emu.logistics.tick();
      const mine = paths.filter((e) => e.WayBillId === waybill_id);
      assert.deepEqual(
        mine.map((e) => e.Actions.at(-1)?.ActionType),
        [
          EXPRESS_ACTION_TYPE.COURIER_ASSIGNED,
          EXPRESS_ACTION_TYPE.PICKED_UP,
          EXPRESS_ACTION_TYPE.IN_TRANSIT,
          EXPRESS_ACTION_TYPE.IN_TRANSIT,
          EXPRESS_ACTION_TYPE.OUT_FOR_DELIVERY,
          EXPRESS_ACTION_TYPE.SIGNED,
        ],
      );
      mine.forEach((e, i) => {
        assert.equal(e.Event, 'add_express_path');
        assert.equal(e.DeliveryID, 'SF');
        assert.equal(e.OrderId, order_id);
        assert.equal(e.FromUserName, buyer);
        assert.equal(e.Version, i + 1);
        assert.equal(e.Count, i + 1);
        assert.ok(Array.isArray(e.Actions));
        assert.equal(e.Actions.length, i + 1);
        assert.equal(typeof e.Actions[0]?.ActionTime, 'number');
        assert.equal(typeof e.Actions[0]?.ActionType, 'number');
      });
      const times = (mine.at(-1) as AddExpressPathEvent).Actions.map((a) => a.ActionTime);
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
      );
      // getPath agrees with the last push.
      const path = await app.logistics.getPath({ order_id, delivery_id: 'SF', waybill_id });
      assert.deepEqual(
        path.path_item_list.map((n) => n.action_msg),
        (mine.at(-1) as AddExpressPathEvent).Actions.map((a) => a.ActionMsg),
      );
      // Nothing more once signed.
      emu.advanceClock(86400);
      await emu.logistics.tick();
      assert.equal(paths.filter((e) => e.WayBillId === waybill_id).length, 6);
    });

    test('testUpdateOrder pushes too; a single node is still an array', async () => {
      const { waybill_id, order_id } = await ship('TEST');
      await app.logistics.testUpdateOrder({
        biz_id: 'test_biz_id',
        order_id,
        delivery_id: 'TEST',
        waybill_id,
        action_time: T0,
        action_type: EXPRESS_ACTION_TYPE.PICKED_UP,
        action_msg: '揽件成功',
      });
      await emu.logistics.tick();
      const first = paths.find((e) => e.WayBillId === waybill_id);
      assert.ok(first);
      assert.deepEqual(first.Actions, [{ ActionTime: T0, ActionType: 100001, ActionMsg: '揽件成功' }]);
      assert.equal(first.Count, 1);
      // The console's "next node" continues the plan after the node the test wrote.
      const next = await emu.logistics.nextNode({ waybill_id });
      assert.equal(next.path.at(-1)?.action_type, EXPRESS_ACTION_TYPE.IN_TRANSIT);
      const second = paths.filter((e) => e.WayBillId === waybill_id)[1];
      assert.equal(second?.Version, 2);
      assert.equal(second?.Actions.length, 2);
    });
  });
}

test('the XML wire repeats <Actions> without a wrapper', async () => {
  emu.updateApp(emu.defaultApp.appid, { push: { url, token: TOKEN, mode: 'plain', format: 'xml' } });
  const { waybill_id, order_id } = await ship('TEST');
  for (const [i, t] of [EXPRESS_ACTION_TYPE.PICKED_UP, EXPRESS_ACTION_TYPE.IN_TRANSIT].entries()) {
    await app.logistics.testUpdateOrder({
      biz_id: 'test_biz_id',
      order_id,
      delivery_id: 'TEST',
      waybill_id,
      action_time: T0 + i,
      action_type: t,
      action_msg: `node ${i}`,
    });
  }
  await emu.logistics.tick();
  // The body as sent (plain mode: the plaintext XML).
  const sent = emu.push.deliveries({ name: 'event.add_express_path' }).at(-1);
  const last = sent.attempts[0].body as string;
  assert.equal(last.match(/<Actions>/g)?.length, 2, last);
  assert.match(last, /<WayBillId><!\[CDATA\[TEST\d+\]\]><\/WayBillId>/);
  assert.ok(!/<Actions>\s*<Actions>/.test(last));
});

test('bindAccount review → update_business_bind_result push', async () => {
  emu.updateApp(emu.defaultApp.appid, {
    push: { url, token: TOKEN, encodingAESKey: KEY, mode: 'safe', format: 'json' },
  });
  await app.logistics.bindAccount({ type: 'bind', delivery_id: 'JDL', biz_id: 'jd-42', password: 'secret-pw' });
  emu.advanceClock(60);
  await emu.logistics.tick();
  await app.logistics.bindAccount({ type: 'bind', delivery_id: 'EMS', biz_id: 'ems-1' });
  await emu.logistics.reviewAccount({ delivery_id: 'EMS', biz_id: 'ems-1', approve: false });
  assert.deepEqual(
    binds.map((b) => [b.delivery_id, b.biz_id, b.errcode]),
    [
      ['JDL', 'jd-42', 0],
      ['EMS', 'ems-1', 9300531],
    ],
  );
  assert.equal(binds[0]?.errmsg, 'ok');
  const deliveries = emu.push.deliveries({ name: 'event.update_business_bind_result' });
  assert.ok(deliveries.every((d: { reply?: { kind: string } }) => d.reply?.kind === 'success'));
  assert.ok(!JSON.stringify(deliveries).includes('secret-pw'));
});
