// The console's Deliveries page in a real browser: an order placed through the SDK appears with its
// timeline and the rider plotted between sender and receiver; advancing it (a button, then a
// simulated rider on the virtual clock) updates the timeline live over SSE, without a reload.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MiniApp } from '@miniapp-server/sdk';
import { type ConsoleSession, skipWithoutChromium, startConsole } from './browser.js';

const OPENID = 'oConsoleDeliveryUser0000000';
const order = (shop_order_id: string) => ({
  shopid: 'test_shop_id',
  shop_order_id,
  delivery_id: 'TEST',
  openid: OPENID,
  sender: {
    name: '花店',
    city: '广州市',
    address: '天河区',
    address_detail: '1 号',
    phone: '020',
    lng: 113.3245,
    lat: 23.1188,
  },
  receiver: {
    name: '李四',
    city: '广州市',
    address: '天河区',
    address_detail: '9 号',
    phone: '138',
    lng: 113.3345,
    lat: 23.1345,
  },
  cargo: { goods_value: 99, goods_weight: 1, cargo_first_class: '鲜花', cargo_second_class: '鲜花' },
  order_info: {},
  shop: { img_url: 'https://example.com/rose.png', goods_name: '玫瑰', goods_count: 1 },
});

describe('console: deliveries', { skip: skipWithoutChromium() }, () => {
  let s: ConsoleSession;
  let app: MiniApp;
  before(async () => {
    s = await startConsole();
    s.emu.createUser({ openid: OPENID });
    s.emu.delivery.configure({ auto: false });
    app = new MiniApp({ appId: s.emu.defaultApp.appid, appSecret: s.emu.defaultApp.secret, baseUrl: s.emu.url });
  });
  after(async () => {
    await app?.close();
    await s?.close();
  });

  it('advance a delivery and watch the timeline update live (SSE, no reload)', async () => {
    const page = await s.open('deliveries');
    await page.getByTestId('orders').getByText('No delivery orders yet', { exact: false }).waitFor();
    await app.immediateDelivery.addOrder(order('flowers-1'));
    const card = page.getByTestId('order-flowers-1');
    await card.getByTestId('status').filter({ hasText: '101' }).waitFor();
    const marker = await page.evaluate(() => {
      (window as any).__noReload = true;
      return true;
    });

    // The button: 101 → 102, a rider appears on the plot.
    await card.getByRole('button', { name: 'Advance' }).click();
    await card.getByTestId('status').filter({ hasText: '102 rider assigned' }).waitFor();
    await card.getByTestId('rider-dot').waitFor();
    await card.getByTestId('timeline').getByText('102 rider assigned').waitFor();

    // Outside the page: the simulated rider (a script on the virtual clock) takes the order to 301.
    s.emu.delivery.script('flowers-1', [
      { order_status: 201, after: 10 },
      { order_status: 202, after: 10 },
      { order_status: 301, after: 10 },
    ]);
    s.emu.advanceClock(40);
    await s.emu.delivery.sync();
    await card.getByTestId('status').filter({ hasText: '301 delivering' }).waitFor();
    for (const text of ['201 rider at the store', '202 picked up', '301 delivering']) {
      await card.getByTestId('timeline').getByText(text).waitFor();
    }
    const dot = card.getByTestId('rider-dot');
    const before = Number(await dot.getAttribute('data-lng'));
    s.emu.advanceClock(120);
    await card.getByTestId('eta').waitFor();
    await page.waitForFunction(
      (lng) => Number(document.querySelector('[data-testid="rider-dot"]')?.getAttribute('data-lng')) > lng,
      before,
    );

    // Fail it from the page: the receiver is unreachable (304).
    await card.getByRole('combobox', { name: 'Failure' }).selectOption('unreachable');
    await card.getByRole('button', { name: 'Fail' }).click();
    await card.getByTestId('status').filter({ hasText: '304' }).waitFor();
    assert.equal(s.emu.delivery.order('flowers-1').order_status, 304);

    assert.equal(await page.evaluate(() => (window as any).__noReload), marker, 'the page was never reloaded');
    assert.deepEqual(s.pageErrors, []);
  });

  it('shows the Chinese labels', async () => {
    const page = await s.open('deliveries', { lang: 'zh' });
    await page.getByTestId('order-flowers-1').getByText('无法联系收货人', { exact: false }).first().waitFor();
  });
});
