// The security, order-shipping and risk-control admin routes over plain HTTP (what the console and
// other languages use), and their state surviving exportState()/importState() and reset().
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import orderShipping from '../src/areas/order-shipping/index.js';
import riskControl from '../src/areas/risk-control/index.js';
import security from '../src/areas/security/index.js';
import { client, start } from './helpers.js';

const BUYER = 'oAdminBuyer00000000000000001';
const TX = '4200000000202612019999';

describe('admin routes of security, order-shipping and risk-control', () => {
  let emu: EmulatorHandle;
  let http: ReturnType<typeof client>;
  let token: string;
  before(async () => {
    emu = await start({ areas: [security, orderShipping, riskControl] });
    http = client(emu);
    token = await http.token();
    assert.equal((await http.admin('POST', 'users', { openid: BUYER })).status, 200);
  });
  after(() => emu.close());
  const wx = (path: string, body: unknown) => http.post(path, body, { query: { access_token: token } });

  test('an order walked through the admin API: payment, upload, confirm-receipt, settle; errors are 4xx', async () => {
    const paid = await http.admin('POST', 'payments', {
      openid: BUYER,
      transaction_id: TX,
      mch_id: '1900000109',
      out_trade_no: 'adm-1',
      amount: 300,
    });
    assert.equal(paid.status, 200, paid.text);
    const up = await wx('/wxa/sec/order/upload_shipping_info', {
      order_key: { order_number_type: 2, transaction_id: TX },
      logistics_type: 4,
      delivery_mode: 1,
      shipping_list: [{ item_desc: '到店自提' }],
      upload_time: '2023-11-15T06:13:20Z',
      payer: { openid: BUYER },
    });
    assert.equal(up.json.errcode, 0, up.text);
    const list = await http.admin('GET', 'order-shipping/orders');
    assert.equal(list.json[0].order.order_state, 2);
    assert.equal(list.json[0].order.paid_amount, 300);
    const confirm = await http.admin('POST', `order-shipping/orders/${TX}/confirm-receipt`);
    assert.equal(confirm.json.order.order_state, 3);
    const again = await http.admin('POST', `order-shipping/orders/${TX}/confirm-receipt`);
    assert.equal(again.status, 409);
    const settled = await http.admin('POST', `order-shipping/orders/${TX}/settle`);
    assert.equal(settled.json.order.order_state, 4);
    assert.equal((await http.admin('POST', `order-shipping/orders/${TX}/refund`)).status, 409);
    assert.equal((await http.admin('GET', 'order-shipping/orders/nope')).status, 404);
    assert.equal((await http.admin('POST', 'order-shipping/settings', { autoConfirmSeconds: -1 })).status, 400);
  });

  test('rules, media, visits and checks over HTTP; risk rank and encrypted phone data', async () => {
    assert.equal((await http.admin('POST', 'security/visits', { openid: BUYER })).status, 200);
    assert.equal((await http.admin('POST', 'security/visits', { openid: 'oNobody' })).status, 404);
    const rule = await http.admin('POST', 'security/rules/text', {
      strategy: 'keyword',
      match: '秒杀',
      suggest: 'review',
      label: 10001,
    });
    assert.equal(rule.status, 200);
    assert.equal((await http.admin('POST', 'security/rules/text', { strategy: 'nope', match: 'x' })).status, 400);
    const r = await wx('/wxa/msg_sec_check', { content: '限时秒杀', version: 2, scene: 3, openid: BUYER });
    assert.deepEqual(r.json.result, { suggest: 'review', label: 10001 });
    const checks = await http.admin('GET', 'security/checks?api=msgSecCheck');
    assert.equal(checks.json.at(-1).verdict.result.suggest, 'review');
    assert.equal((await http.admin('DELETE', `security/rules/${rule.json.id}`)).status, 200);
    assert.equal((await http.admin('DELETE', `security/rules/${rule.json.id}`)).status, 404);
    assert.equal((await http.admin('POST', 'security/media', { url: 'not a url' })).status, 400);

    assert.equal((await http.admin('POST', 'risk-control/ranks', { openid: BUYER, risk_rank: 4 })).json.risk_rank, 4);
    assert.equal((await http.admin('POST', 'risk-control/ranks', { openid: BUYER, risk_rank: 5 })).status, 400);
    const rank = await wx('/wxa/getuserriskrank', {
      appid: emu.defaultApp.appid,
      openid: BUYER,
      scene: 1,
      client_ip: '1.2.3.4',
    });
    assert.equal(rank.json.risk_rank, 4);
    const enc = await http.admin('POST', 'risk-control/encrypted-phone', { openid: BUYER, phoneNumber: '13800138000' });
    const check = await wx('/wxa/business/checkencryptedmsg', { encrypted_msg_hash: enc.json.encrypted_msg_hash });
    assert.equal(check.json.vaild, true);
  });

  test('orders, pending media checks and issued encrypted data survive a snapshot; reset clears them', async () => {
    await http.admin('POST', 'security/media', { url: 'https://cdn.example.com/snap.png' });
    const m = await wx('/wxa/media_check_async', { media_url: 'https://cdn.example.com/snap.png', media_type: 2 });
    const enc = await http.admin('POST', 'risk-control/encrypted-phone', { openid: BUYER, phoneNumber: '13900139000' });
    const snap = (await http.admin('GET', 'state')).json;
    await http.admin('POST', 'reset');
    assert.deepEqual((await http.admin('GET', 'order-shipping/orders')).json, []);
    assert.deepEqual((await http.admin('GET', 'security/checks')).json, []);
    assert.equal((await http.admin('PUT', 'state', snap)).status, 200);
    const orders = (await http.admin('GET', 'order-shipping/orders')).json;
    assert.equal(
      orders.find((o: { order: { transaction_id: string } }) => o.order.transaction_id === TX).order.order_state,
      4,
    );
    const pending = (await http.admin('GET', 'security/checks?api=mediaCheckAsync')).json.at(-1);
    assert.equal(pending.trace_id, m.json.trace_id);
    assert.equal(pending.push.status, 'pending');
    const token2 = await http.token();
    const check = await http.post(
      '/wxa/business/checkencryptedmsg',
      { encrypted_msg_hash: enc.json.encrypted_msg_hash },
      { query: { access_token: token2 } },
    );
    assert.equal(check.json.vaild, true);
  });
});
