// The console's Parcels page in a real browser: a shipped order with its printed waybill, the path
// as a timeline, the "next node" button, live updates from testUpdateOrder and the automatic journey.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MiniApp } from '@miniapp-server/sdk';
import { type ConsoleSession, skipWithoutChromium, startConsole } from './browser.js';

describe('console: parcels', { skip: skipWithoutChromium() }, () => {
  let s: ConsoleSession;
  let app: MiniApp;
  let openid: string;
  before(async () => {
    s = await startConsole();
    app = new MiniApp({
      appId: s.emu.defaultApp.appid,
      appSecret: s.emu.defaultApp.secret,
      baseUrl: s.emu.url,
      clock: { now: () => s.emu.clock.nowMs() },
    });
    openid = s.emu.createUser({}).openid;
  });
  after(async () => {
    await app?.close();
    await s?.close();
  });

  const contact = (name: string, city: string) => ({
    name,
    mobile: '13800138000',
    province: '广东省',
    city,
    area: '南山区',
    address: '科技园',
  });
  const ship = (order_id: string) =>
    app.logistics.addOrder({
      add_source: 0,
      order_id,
      openid,
      delivery_id: 'TEST',
      biz_id: 'test_biz_id',
      sender: contact('寄件人', '广州市'),
      receiver: contact('收件人甲', '深圳市'),
      cargo: { count: 1, weight: 2, space_x: 1, space_y: 1, space_z: 1, detail_list: [{ name: '绿茶', count: 3 }] },
      shop: { goods_name: '绿茶', goods_count: 3, img_url: 'https://example.com/tea.png' },
      insured: { use_insured: 0, insured_value: 0 },
      service: { service_type: 1, service_name: 'test_service_name' },
    });

  it('shows the order, its printed waybill, and adds the next node', async () => {
    const { waybill_id } = await ship('console-1');
    const page = await s.open('parcels');
    await page.getByTestId(`parcel-${waybill_id}`).waitFor();
    const frame = page.frameLocator('[data-testid="waybill-frame"]');
    await frame.getByText('收件人甲').first().waitFor();
    assert.equal(await frame.locator(`[data-waybill-id="${waybill_id}"] svg`).count(), 2, 'two copies, two barcodes');
    await page.getByTestId('parcel-path').getByText('No node yet').waitFor();

    await page.getByRole('button', { name: 'Add the next node' }).click();
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('已分配快递员').waitFor();
    await page.getByTestId('parcel-path').getByText('Version 1').waitFor();
    assert.equal(s.emu.logistics.parcel({ waybill_id }).path.length, 1);
    assert.deepEqual(s.pageErrors, []);
  });

  it('follows testUpdateOrder and the automatic journey live', async () => {
    const { waybill_id, order_id } = await ship('console-2');
    const page = await s.open('parcels', { params: { waybill: waybill_id } });
    await page.getByTestId('parcel-path').getByText('No node yet').waitFor();
    await app.logistics.testUpdateOrder({
      biz_id: 'test_biz_id',
      order_id,
      delivery_id: 'TEST',
      waybill_id,
      action_time: Math.floor(s.emu.clock.nowMs() / 1000),
      action_type: 100001,
      action_msg: '快递员小王已揽件',
    });
    await page.getByTestId('timeline').getByText('快递员小王已揽件').waitFor();
    await page.getByTestId('parcel-path').getByText('picked up').waitFor();

    await page.getByRole('button', { name: 'Run by itself' }).click();
    await page.getByText('moves on the virtual clock').waitFor();
    s.emu.advanceClock(86400);
    await s.emu.logistics.tick();
    await page.getByTestId('parcel-path').getByText('signed', { exact: true }).waitFor();
    await page.getByTestId('timeline').getByText('已签收', { exact: false }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add the next node' }).isDisabled(), true);
    assert.deepEqual(s.pageErrors, []);
  });

  it('speaks Chinese', async () => {
    const page = await s.open('parcels', { lang: 'zh' });
    await page.getByTestId('parcels').getByText('运单号').waitFor();
    await page.getByRole('button', { name: '添加下一个节点' }).waitFor();
  });
});
