// Logistics service (物流服务) through the public client against the emulator: the query component's
// and the tracking messages' waybill tokens, status from the parcel's path (own parcels and foreign
// waybills moved by the admin API), goods updates and their limit, carriers, returns.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import {
  EXPRESS_ACTION_TYPE,
  MiniApp,
  RETURN_STATUS,
  type TraceWaybillParams,
  ValidationError,
  WAYBILL_STATUS,
} from '@miniapp-server/sdk';
import { T0, emulatedApp } from './helpers/emulated-app.js';
import { apiError, rejectsWith } from './helpers/errors.js';

let emu: EmulatorHandle;
let app: MiniApp;
let close: () => Promise<void>;
let buyer: string;

before(async () => {
  ({ emu, app, close } = await emulatedApp({ maxRetries: 0 }));
  buyer = emu.createUser({}).openid;
});
after(() => close?.());

const goods = { detail_list: [{ goods_name: '机械键盘', goods_img_url: 'https://example.com/kb.png' }] };
const trace = (waybill_id: string, extra: Partial<TraceWaybillParams> = {}): TraceWaybillParams => ({
  openid: buyer,
  receiver_phone: '13800138000',
  waybill_id,
  goods_info: goods,
  trans_id: '4200000000202612010001',
  order_detail_path: 'pages/order/detail?id=1',
  ...extra,
});

describe('query component (trace_waybill)', () => {
  test("an emulator parcel's status follows its path", async () => {
    const { waybill_id, order_id } = await app.logistics.addOrder({
      add_source: 0,
      order_id: 'svc-1',
      openid: buyer,
      delivery_id: 'TEST',
      biz_id: 'test_biz_id',
      sender: { name: 'A', mobile: '1', province: '广东省', city: '广州市', area: '天河区', address: '1 号' },
      receiver: { name: 'B', mobile: '2', province: '北京市', city: '北京市', area: '海淀区', address: '2 号' },
      cargo: { count: 1, weight: 1, space_x: 1, space_y: 1, space_z: 1, detail_list: [{ name: 'kb', count: 1 }] },
      shop: { detail_list: [{ goods_name: 'kb', goods_img_url: 'https://example.com/kb.png' }] },
      insured: { use_insured: 0, insured_value: 0 },
      service: { service_type: 1, service_name: 'test_service_name' },
    });
    const { waybill_token } = await app.logisticsService.traceWaybill(trace(waybill_id));
    assert.ok(waybill_token.length > 16);
    let q = await app.logisticsService.queryTrace({ waybill_token });
    assert.equal(q.waybill_info.status, WAYBILL_STATUS.NOT_PICKED_UP);
    assert.equal(q.waybill_info.waybill_id, waybill_id);
    assert.deepEqual(q.delivery_info, { delivery_id: 'TEST', delivery_name: '测试快递公司' });
    assert.deepEqual(q.shop_info.goods_info, goods);

    const ref = { biz_id: 'test_biz_id', order_id, delivery_id: 'TEST', waybill_id, action_msg: '' };
    await app.logistics.testUpdateOrder({ ...ref, action_time: T0, action_type: EXPRESS_ACTION_TYPE.PICKED_UP });
    assert.equal(
      (await app.logisticsService.queryTrace({ waybill_token })).waybill_info.status,
      WAYBILL_STATUS.PICKED_UP,
    );
    await app.logistics.testUpdateOrder({ ...ref, action_time: T0 + 1, action_type: EXPRESS_ACTION_TYPE.IN_TRANSIT });
    await app.logistics.testUpdateOrder({ ...ref, action_time: T0 + 2, action_type: EXPRESS_ACTION_TYPE.OTHER });
    q = await app.logisticsService.queryTrace({ waybill_token, openid: buyer });
    assert.equal(q.waybill_info.status, WAYBILL_STATUS.IN_TRANSIT, '500001 兜底 keeps the previous status');
    await app.logistics.testUpdateOrder({ ...ref, action_time: T0 + 3, action_type: EXPRESS_ACTION_TYPE.SIGNED });
    assert.equal((await app.logisticsService.queryTrace({ waybill_token })).waybill_info.status, WAYBILL_STATUS.SIGNED);
  });

  test('a foreign waybill: the admin API drives it; SF-prefixed numbers are recognised', async () => {
    const { waybill_token } = await app.logisticsService.traceWaybill(trace('SF1234567890123'));
    let q = await app.logisticsService.queryTrace({ waybill_token });
    assert.equal(q.waybill_info.status, WAYBILL_STATUS.NOT_PICKED_UP);
    assert.equal(q.delivery_info.delivery_id, 'SF');
    await emu.logistics.addNode({ waybill_id: 'SF1234567890123', action_type: 300002, action_msg: '派送中' });
    q = await app.logisticsService.queryTrace({ waybill_token });
    assert.equal(q.waybill_info.status, WAYBILL_STATUS.OUT_FOR_DELIVERY);
    await emu.logistics.addNode({ waybill_id: 'SF1234567890123', action_type: 300007, action_msg: '驿站代收' });
    q = await app.logisticsService.queryTrace({ waybill_token });
    assert.equal(q.waybill_info.status, WAYBILL_STATUS.SIGNED_BY_PROXY);
    const withCarrier = await app.logisticsService.traceWaybill(trace('77001', { delivery_id: 'YTO' }));
    q = await app.logisticsService.queryTrace(withCarrier);
    assert.equal(q.delivery_info.delivery_name, '圆通速递');
  });

  test('tokens are bound to app and openid; goods updates are limited', async () => {
    const { waybill_token } = await app.logisticsService.traceWaybill(trace('JD0001'));
    await apiError(app.logisticsService.queryTrace({ waybill_token: 'forged' }), 9300507);
    await apiError(app.logisticsService.queryTrace({ waybill_token, openid: 'oSomeoneElse' }), 9300534);
    // A trace token is not a follow token.
    await apiError(app.logisticsService.queryFollowTrace({ waybill_token }), 9300507);
    const other = emu.createApp({});
    const otherApp = new MiniApp({ appId: other.appid, appSecret: other.secret, baseUrl: emu.url, maxRetries: 0 });
    await apiError(otherApp.logisticsService.queryTrace({ waybill_token }), 9300507);
    await otherApp.close();

    const next = { detail_list: [{ goods_name: '键帽', goods_img_url: 'https://example.com/cap.png' }] };
    for (let i = 0; i < 3; i++) await app.logisticsService.updateWaybillGoods({ waybill_token, goods_info: next });
    assert.deepEqual((await app.logisticsService.queryTrace({ waybill_token })).shop_info.goods_info, next);
    await apiError(app.logisticsService.updateWaybillGoods({ waybill_token, goods_info: next }), 9300560);
    await apiError(app.logisticsService.traceWaybill(trace('x', { openid: 'oUnknown' })), 40003);
  });

  test('the daily trace quota (9300513)', async () => {
    emu.logistics.configure({ traceDailyQuota: 0 });
    await apiError(app.logisticsService.traceWaybill(trace('SF0')), 9300513);
    emu.logistics.configure({ traceDailyQuota: 1000 });
  });

  test('validation before sending', async () => {
    const before = emu.requests({ path: '/cgi-bin/express/delivery/open_msg/trace_waybill' }).length;
    const e = await rejectsWith(
      app.logisticsService.traceWaybill(trace('SF1', { goods_info: { detail_list: [] } })),
      ValidationError,
    );
    assert.equal(e.field, 'goods_info.detail_list');
    const { receiver_phone: _r, ...noPhone } = trace('SF1');
    await rejectsWith(app.logisticsService.traceWaybill(noPhone as TraceWaybillParams), ValidationError);
    await rejectsWith(
      app.logisticsService.followWaybill(
        trace('SF1', {
          goods_info: { detail_list: [{ goods_name: 'g', goods_img_url: 'u', goods_desc: '长'.repeat(41) }] },
        }),
      ),
      ValidationError,
    );
    assert.equal(emu.requests({ path: '/cgi-bin/express/delivery/open_msg/trace_waybill' }).length, before);
  });
});

describe('tracking messages (follow_waybill)', () => {
  test('follow → query_follow_trace → update_follow_waybill_goods; each new node is a tracking message', async () => {
    const follow = trace('YT9000', {
      delivery_id: 'YTO',
      goods_info: {
        detail_list: [{ goods_name: '台灯', goods_img_url: 'https://example.com/l.png', goods_desc: '白色' }],
      },
    });
    const { waybill_token } = await app.logisticsService.followWaybill(follow);
    assert.equal((await app.logisticsService.queryFollowTrace({ waybill_token })).waybill_info.status, 0);
    await emu.logistics.addNode({ waybill_id: 'YT9000', action_type: 100001, action_msg: '已揽收' });
    await emu.logistics.addNode({ waybill_id: 'YT9000', action_type: 200001, action_msg: '运输中' });
    assert.equal((await app.logisticsService.queryFollowTrace({ waybill_token })).waybill_info.status, 2);
    const [token] = emu.logistics.tokens().filter((t: { waybill_token: string }) => t.waybill_token === waybill_token);
    assert.deepEqual(
      token.notifications.map((n: { action_msg: string }) => n.action_msg),
      ['已揽收', '运输中'],
    );
    await app.logisticsService.updateFollowWaybillGoods({
      waybill_token,
      goods_info: { detail_list: [{ goods_name: '台灯 Pro', goods_img_url: 'https://example.com/l2.png' }] },
    });
    const q = await app.logisticsService.queryFollowTrace({ waybill_token });
    assert.equal(q.shop_info.goods_info.detail_list[0]?.goods_name, '台灯 Pro');
  });

  test('get_delivery_list: POST with {}', async () => {
    const r = await app.logisticsService.getDeliveryList();
    assert.equal(r.count, r.delivery_list.length);
    assert.ok(r.delivery_list.some((d) => d.delivery_id === 'ZTO' && d.delivery_name === '中通快递'));
    const [sent] = emu.requests({ path: '/cgi-bin/express/delivery/open_msg/get_delivery_list' });
    assert.equal(sent.method, 'POST');
    assert.deepEqual(sent.body, {});
    // The wrong-URL trap (WxJava): the goods updates above went to their own paths, never here.
    assert.equal(emu.requests({ path: '/cgi-bin/express/delivery/open_msg/get_delivery_list' }).length, 1);
    assert.equal(emu.requests({ path: '/cgi-bin/express/delivery/open_msg/update_waybill_goods' }).length, 4);
    assert.equal(emu.requests({ path: '/cgi-bin/express/delivery/open_msg/update_follow_waybill_goods' }).length, 1);
  });
});

describe('returns', () => {
  const addr = {
    name: '商家',
    mobile: '13900000000',
    province: '广东省',
    city: '深圳市',
    area: '南山区',
    address: '退货仓',
  };

  test('createReturn → getReturn (booked by the user, moved by the carrier) → unbindReturn', async () => {
    const { return_id } = await app.logisticsService.createReturn({
      shop_order_id: 'shop-order-1',
      biz_addr: addr,
      openid: buyer,
      order_path: 'pages/order/detail?id=1',
      goods_list: [{ name: '耳机', url: 'https://example.com/e.png' }],
      order_price: 19900,
      wx_pay_id: '4200000000202612010002',
    });
    let r = await app.logisticsService.getReturn({ return_id });
    assert.equal(r.status, RETURN_STATUS.CREATED);
    assert.equal(r.waybill_id, '');
    emu.logistics.updateReturn({ return_id, delivery_id: 'SF' });
    r = await app.logisticsService.getReturn({ return_id });
    assert.equal(r.status, RETURN_STATUS.BOOKED);
    assert.equal(r.delivery_name, '顺丰速运');
    assert.match(r.waybill_id, /^SF/);
    emu.logistics.updateReturn({ return_id, order_status: 14 });
    assert.equal((await app.logisticsService.getReturn({ return_id })).order_status, 14);
    await app.logisticsService.unbindReturn({ return_id });
    assert.equal((await app.logisticsService.getReturn({ return_id })).status, RETURN_STATUS.CANCELLED);
    await apiError(app.logisticsService.getReturn({ return_id: '404' }), 931023);
    await apiError(app.logisticsService.unbindReturn({ return_id: '404' }), 931023);
  });

  test('createReturn validation', async () => {
    await rejectsWith(
      app.logisticsService.createReturn({
        shop_order_id: 's',
        biz_addr: { ...addr, city: '' },
        openid: buyer,
        order_path: 'p',
        goods_list: [{ name: 'n', url: 'u' }],
        order_price: 1,
        wx_pay_id: 'w',
      }),
      ValidationError,
    );
  });
});
