// Logistics assistant (物流助手) through the public client against the emulator: every endpoint with
// its documented errors, GET vs POST on the wire, validation that sends nothing, no retry of sends,
// the sandbox rules, and the print_html round trip (the barcode Chromium renders decodes to the
// waybill id).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import {
  type LogisticsAddOrderParams,
  DeliveryError,
  EXPRESS_ACTION_TYPE,
  type MiniApp,
  ValidationError,
  decodePrintHtml,
} from '@miniapp-server/sdk';
import { scanBarcodes, skipWithoutChromium } from './helpers/barcode.js';
import { T0, emulatedApp } from './helpers/emulated-app.js';
import { apiError, rejectsWith } from './helpers/errors.js';

let emu: EmulatorHandle;
let app: MiniApp;
let close: () => Promise<void>;
let buyer: string;
let seq = 0;

before(async () => {
  ({ emu, app, close } = await emulatedApp({ maxRetries: 2, retryBaseDelayMs: 1 }));
  buyer = emu.createUser({ openid: 'oLogisticsBuyer0000000000001' }).openid;
});
after(() => close?.());

const sender = {
  name: '微信物流',
  mobile: '13800138000',
  company: '腾讯',
  province: '广东省',
  city: '广州市',
  area: '海珠区',
  address: 'TIT 创意园 1 号',
};
const receiver = {
  name: '张小姐',
  tel: '020-88888888',
  province: '广东省',
  city: '深圳市',
  area: '南山区',
  address: '科技园中一路',
};

/** A sandbox order (TEST / test_biz_id / service_type 1), overridable. */
function order(extra: Partial<LogisticsAddOrderParams> = {}): LogisticsAddOrderParams {
  return {
    add_source: 0,
    order_id: `order-${++seq}`,
    openid: buyer,
    delivery_id: 'TEST',
    biz_id: 'test_biz_id',
    custom_remark: '易碎物品',
    sender,
    receiver,
    cargo: {
      count: 1,
      weight: 1.2,
      space_x: 20,
      space_y: 15,
      space_z: 10,
      detail_list: [{ name: '咖啡豆', count: 2 }],
    },
    shop: { detail_list: [{ goods_name: '咖啡豆 500g', goods_img_url: 'https://example.com/beans.png' }] },
    insured: { use_insured: 1, insured_value: 10000 },
    service: { service_type: 1, service_name: 'test_service_name' },
    ...extra,
  };
}

const count = (path: string) => emu.requests({ path }).length;
const methods = (path: string) => emu.requests({ path }).map((r: { method: string }) => r.method);

describe('carriers, accounts, printers', () => {
  test('getAllDelivery, getAllAccount and getPrinter are GET; the rest POST', async () => {
    const all = await app.logistics.getAllDelivery();
    assert.equal(all.count, all.data.length);
    const sf = all.data.find((d) => d.delivery_id === 'SF');
    assert.equal(sf?.can_use_cash, 1);
    assert.equal(sf?.cash_biz_id, 'SF_CASH');
    assert.ok(sf?.service_type?.some((t) => t.service_type === 0 && t.service_name === '标准快递'));
    const test = all.data.find((d) => d.delivery_id === 'TEST');
    assert.deepEqual(test?.service_type, [{ service_type: 1, service_name: 'test_service_name' }]);
    await app.logistics.getAllAccount();
    await app.logistics.getPrinter();
    assert.deepEqual(methods('/cgi-bin/express/business/delivery/getall'), ['GET']);
    assert.deepEqual(methods('/cgi-bin/express/business/account/getall'), ['GET']);
    assert.deepEqual(methods('/cgi-bin/express/business/printer/getall'), ['GET']);
  });

  test('bindAccount: under review, then bound on the virtual clock; quota; unbind', async () => {
    await app.logistics.bindAccount({ type: 'bind', delivery_id: 'YTO', biz_id: 'yto-001', password: 'p@ss-w0rd' });
    assert.deepEqual(methods('/cgi-bin/express/business/account/bind'), ['POST']);
    // The carrier password never reaches the request log.
    const logged = JSON.stringify(emu.requests({ path: '/cgi-bin/express/business/account/bind' }));
    assert.ok(!logged.includes('p@ss-w0rd'), logged);
    let acc = (await app.logistics.getAllAccount()).list.find((a) => a.biz_id === 'yto-001');
    assert.equal(acc?.status_code, 1);
    await apiError(app.logistics.bindAccount({ type: 'bind', delivery_id: 'YTO', biz_id: 'yto-001' }), 9300532);
    await apiError(app.logistics.getQuota({ delivery_id: 'YTO', biz_id: 'yto-001' }), 9300525);

    emu.advanceClock(60);
    acc = (await app.logistics.getAllAccount()).list.find((a) => a.biz_id === 'yto-001');
    assert.equal(acc?.status_code, 0);
    assert.ok(acc?.service_type?.some((t) => t.service_name === '圆准达'));
    await apiError(app.logistics.bindAccount({ type: 'bind', delivery_id: 'YTO', biz_id: 'yto-001' }), 9300529);
    assert.equal((await app.logistics.getQuota({ delivery_id: 'YTO', biz_id: 'yto-001' })).quota_num, 1000);
    assert.deepEqual(methods('/cgi-bin/express/business/quota/get'), ['POST', 'POST']);

    await app.logistics.bindAccount({ type: 'unbind', delivery_id: 'YTO', biz_id: 'yto-001' });
    await apiError(app.logistics.bindAccount({ type: 'unbind', delivery_id: 'YTO', biz_id: 'yto-001' }), 9300530);
    acc = (await app.logistics.getAllAccount()).list.find((a) => a.biz_id === 'yto-001');
    assert.equal(acc?.status_code, 3);
    await apiError(app.logistics.bindAccount({ type: 'bind', delivery_id: 'NOPE', biz_id: 'x' }), 9300503);
  });

  test('a rejected review: status 2 with the reason', async () => {
    await app.logistics.bindAccount({ type: 'bind', delivery_id: 'EMS', biz_id: 'ems-9', remark_content: '协议客户' });
    await emu.logistics.reviewAccount({ delivery_id: 'EMS', biz_id: 'ems-9', approve: false, message: '协议号不存在' });
    const acc = (await app.logistics.getAllAccount()).list.find((a) => a.biz_id === 'ems-9');
    assert.equal(acc?.status_code, 2);
    assert.equal(acc?.remark_wrong_msg, '协议号不存在');
    assert.equal(acc?.remark_content, '协议客户');
  });

  test('updatePrinter joins an array of tag ids; getPrinter lists them', async () => {
    await app.logistics.updatePrinter({ openid: buyer, update_type: 'bind', tagid_list: [101, '102'] });
    const [sent] = emu.requests({ path: '/cgi-bin/express/business/printer/update' });
    assert.equal((sent as { body: { tagid_list: string } }).body.tagid_list, '101,102');
    const printers = await app.logistics.getPrinter();
    assert.equal(printers.count, 1);
    assert.deepEqual(printers.openid, [buyer]);
    assert.deepEqual(printers.tagid_list, ['101', '102']);
    await app.logistics.updatePrinter({ openid: buyer, update_type: 'unbind' });
    assert.equal((await app.logistics.getPrinter()).count, 0);
    await apiError(app.logistics.updatePrinter({ openid: 'oNobody', update_type: 'bind' }), 40003);
  });

  test('updatePrinter validation: ≤ 10 ids, no spaces, bind|unbind — nothing sent', async () => {
    const before = count('/cgi-bin/express/business/printer/update');
    const eleven = Array.from({ length: 11 }, (_, i) => 200 + i);
    const e1 = await rejectsWith(
      app.logistics.updatePrinter({ openid: buyer, update_type: 'bind', tagid_list: eleven }),
      ValidationError,
    );
    assert.equal(e1.field, 'tagid_list');
    await rejectsWith(
      app.logistics.updatePrinter({ openid: buyer, update_type: 'bind', tagid_list: '101, 102' }),
      ValidationError,
    );
    await rejectsWith(app.logistics.updatePrinter({ openid: buyer, update_type: 'add' as 'bind' }), ValidationError);
    assert.equal(count('/cgi-bin/express/business/printer/update'), before);
  });
});

describe('orders', () => {
  test('addOrder → getOrder: the printed waybill carries the order', async () => {
    const p = order();
    const created = await app.logistics.addOrder(p);
    assert.equal(created.order_id, p.order_id);
    assert.match(created.waybill_id, /^TEST\d{12}$/);
    assert.ok(created.waybill_data.every((d) => typeof d.key === 'string' && typeof d.value === 'string'));

    const got = await app.logistics.getOrder({ order_id: p.order_id, openid: buyer, delivery_id: 'TEST' });
    assert.equal(got.waybill_id, created.waybill_id);
    assert.equal(got.order_status, 0);
    const html = decodePrintHtml(got);
    assert.match(html, /^<!DOCTYPE html>/);
    for (const text of [
      '张小姐',
      '020-88888888',
      '科技园中一路',
      '微信物流',
      '13800138000',
      '咖啡豆 × 2',
      '易碎物品',
    ]) {
      assert.ok(html.includes(text), `waybill shows ${text}`);
    }
    assert.ok(html.includes('保价 100.00 元'), 'insured_value is in fen');

    // TEST has no 一联单 template.
    const one = await app.logistics.getOrder({ order_id: p.order_id, delivery_id: 'TEST', print_type: 1 });
    assert.equal(one.print_html, '');
    assert.equal(decodePrintHtml(one), '');
    await apiError(app.logistics.getOrder({ order_id: 'missing', delivery_id: 'TEST' }), 930563);
    await apiError(app.logistics.getOrder({ order_id: p.order_id, delivery_id: 'TEST', openid: 'oOther' }), 9300534);
  });

  test(
    'the printed barcode scans to the waybill id (Chromium renders, ZXing reads the pixels)',
    { skip: skipWithoutChromium() },
    async () => {
      const created = await app.logistics.addOrder(
        order({ delivery_id: 'SF', biz_id: 'SF_CASH', service: { service_type: 0, service_name: '标准快递' } }),
      );
      const got = await app.logistics.getOrder({ order_id: created.order_id, delivery_id: 'SF' });
      // 二联单 by default: two copies, each with a barcode a scanner reads as the waybill id.
      assert.deepEqual(await scanBarcodes(decodePrintHtml(got)), [created.waybill_id, created.waybill_id]);
      const one = await app.logistics.getOrder({ order_id: created.order_id, delivery_id: 'SF', print_type: 1 });
      assert.deepEqual(await scanBarcodes(decodePrintHtml(one)), [created.waybill_id]);
    },
  );

  test('batchGetOrder: each item with its own errcode', async () => {
    const a = await app.logistics.addOrder(order());
    const r = await app.logistics.batchGetOrder({
      order_list: [
        { order_id: a.order_id, delivery_id: 'TEST', waybill_id: a.waybill_id },
        { order_id: 'nope', delivery_id: 'TEST' },
      ],
    });
    assert.equal(r.order_list.length, 2);
    assert.equal(r.order_list[0]?.errcode, 0);
    assert.equal(r.order_list[0]?.waybill_id, a.waybill_id);
    assert.match(decodePrintHtml(r.order_list[0] as { print_html: string }), new RegExp(a.waybill_id));
    assert.equal(r.order_list[1]?.errcode, 930563);
    const before = count('/cgi-bin/express/business/order/batchget');
    const many = Array.from({ length: 101 }, (_, i) => ({ order_id: `o${i}`, delivery_id: 'TEST' }));
    await rejectsWith(app.logistics.batchGetOrder({ order_list: many }), ValidationError);
    assert.equal(count('/cgi-bin/express/business/order/batchget'), before);
  });

  test('testUpdateOrder appends nodes; getPath returns them; cancel is refused once there is a path', async () => {
    const a = await app.logistics.addOrder(order());
    const ref = { order_id: a.order_id, delivery_id: 'TEST', waybill_id: a.waybill_id };
    assert.equal((await app.logistics.getPath({ ...ref, openid: buyer })).path_item_num, 0);
    const node = (action_type: number, action_msg: string, dt: number) =>
      app.logistics.testUpdateOrder({ ...ref, biz_id: 'test_biz_id', action_time: T0 + dt, action_type, action_msg });
    await node(EXPRESS_ACTION_TYPE.PICKED_UP, '揽件成功', 10);
    await node(300001, '快递员已出发', 20); // not in the enum, in WeChat's own example
    const path = await app.logistics.getPath(ref);
    assert.equal(path.path_item_num, 2);
    assert.deepEqual(path.path_item_list, [
      { action_time: T0 + 10, action_type: 100001, action_msg: '揽件成功' },
      { action_time: T0 + 20, action_type: 300001, action_msg: '快递员已出发' },
    ]);
    assert.equal(path.openid, buyer);
    await apiError(app.logistics.cancelOrder({ ...ref, openid: buyer }), 9300506);
    await apiError(
      app.logistics.testUpdateOrder({
        ...ref,
        biz_id: 'x',
        delivery_id: 'SF',
        action_time: T0,
        action_type: 1,
        action_msg: '',
      }),
      -2,
    );
    await apiError(
      app.logistics.testUpdateOrder({
        ...ref,
        order_id: 'missing',
        biz_id: 'test_biz_id',
        action_time: T0,
        action_type: 100001,
        action_msg: 'x',
      }),
      930563,
    );
    await apiError(app.logistics.getPath({ ...ref, waybill_id: 'TEST000' }), 930563);
  });

  test('cancelOrder before the first node: the order is cancelled, its path says so', async () => {
    const a = await app.logistics.addOrder(order());
    const ref = { order_id: a.order_id, delivery_id: 'TEST', waybill_id: a.waybill_id };
    const r = await app.logistics.cancelOrder({ ...ref, openid: buyer });
    assert.equal(r.errcode, 0);
    assert.equal((await app.logistics.getOrder(ref)).order_status, 1);
    const path = await app.logistics.getPath(ref);
    assert.deepEqual(
      path.path_item_list.map((n) => n.action_type),
      [EXPRESS_ACTION_TYPE.CANCELLED],
    );
    await apiError(app.logistics.cancelOrder({ ...ref, waybill_id: 'TEST999' }), 40199);
  });

  test('sandbox rules: test values only, admins/developers only, 10 orders a day', async () => {
    await apiError(app.logistics.addOrder(order({ service: { service_type: 0, service_name: '标准快递' } })), 9300510);
    await apiError(app.logistics.addOrder(order({ biz_id: 'other' })), 9300525);
    await apiError(app.logistics.addOrder(order({ delivery_id: 'NOPE' })), 9300503);
    await apiError(app.logistics.addOrder(order({ openid: 'oUnknownUser' })), 40003);

    const outsider = emu.createUser({}).openid;
    emu.logistics.setDevelopers({ openids: [buyer] });
    await apiError(app.logistics.addOrder(order({ openid: outsider })), 930559);
    emu.logistics.setDevelopers({ openids: null });

    emu.setClock(T0 + 86400 * 3); // a fresh Beijing day
    for (let i = 0; i < 10; i++) await app.logistics.addOrder(order());
    await apiError(app.logistics.addOrder(order()), 930564);
    emu.advanceClock(86400);
    await app.logistics.addOrder(order());
    emu.setClock(T0);
  });

  test('散单 needs no binding but only its service types; bound accounts spend their quota', async () => {
    const sf = await app.logistics.addOrder(
      order({ delivery_id: 'SF', biz_id: 'SF_CASH', service: { service_type: 2, service_name: '顺丰特快' } }),
    );
    assert.match(sf.waybill_id, /^SF\d{12}$/);
    assert.ok(sf.waybill_data.some((d) => d.key === 'SF_bagAddr' && d.value === '深圳市'));
    await apiError(
      app.logistics.addOrder(
        order({ delivery_id: 'SF', biz_id: 'SF_CASH', service: { service_type: 4, service_name: '顺丰标快(协议)' } }),
      ),
      9300510,
    );
    await app.logistics.bindAccount({ type: 'bind', delivery_id: 'ZTO', biz_id: 'zto-7', password: 'x' });
    await emu.logistics.reviewAccount({ delivery_id: 'ZTO', biz_id: 'zto-7' });
    emu.logistics.setQuota({ delivery_id: 'ZTO', biz_id: 'zto-7', quota_num: 1 });
    const zto = order({ delivery_id: 'ZTO', biz_id: 'zto-7', service: { service_type: 0, service_name: '标准快件' } });
    await app.logistics.addOrder(zto);
    assert.equal((await app.logistics.getQuota({ delivery_id: 'ZTO', biz_id: 'zto-7' })).quota_num, 0);
    const err = await rejectsWith(app.logistics.addOrder({ ...zto, order_id: 'zto-2' }), DeliveryError);
    assert.equal(err.errcode, 9300501);
  });

  test('carrier failure 9300501: a DeliveryError with delivery_resultcode / delivery_resultmsg', async () => {
    emu.logistics.failNext({ delivery_id: 'TEST', delivery_resultcode: 10002, delivery_resultmsg: '客户密码不正确' });
    const err = await rejectsWith(app.logistics.addOrder(order()), DeliveryError);
    assert.equal(err.errcode, 9300501);
    assert.equal(err.resultcode, 10002);
    assert.equal(err.resultmsg, '客户密码不正确');
    assert.equal(err.body?.delivery_resultmsg, '客户密码不正确');
  });

  test('addOrder validation as data: tel or mobile, add_source 2 needs wx_appid, sizes — nothing sent', async () => {
    const before = count('/cgi-bin/express/business/order/add');
    const { mobile: _m, ...noPhone } = sender;
    const e1 = await rejectsWith(app.logistics.addOrder(order({ sender: noPhone })), ValidationError);
    assert.equal(e1.field, 'sender.tel');
    const { openid: _o, ...h5 } = order({ add_source: 2 });
    const e2 = await rejectsWith(app.logistics.addOrder(h5), ValidationError);
    assert.equal(e2.field, 'wx_appid');
    const e3 = await rejectsWith(app.logistics.addOrder(order({ openid: undefined })), ValidationError);
    assert.equal(e3.field, 'openid');
    const e4 = await rejectsWith(
      app.logistics.addOrder(order({ receiver: { ...receiver, name: '名'.repeat(22) } })),
      ValidationError,
    );
    assert.equal(e4.field, 'receiver.name');
    const e5 = await rejectsWith(app.logistics.addOrder(order({ shop: {} })), ValidationError);
    assert.equal(e5.field, 'shop.goods_name');
    const e6 = await rejectsWith(
      app.logistics.addOrder(order({ cargo: { ...order().cargo, detail_list: [] } })),
      ValidationError,
    );
    assert.equal(e6.field, 'cargo.detail_list');
    assert.equal(count('/cgi-bin/express/business/order/add'), before);
  });

  test('add_source 2 (App/H5 orders) with a wx_appid of the same platform account', async () => {
    const other = emu.createApp({ name: 'H5 shop' });
    const { openid: _o, ...h5 } = order({ add_source: 2, wx_appid: other.appid });
    const r = await app.logistics.addOrder(h5);
    assert.match(r.waybill_id, /^TEST/);
    await apiError(app.logistics.addOrder({ ...h5, order_id: 'h5-2', wx_appid: 'wxnotanapp00000000' }), 9300536);
  });

  test('sends are never retried once sent; reads are', async () => {
    emu.addFault({ path: '/cgi-bin/express/business/order/add', kind: 'errcode', errcode: -1, count: 1 });
    const before = count('/cgi-bin/express/business/order/add');
    await apiError(app.logistics.addOrder(order()), -1);
    assert.equal(count('/cgi-bin/express/business/order/add'), before + 1);

    emu.addFault({ path: '/cgi-bin/express/business/order/cancel', kind: 'errcode', errcode: -1, count: 1 });
    const c0 = count('/cgi-bin/express/business/order/cancel');
    await apiError(app.logistics.cancelOrder({ order_id: 'x', delivery_id: 'TEST', waybill_id: 'y' }), -1);
    assert.equal(count('/cgi-bin/express/business/order/cancel'), c0 + 1);

    emu.addFault({ path: '/cgi-bin/express/business/account/bind', kind: 'errcode', errcode: -1, count: 1 });
    const b0 = count('/cgi-bin/express/business/account/bind');
    await apiError(app.logistics.bindAccount({ type: 'bind', delivery_id: 'STO', biz_id: 'sto-1' }), -1);
    assert.equal(count('/cgi-bin/express/business/account/bind'), b0 + 1);

    emu.addFault({ path: '/cgi-bin/express/business/delivery/getall', kind: 'errcode', errcode: -1, count: 1 });
    const g0 = count('/cgi-bin/express/business/delivery/getall');
    assert.ok((await app.logistics.getAllDelivery()).count > 0);
    assert.equal(count('/cgi-bin/express/business/delivery/getall'), g0 + 2);
  });
});
