// The console's Order shipping page in a real browser: a paid and shipped order with its state
// and timeline; the buyer's confirm-receipt and the settlement driven by the page's buttons.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client } from '../helpers.js';
import { type ConsoleSession, skipWithoutChromium, startConsole } from './browser.js';

const BUYER = 'oConsoleShip0000000000000001';
const TX = '4200000000202612010001';

describe('console: order shipping', { skip: skipWithoutChromium() }, () => {
  let s: ConsoleSession;
  before(async () => {
    s = await startConsole();
    s.emu.createUser({ openid: BUYER });
  });
  after(() => s.close());

  it('shows a shipped order; Confirm receipt and Settle walk it to state 4 with the timeline updating', async () => {
    s.emu.recordPayment({
      openid: BUYER,
      transaction_id: TX,
      mch_id: '1900000109',
      out_trade_no: 'console-1',
      amount: 1200,
    });
    const http = client(s.emu);
    const token = await http.token();
    const up = await http.post(
      '/wxa/sec/order/upload_shipping_info',
      {
        order_key: { order_number_type: 2, transaction_id: TX },
        logistics_type: 1,
        delivery_mode: 1,
        shipping_list: [{ tracking_no: 'YT0001', express_company: 'YTO', item_desc: '咖啡豆' }],
        upload_time: '2026-01-01T08:00:00+08:00',
        payer: { openid: BUYER },
      },
      { query: { access_token: token } },
    );
    assert.equal(up.json.errcode, 0, up.text);

    const page = await s.open('order-shipping');
    const card = page.getByTestId(`order-${TX}`);
    await card.getByText('2 shipped').waitFor();
    await card.getByText('12.00 yuan').waitFor();
    await card.getByTestId('timeline').getByText('shipped', { exact: true }).waitFor();

    await card.getByRole('button', { name: 'Confirm receipt' }).click();
    await card.getByText('3 received').waitFor();
    await card.getByTestId('timeline').getByText('receipt confirmed by the user').waitFor();
    assert.equal(await card.getByRole('button', { name: 'Confirm receipt' }).isDisabled(), true);

    await card.getByRole('button', { name: 'Settle' }).click();
    await card.getByText('4 settled').waitFor();
    await card.getByTestId('timeline').getByText('settled', { exact: true }).waitFor();
    const view = s.emu.orderShipping.order({ transaction_id: TX });
    assert.equal(view.order.order_state, 4);
    assert.deepEqual(s.pageErrors, []);
  });

  it('moves on by itself when the virtual clock passes the auto-confirm and settlement moments', async () => {
    const tx = '4200000000202612010002';
    s.emu.recordPayment({ openid: BUYER, transaction_id: tx, mch_id: '1900000109', out_trade_no: 'console-2' });
    const http = client(s.emu);
    await http.post(
      '/wxa/sec/order/upload_shipping_info',
      {
        order_key: { order_number_type: 2, transaction_id: tx },
        logistics_type: 3,
        delivery_mode: 1,
        shipping_list: [{ item_desc: '会员卡' }],
        upload_time: '2026-01-01T09:00:00+08:00',
        payer: { openid: BUYER },
      },
      { query: { access_token: await http.token() } },
    );
    const page = await s.open('order-shipping');
    const card = page.getByTestId(`order-${tx}`);
    await card.getByText('2 shipped').waitFor();
    s.emu.clock.advance(11 * 86400);
    await card.getByText('4 settled').waitFor();
    await card.getByTestId('timeline').getByText('receipt confirmed automatically').waitFor();
    assert.deepEqual(s.pageErrors, []);
  });
});
