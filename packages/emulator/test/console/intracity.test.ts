// The console's Intracity page and the request log's view of secured calls, in a real browser:
// a store, its balance and an order whose status and callbacks update live as the clock moves;
// a secured call shows its decrypted request beside the envelope, a refused one its failed check.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KeySet } from '@miniapp-server/emulator';
import { MiniApp } from '@miniapp-server/sdk';
import { type ConsoleSession, skipWithoutChromium, startConsole, startPushEndpoint, waitForText } from './browser.js';

describe('console: intracity and secured calls', { skip: skipWithoutChromium() }, () => {
  let s: ConsoleSession;
  let app: MiniApp;
  let keys: KeySet;
  let endpoint: Awaited<ReturnType<typeof startPushEndpoint>>;
  before(async () => {
    s = await startConsole();
    keys = s.emu.apiSecurity.generate();
    endpoint = await startPushEndpoint(() => ({ status: 200, body: '{"return_code":0,"return_msg":"OK"}' }));
    s.emu.intracity.setApp({ callbackToken: 'console-token' });
    const { appid, secret } = s.emu.defaultApp;
    app = new MiniApp({
      appId: appid,
      appSecret: secret,
      baseUrl: s.emu.url,
      maxRetries: 0,
      clock: { now: () => s.emu.clock.nowMs() },
      apiSecurity: keys.client,
    });
  });
  after(async () => {
    await app.close();
    await endpoint.close();
    await s.close();
  });

  it('shows stores, balances and an order whose status and callbacks move with the clock', async () => {
    await app.intracity.apply();
    const { wx_store_id } = await app.intracity.createStore({
      out_store_id: 'C-1',
      store_name: '控制台店',
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
    await app.intracity.storeCharge({ wx_store_id, service_trans_id: 'DADA', amount: 8000 });
    const order = await app.intracity.addOrder({
      wx_store_id,
      store_order_id: 'C-O1',
      user_openid: 'oConsole',
      user_name: '王五',
      user_phone: '13900000000',
      user_address: '上海市浦东新区2号',
      user_lat: 31.24,
      user_lng: 121.51,
      order_detail_path: 'pages/o/o',
      callback_url: endpoint.url,
      cargo: { cargo_name: '书', cargo_weight: 800, cargo_price: 5000, cargo_type: 3, cargo_num: 1 },
    });
    await s.emu.intracity.idle();

    const page = await s.open('intracity');
    await page.getByTestId('stores').getByText('控制台店').waitFor();
    await waitForText(page.getByTestId('balances'), new RegExp(`¥${((8000 - order.fee) / 100).toFixed(2)}`));
    const row = page.locator(`[data-order="${order.wx_order_id}"]`);
    await waitForText(row.getByTestId('order-status'), /10000 created/);
    await waitForText(row.getByTestId('order-callbacks'), /10000 ✓/);

    await page.getByRole('button', { name: 'Advance 1 min' }).click();
    await waitForText(row.getByTestId('order-status'), /30000 rider accepted/);
    await waitForText(row.getByTestId('order-callbacks'), /30000 ✓/);
    assert.equal(endpoint.bodies.length, 2);

    await row.click();
    const detail = page.getByTestId('order-detail');
    await waitForText(detail, /HTTP 200/);
    assert.equal(await detail.getByTestId('callback').count(), 2);
    assert.ok(!(await page.content()).includes('console-token'));
    assert.deepEqual(s.pageErrors, []);
  });

  it('the request log shows a secured call decrypted beside its envelope, and a refused one with its check', async () => {
    await app.intracity.getCity({ service_trans_id: 'SFTC' });
    await fetch(`${s.emu.url}/cgi-bin/express/intracity/getcity?access_token=${await app.accessToken()}`, {
      method: 'POST',
      body: '{}',
    });
    const page = await s.open('requests', { params: { path: '/cgi-bin/express/intracity/getcity' } });
    const log = page.getByTestId('request-log');
    const rows = log.getByTestId('request-row');
    await waitForText(log.getByTestId('request-count'), /2 request\(s\)/);
    await waitForText(rows.first(), /refused: signature-needed \(934011\)/);
    await rows.nth(1).click();
    const call = log.getByTestId('secured-call');
    await waitForText(call.getByTestId('secured-request'), /"service_trans_id": "SFTC"/);
    await waitForText(call.getByTestId('secured-response'), /"support_list"/);
    assert.match(await call.innerText(), /"authtag"/);
    const html = await page.content();
    assert.ok(!html.includes(keys.client.symmetricKey));
    assert.ok(!html.includes(keys.client.privateKey.split('\n')[1]!));
    assert.deepEqual(s.pageErrors, []);
  });
});
