// The logistics area over plain HTTP (no SDK): wire rules the SDK's validation would hide (methods,
// missing fields, wrong types, sizes), the admin API under /__emulator/logistics/, and state export.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import logistics from '../src/areas/logistics/index.js';
import { RID, T0, client, start } from './helpers.js';

let emu: EmulatorHandle;
let http: ReturnType<typeof client>;
let token: string;
let openid: string;

before(async () => {
  emu = await start({ areas: [logistics] });
  http = client(emu);
  token = await http.token();
  openid = emu.createUser({}).openid;
});
after(() => emu.close());

const B = '/cgi-bin/express/business';
const call = (path: string, body: unknown) => http.post(path, body, { query: { access_token: token } });
const contact = {
  name: '王五',
  mobile: '13700000000',
  province: '浙江省',
  city: '杭州市',
  area: '西湖区',
  address: '文三路',
};
const order = (extra: Record<string, unknown> = {}) => ({
  add_source: 0,
  order_id: `wire-${Math.random().toString(36).slice(2)}`,
  openid,
  delivery_id: 'TEST',
  biz_id: 'test_biz_id',
  sender: contact,
  receiver: contact,
  cargo: { count: 1, weight: 1, space_x: 1, space_y: 1, space_z: 1, detail_list: [{ name: '茶叶', count: 1 }] },
  shop: { goods_name: '茶叶', goods_count: 1, img_url: 'https://example.com/t.png' },
  insured: { use_insured: 0, insured_value: 0 },
  service: { service_type: 1, service_name: 'test_service_name' },
  ...extra,
});

describe('wire rules', () => {
  test('GET endpoints refuse POST (43001) and POST endpoints refuse GET (43002)', async () => {
    for (const p of ['/delivery/getall', '/account/getall', '/printer/getall']) {
      const ok = await http.get(`${B}${p}`, { access_token: token });
      assert.equal(ok.json.errcode, 0, p);
      assert.equal((await call(`${B}${p}`, {})).json.errcode, 43001, p);
    }
    const r = await http.get(`${B}/order/add`, { access_token: token });
    assert.equal(r.json.errcode, 43002);
    assert.equal((await http.get(`${B}/delivery/getall`)).json.errcode, 41001);
  });

  test('addOrder: missing fields 47001, sizes 9300526, shop 9300535, past expect_time 930561, duplicate order_id', async () => {
    const { mobile: _m, ...noPhone } = contact;
    const missing = await call(`${B}/order/add`, order({ sender: noPhone }));
    assert.equal(missing.json.errcode, 47001);
    assert.match(missing.json.errmsg, RID);
    assert.equal((await call(`${B}/order/add`, order({ cargo: { count: 1 } }))).json.errcode, 47001);
    assert.equal(
      (await call(`${B}/order/add`, order({ receiver: { ...contact, address: '路'.repeat(171) } }))).json.errcode,
      9300526,
    );
    assert.equal((await call(`${B}/order/add`, order({ custom_remark: 'x'.repeat(1025) }))).json.errcode, 9300526);
    assert.equal((await call(`${B}/order/add`, order({ shop: { goods_name: '茶' } }))).json.errcode, 9300535);
    assert.equal((await call(`${B}/order/add`, order({ expect_time: T0 - 1 }))).json.errcode, 930561);
    const o = order({ expect_time: T0 + 3600 });
    assert.equal((await call(`${B}/order/add`, o)).json.errcode, 0);
    assert.equal((await call(`${B}/order/add`, o)).json.errcode, 930561);
    assert.equal((await call(`${B}/order/add`, order({ add_source: 1 }))).json.errcode, 47001);
  });

  test('updatePrinter: tagid_list must be one comma-separated string; update_type 9300517', async () => {
    const base = { openid, update_type: 'bind' };
    assert.equal((await call(`${B}/printer/update`, { ...base, tagid_list: [1, 2] })).json.errcode, 930561);
    assert.equal((await call(`${B}/printer/update`, { ...base, tagid_list: '1, 2' })).json.errcode, 930561);
    assert.equal((await call(`${B}/printer/update`, { ...base, update_type: 'add' })).json.errcode, 9300517);
    assert.equal((await call(`${B}/printer/update`, { ...base, tagid_list: '1,2' })).json.errcode, 0);
  });

  test('testUpdateOrder needs every field; a cancelled order takes no node; getPath works without order_id', async () => {
    const o = order();
    const { waybill_id } = (await call(`${B}/order/add`, o)).json;
    const node = { biz_id: 'test_biz_id', order_id: o.order_id, delivery_id: 'TEST', waybill_id };
    assert.equal((await call(`${B}/test_update_order`, node)).json.errcode, 47001);
    assert.equal(
      (await call(`${B}/path/get`, { delivery_id: 'TEST', waybill_id })).json.path_item_num,
      0,
      'order_id is optional on getPath (the current doc dropped it)',
    );
    assert.equal((await call(`${B}/order/cancel`, node)).json.errcode, 0);
    const late = await call(`${B}/test_update_order`, {
      ...node,
      action_time: T0,
      action_type: 100001,
      action_msg: 'x',
    });
    assert.equal(late.json.errcode, 930561);
    assert.equal((await call(`${B}/order/cancel`, node)).json.errcode, 930561);
  });

  test('getQuota: only carriers with can_get_quota', async () => {
    assert.equal((await call(`${B}/quota/get`, { delivery_id: 'SF', biz_id: 'SF_CASH' })).json.errcode, 930561);
    assert.equal((await call(`${B}/quota/get`, { delivery_id: 'YTO', biz_id: 'nope' })).json.errcode, 9300525);
    assert.equal((await call(`${B}/quota/get`, { delivery_id: 'NOPE', biz_id: 'x' })).json.errcode, 9300503);
  });
});

describe('admin API', () => {
  test('parcels, the printed waybill, the next node, any node, the automatic journey', async () => {
    const o = order();
    const { waybill_id } = (await call(`${B}/order/add`, o)).json;
    const list = await http.admin('GET', 'logistics/parcels?kind=order');
    assert.equal(list.status, 200);
    assert.ok(list.json.some((p: { waybill_id: string }) => p.waybill_id === waybill_id));
    const one = await http.admin('GET', `logistics/parcels/${waybill_id}`);
    assert.equal(one.json.order.order_id, o.order_id);
    assert.equal(one.json.plan.length, 6);
    assert.equal(one.json.auto, false, 'TEST parcels wait for testUpdateOrder unless autoJourney is all');

    const bill = await http.admin('GET', `logistics/parcels/${waybill_id}/waybill?print_type=1`);
    assert.match(bill.json.html, new RegExp(`data-waybill-id="${waybill_id}"`));
    assert.match(bill.json.html, /<svg/);

    const next = await http.admin('POST', `logistics/parcels/${waybill_id}/next`);
    assert.equal(next.json.path.length, 1);
    assert.equal(next.json.path[0].action_time, T0);
    const added = await http.admin('POST', `logistics/parcels/${waybill_id}/nodes`, {
      action_type: 400002,
      action_msg: '快件滞留',
    });
    assert.equal(added.json.status, 5);
    assert.equal(added.json.version, 2);
    const auto = await http.admin('POST', `logistics/parcels/${waybill_id}/auto`, { auto: true });
    assert.equal(auto.json.auto, true);
    emu.advanceClock(86400);
    token = await http.token(); // the day expired the old one
    assert.equal((await http.admin('POST', 'logistics/tick')).status, 200);
    const done = await http.admin('GET', `logistics/parcels/${waybill_id}`);
    assert.equal(done.json.status, 4);
    assert.equal(done.json.plan.length, 0);
    assert.equal((await http.admin('POST', `logistics/parcels/${waybill_id}/next`)).status, 409);
    assert.equal((await http.admin('GET', 'logistics/parcels/NOPE')).status, 404);
  });

  test('settings, developers, carrier failures, accounts: no password anywhere', async () => {
    const s = await http.admin('POST', 'logistics/settings', { sandboxDailyQuota: 50, autoJourney: 'all' });
    assert.equal(s.json.sandboxDailyQuota, 50);
    assert.equal((await http.admin('POST', 'logistics/settings', { autoJourney: 'sometimes' })).status, 400);
    assert.equal((await http.admin('POST', 'logistics/settings', { nope: 1 })).status, 400);
    const added = await call(`${B}/order/add`, order());
    assert.equal(added.json.errcode, 0, added.text);
    const parcel = await http.admin('GET', `logistics/parcels/${added.json.waybill_id}`);
    assert.equal(parcel.json.auto, true, parcel.text);
    await http.admin('POST', 'logistics/settings', { autoJourney: 'carriers' });

    assert.equal((await http.admin('PUT', 'logistics/developers', { openids: ['oDev'] })).json.openids[0], 'oDev');
    assert.equal((await call(`${B}/order/add`, order())).json.errcode, 930559);
    await http.admin('PUT', 'logistics/developers', { openids: null });

    await http.admin('POST', 'logistics/carrier-failures', {
      delivery_id: 'TEST',
      delivery_resultcode: 20001,
      count: 1,
    });
    const failed = await call(`${B}/order/add`, order());
    assert.equal(failed.json.errcode, 9300501);
    assert.equal(failed.json.delivery_resultcode, 20001);
    assert.equal(typeof failed.json.delivery_resultmsg, 'string');
    assert.equal((await call(`${B}/order/add`, order())).json.errcode, 0);

    await call(`${B}/account/bind`, { type: 'bind', delivery_id: 'YUNDA', biz_id: 'yd-1', password: 'hunter2-yunda' });
    const review = await http.admin('POST', 'logistics/accounts/review', { delivery_id: 'YUNDA', biz_id: 'yd-1' });
    assert.equal(review.json.status_code, 0);
    const accounts = await http.admin('GET', 'logistics/accounts');
    assert.equal(accounts.json[0].password_given, true);
    const state = JSON.stringify(emu.exportState());
    assert.ok(state.includes('yd-1'), 'the logistics slice is exported');
    for (const text of [accounts.text, state, JSON.stringify(emu.requests({}))]) {
      assert.ok(!text.includes('hunter2-yunda'), 'the carrier password never appears');
    }
  });
});
