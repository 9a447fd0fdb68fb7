// Shipping-information management through the public client against the emulator: an order from
// payment to settlement received by the SDK's push receiver (every push once, in order), the
// ingest delay and the opt-in 10060001 retry, re-shipping once, split and combined uploads,
// listing with iterateOrders, special orders, every errcode the rules produce, and validation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import {
  type MiniApp,
  type TradeManageOrderSettlementEvent,
  type UploadShippingInfoParams,
  ValidationError,
  isSettlementPush,
} from '@miniapp-server/sdk';
import { T0, startEmulatorApp } from './helpers/emulator-app.js';
import { apiError, rejectsWith } from './helpers/errors.js';
import { type PushApp, startPushApp } from './helpers/push-app.js';

const BUYER = 'oShipBuyer000000000000000001';
const OTHER = 'oShipOther000000000000000001';
const DAY = 86400;
let seq = 0;

async function setup() {
  const { emu, app } = await startEmulatorApp();
  emu.createUser({ openid: BUYER });
  emu.createUser({ openid: OTHER });
  return { emu, app };
}

/** Records a payment of BUYER; returns its ids. */
function pay(emu: EmulatorHandle, extra: Record<string, unknown> = {}) {
  seq++;
  const p = {
    openid: BUYER,
    transaction_id: `4200001234${String(seq).padStart(18, '0')}`,
    mch_id: '1900000109',
    out_trade_no: `order-${seq}`,
    amount: 990,
    ...extra,
  };
  emu.recordPayment(p);
  return p;
}

const express = (transaction_id: string, extra: Partial<UploadShippingInfoParams> = {}): UploadShippingInfoParams => ({
  order_key: { order_number_type: 2, transaction_id },
  logistics_type: 1,
  delivery_mode: 1,
  shipping_list: [{ tracking_no: 'YT1234567890', express_company: 'YTO', item_desc: '微信气泡狗集线器*1' }],
  upload_time: new Date(),
  payer: { openid: BUYER },
  ...extra,
});

describe('an order from payment to settlement, pushed to an SDK receiver', () => {
  let emu: EmulatorHandle;
  let app: MiniApp;
  let pushes: PushApp;
  before(async () => {
    ({ emu, app } = await setup());
    pushes = await startPushApp(emu, 'json');
  });
  after(async () => {
    await app.close();
    await emu.close();
    await pushes.close();
  });

  test('paid → shipped → receipt confirmed by the user → settled; every push once and in order', async () => {
    assert.equal((await app.orderShipping.isTradeManaged({ appid: emu.defaultApp.appid })).is_trade_managed, true);
    const p = pay(emu);
    await emu.orderShipping.flush();
    const pending = await app.orderShipping.getOrder({ transaction_id: p.transaction_id });
    assert.equal(pending.order.order_state, 1);
    assert.deepEqual(pending.order.shipping, {});
    assert.equal(pending.order.paid_amount, 990);
    assert.equal(pending.order.merchant_trade_no, p.out_trade_no);

    emu.clock.advance(3600);
    const shippedAt = emu.clock.now();
    await app.orderShipping.uploadShippingInfo(express(p.transaction_id, { upload_time: new Date(emu.clock.nowMs()) }));
    const shipped = await app.orderShipping.getOrder({ merchant_id: p.mch_id, merchant_trade_no: p.out_trade_no });
    assert.equal(shipped.order.order_state, 2);
    assert.equal(shipped.order.shipping.finish_shipping, true);
    assert.equal(shipped.order.shipping.finish_shipping_count, 1);
    assert.equal(shipped.order.shipping.shipping_list?.[0]?.upload_time, shippedAt);
    assert.equal(shipped.order.description, '微信气泡狗集线器*1');

    emu.clock.advance(2 * DAY);
    await app.orderShipping.notifyConfirmReceive({ transaction_id: p.transaction_id, received_time: shippedAt + DAY });
    const confirmed = emu.orderShipping.confirmReceipt({ transaction_id: p.transaction_id });
    assert.equal(confirmed.order.order_state, 3);
    emu.clock.advance(DAY);
    await emu.orderShipping.flush();
    const done = await app.orderShipping.getOrder({ transaction_id: p.transaction_id });
    assert.equal(done.order.order_state, 4);

    await pushes.waitFor((m) => m.Event === 'trade_manage_order_settlement' && m.settlement_time !== undefined);
    const names = pushes.received.map((m) => `${m.Event}${m.settlement_time !== undefined ? ':settled' : ''}`);
    assert.deepEqual(names, [
      'trade_manage_remind_access_api',
      'trade_manage_order_settlement',
      'trade_manage_order_settlement:settled',
    ]);
    const [, atShipping, atSettlement] = pushes.received as TradeManageOrderSettlementEvent[];
    assert.equal(isSettlementPush(atShipping as TradeManageOrderSettlementEvent), false);
    assert.equal(atShipping?.transaction_id, p.transaction_id);
    assert.equal(atShipping?.merchant_id, p.mch_id);
    assert.equal(atShipping?.merchant_trade_no, p.out_trade_no);
    assert.equal(atShipping?.pay_time, T0);
    assert.equal(atShipping?.shipped_time, shippedAt);
    assert.equal(atShipping?.estimated_settlement_time, shippedAt + 11 * DAY);
    assert.equal(atShipping?.confirm_receive_method, undefined);
    assert.equal(isSettlementPush(atSettlement as TradeManageOrderSettlementEvent), true);
    assert.equal(atSettlement?.confirm_receive_method, 2);
    assert.equal(atSettlement?.confirm_receive_time, shippedAt + 2 * DAY);
    assert.equal(atSettlement?.settlement_time, shippedAt + 3 * DAY);
    assert.equal(atSettlement?.estimated_settlement_time, undefined);

    const view = emu.orderShipping.order({ transaction_id: p.transaction_id });
    assert.deepEqual(
      view.timeline.map((t: { event: string }) => t.event),
      [
        'paid',
        'in the shipping system',
        'shipped',
        'push trade_manage_order_settlement (shipped)',
        'confirm-receipt reminder sent to the user',
        'receipt confirmed by the user',
        'settled',
        'push trade_manage_order_settlement (settled)',
      ],
    );
  });

  test('without the user, receipt is confirmed automatically after 10 days and settles a day later (XML)', async () => {
    pushes.format('xml');
    const p = pay(emu);
    await emu.orderShipping.flush();
    await app.orderShipping.uploadShippingInfo(express(p.transaction_id, { upload_time: new Date(emu.clock.nowMs()) }));
    const from = pushes.received.length;
    emu.clock.advance(11 * DAY);
    const e = (await pushes.waitFor(
      (m) => m.transaction_id === p.transaction_id && m.settlement_time !== undefined,
      from,
    )) as TradeManageOrderSettlementEvent;
    assert.equal(e.confirm_receive_method, 1);
    assert.equal(typeof e.transaction_id, 'string');
    assert.equal(typeof e.merchant_id, 'string');
    assert.equal((await app.orderShipping.getOrder({ transaction_id: p.transaction_id })).order.order_state, 4);
  });

  test('an unshipped order of an app that shipped before is reminded after 48 hours', async () => {
    const p = pay(emu);
    await emu.orderShipping.flush();
    const from = pushes.received.length;
    emu.clock.advance(2 * DAY);
    const e = await pushes.waitFor((m) => m.Event === 'trade_manage_remind_shipping', from);
    assert.equal(e.transaction_id, p.transaction_id);
    assert.equal(e.merchant_trade_no, p.out_trade_no);
  });
});

describe('orderShipping rules and errcodes', () => {
  let emu: EmulatorHandle;
  let app: MiniApp;
  before(async () => {
    ({ emu, app } = await setup());
  });
  after(async () => {
    await app.close();
    await emu.close();
  });
  const now = () => new Date(emu.clock.nowMs());
  const later = () => {
    emu.clock.advance(1);
    return now();
  };

  test('10060001 until the payment is ingested; retryOrderNotFound retries it with backoff only when asked', async () => {
    emu.orderShipping.configure({ ingestDelaySeconds: 30 });
    try {
      const p = pay(emu);
      await apiError(app.orderShipping.getOrder({ transaction_id: p.transaction_id }), 10060001);
      const count = () =>
        emu
          .requests({ path: '/wxa/sec/order/upload_shipping_info' })
          .filter((r: { errcode?: number }) => r.errcode === 10060001).length;
      const before = count();
      await apiError(app.orderShipping.uploadShippingInfo(express(p.transaction_id, { upload_time: now() })), 10060001);
      assert.equal(count(), before + 1, 'no retry without the option');

      const upload = app.orderShipping.uploadShippingInfo(express(p.transaction_id, { upload_time: now() }), {
        retryOrderNotFound: { delaysMs: [50, 50, 50, 50, 50, 50, 50, 50, 50, 50] },
      });
      while (count() < before + 2) await new Promise((r) => setTimeout(r, 10));
      emu.clock.advance(30);
      assert.equal((await upload).errcode, 0);
      assert.equal((await app.orderShipping.getOrder({ transaction_id: p.transaction_id })).order.order_state, 2);

      // The retry gives up after the last delay.
      const q = pay(emu);
      await apiError(
        app.orderShipping.uploadShippingInfo(express(q.transaction_id), { retryOrderNotFound: { delaysMs: [10, 10] } }),
        10060001,
      );
    } finally {
      emu.orderShipping.configure({ ingestDelaySeconds: 0 });
    }
  });

  test('re-shipping is allowed once (finish_shipping_count 2), then 10060003; unchanged info 10060023', async () => {
    const p = pay(emu);
    await app.orderShipping.uploadShippingInfo(express(p.transaction_id, { upload_time: later() }));
    await apiError(app.orderShipping.uploadShippingInfo(express(p.transaction_id, { upload_time: later() })), 10060023);
    const fixed = express(p.transaction_id, {
      upload_time: later(),
      shipping_list: [
        {
          tracking_no: 'SF1234567890',
          express_company: 'SF',
          item_desc: '集线器',
          contact: { receiver_contact: '189****1234' },
        },
      ],
    });
    await app.orderShipping.uploadShippingInfo(fixed);
    const o = (await app.orderShipping.getOrder({ transaction_id: p.transaction_id })).order;
    assert.equal(o.shipping.finish_shipping_count, 2);
    assert.equal(o.shipping.shipping_list?.[0]?.express_company, 'SF');
    assert.deepEqual(o.shipping.shipping_list?.[0]?.contact, { receiver_contact: '189****1234' });
    await apiError(
      app.orderShipping.uploadShippingInfo({
        ...fixed,
        upload_time: later(),
        shipping_list: [{ ...fixed.shipping_list[0], tracking_no: 'SF0' } as never],
      }),
      10060003,
    );
  });

  test('split delivery: is_all_delivered false keeps state 1, true completes it with every package', async () => {
    const p = pay(emu);
    const part = (n: number, all: boolean) =>
      express(p.transaction_id, {
        delivery_mode: 2,
        is_all_delivered: all,
        upload_time: later(),
        shipping_list: [{ tracking_no: `ZTO${n}`, express_company: 'ZTO', item_desc: `包裹${n}` }],
      });
    await app.orderShipping.uploadShippingInfo(part(1, false));
    let o = (await app.orderShipping.getOrder({ transaction_id: p.transaction_id })).order;
    assert.equal(o.order_state, 1);
    assert.equal(o.shipping.finish_shipping, false);
    await app.orderShipping.uploadShippingInfo(part(2, true));
    o = (await app.orderShipping.getOrder({ transaction_id: p.transaction_id })).order;
    assert.equal(o.order_state, 2);
    assert.deepEqual(
      o.shipping.shipping_list?.map((s) => s.tracking_no),
      ['ZTO1', 'ZTO2'],
    );
    assert.equal(o.description, '包裹1;包裹2');
  });

  test('the payer must be the buyer (10060031); a merchant order key works as well as a transaction id', async () => {
    const p = pay(emu);
    await apiError(
      app.orderShipping.uploadShippingInfo(
        express(p.transaction_id, { upload_time: later(), payer: { openid: OTHER } }),
      ),
      10060031,
    );
    await app.orderShipping.uploadShippingInfo(
      express('', {
        order_key: { order_number_type: 1, mchid: p.mch_id, out_trade_no: p.out_trade_no },
        upload_time: later(),
      }),
    );
    assert.equal((await app.orderShipping.getOrder({ transaction_id: p.transaction_id })).order.order_state, 2);
  });

  test('upload_time: a Date is sent as RFC 3339 with +08:00; a non-RFC 3339 time on the wire is 268485216', async () => {
    const p = pay(emu);
    await app.orderShipping.uploadShippingInfo(
      express(p.transaction_id, { upload_time: new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 6)) }),
    );
    const sent = emu.requests({ path: '/wxa/sec/order/upload_shipping_info' }).at(-1);
    assert.equal((sent?.body as Record<string, unknown>).upload_time, '2030-01-02T11:04:05.006+08:00');
    const q = pay(emu);
    const raw = { ...express(q.transaction_id), upload_time: '2024-02-01T10:39:23.153+0800' };
    await apiError(
      app.request({ method: 'POST', path: '/wxa/sec/order/upload_shipping_info', body: raw as never }),
      268485216,
    );
  });

  // Wire-level rules: each body is what a careless client might send; the SDK itself refuses them all.
  const bad: Array<[string, number, (b: Record<string, any>) => void]> = [
    [
      'order_number_type 3',
      268485194,
      (b) => {
        b.order_key = { order_number_type: 3 };
      },
    ],
    [
      'type 2 without transaction_id',
      268485195,
      (b) => {
        b.order_key = { order_number_type: 2 };
      },
    ],
    [
      'type 1 without mchid',
      268485196,
      (b) => {
        b.order_key = { order_number_type: 1, out_trade_no: 'x' };
      },
    ],
    [
      'type 1 without out_trade_no',
      268485197,
      (b) => {
        b.order_key = { order_number_type: 1, mchid: '1' };
      },
    ],
    [
      'delivery_mode 3',
      268485224,
      (b) => {
        b.delivery_mode = 3;
      },
    ],
    [
      'logistics_type 5',
      10060005,
      (b) => {
        b.logistics_type = 5;
      },
    ],
    [
      'split for virtual goods',
      10060006,
      (b) => Object.assign(b, { logistics_type: 3, delivery_mode: 2, is_all_delivered: true }),
    ],
    [
      'split without is_all_delivered',
      10060007,
      (b) => {
        b.delivery_mode = 2;
      },
    ],
    [
      'empty item_desc',
      10060008,
      (b) => {
        b.shipping_list[0].item_desc = '';
      },
    ],
    [
      'item_desc of 121 characters',
      10060009,
      (b) => {
        b.shipping_list[0].item_desc = '货'.repeat(121);
      },
    ],
    ['express without tracking_no', 268485226, (b) => delete b.shipping_list[0].tracking_no],
    ['express without express_company', 268485227, (b) => delete b.shipping_list[0].express_company],
    ['unified with two packages', 268485228, (b) => b.shipping_list.push({ ...b.shipping_list[0] })],
    [
      '16 packages',
      10060024,
      (b) =>
        Object.assign(b, {
          delivery_mode: 2,
          is_all_delivered: true,
          shipping_list: Array(16).fill(b.shipping_list[0]),
        }),
    ],
    [
      'express_company of 129 bytes',
      10060025,
      (b) => {
        b.shipping_list[0].express_company = 'X'.repeat(129);
      },
    ],
    [
      'tracking_no of 129 bytes',
      10060026,
      (b) => {
        b.shipping_list[0].tracking_no = '9'.repeat(129);
      },
    ],
    [
      'SF without a contact',
      10060014,
      (b) => {
        b.shipping_list[0].express_company = 'SF';
      },
    ],
    [
      'a fully masked contact',
      10060014,
      (b) => {
        b.shipping_list[0].contact = { receiver_contact: '189********' };
      },
    ],
  ];
  for (const [what, errcode, mutate] of bad) {
    test(`upload: ${what} → ${errcode} on the wire, ValidationError in the SDK`, async () => {
      const p = pay(emu);
      const body = structuredClone({
        ...express(p.transaction_id),
        upload_time: '2030-01-01T00:00:00+08:00',
      }) as Record<string, any>;
      mutate(body);
      await apiError(app.request({ method: 'POST', path: '/wxa/sec/order/upload_shipping_info', body }), errcode);
      const before = emu.requests({ path: '/wxa/sec/order/upload_shipping_info' }).length;
      await rejectsWith(app.orderShipping.uploadShippingInfo(body as never), ValidationError);
      assert.equal(emu.requests({ path: '/wxa/sec/order/upload_shipping_info' }).length, before);
    });
  }

  test('combined upload ships every sub-order; mixed key types 268485253, duplicates 10060013', async () => {
    const a = pay(emu);
    const b = pay(emu);
    const sub = (transaction_id: string) => ({
      order_key: { order_number_type: 2 as const, transaction_id },
      logistics_type: 1 as const,
      delivery_mode: 1 as const,
      shipping_list: [{ tracking_no: `JT${transaction_id.slice(-4)}`, express_company: 'JTSD', item_desc: '香蕉*1' }],
    });
    const body = {
      order_key: { order_number_type: 2 as const, transaction_id: '4200009999000000000000000001' },
      sub_orders: [sub(a.transaction_id), sub(b.transaction_id)],
      upload_time: later(),
      payer: { openid: BUYER },
    };
    await app.orderShipping.uploadCombinedShippingInfo(body);
    for (const t of [a.transaction_id, b.transaction_id]) {
      assert.equal((await app.orderShipping.getOrder({ transaction_id: t })).order.order_state, 2);
    }
    const c = pay(emu);
    const raw = (sub_orders: unknown[]) =>
      app.request({
        method: 'POST',
        path: '/wxa/sec/order/upload_combined_shipping_info',
        body: { ...body, upload_time: '2030-01-01T00:00:00Z', sub_orders } as never,
      });
    await apiError(
      raw([
        {
          ...sub(c.transaction_id),
          order_key: { order_number_type: 1, mchid: c.mch_id, out_trade_no: c.out_trade_no },
        },
      ]),
      268485253,
    );
    await apiError(raw([sub(c.transaction_id), sub(c.transaction_id)]), 10060013);
    await rejectsWith(
      app.orderShipping.uploadCombinedShippingInfo({
        ...body,
        sub_orders: [{ ...sub(c.transaction_id), order_key: { order_number_type: 1, mchid: '1', out_trade_no: '2' } }],
      }),
      ValidationError,
    );
  });

  test('getOrderList pages with last_index; iterateOrders follows it; a bad last_index is 10060011', async () => {
    emu.createUser({ openid: 'oShipLister00000000000000001' });
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push(pay(emu, { openid: 'oShipLister00000000000000001' }).transaction_id);
    const page = await app.orderShipping.getOrderList({ openid: 'oShipLister00000000000000001', page_size: 2 });
    assert.equal(page.order_list.length, 2);
    assert.equal(page.has_more, true);
    const seen: string[] = [];
    for await (const o of app.orderShipping.iterateOrders({ openid: 'oShipLister00000000000000001', page_size: 2 })) {
      seen.push(o.transaction_id);
    }
    assert.deepEqual(seen, mine);
    const pages = emu.requests({ path: '/wxa/sec/order/get_order_list' }).length;
    assert.ok(pages >= 4, `iterateOrders read 3 pages (got ${pages - 1} requests after the first)`);
    const pendingOnly = [];
    for await (const o of app.orderShipping.iterateOrders({ order_state: 4 })) pendingOnly.push(o);
    assert.equal(pendingOnly.length, 0);
    await apiError(app.orderShipping.getOrderList({ last_index: 'not-a-cursor' }), 10060011);
  });

  test('notifyConfirmReceive: 10060028 before shipping, 10060032 for non-express, 10060029 bad time, once (10060030)', async () => {
    const p = pay(emu);
    const t = emu.clock.now();
    await apiError(
      app.orderShipping.notifyConfirmReceive({ transaction_id: p.transaction_id, received_time: t }),
      10060028,
    );
    await app.orderShipping.uploadShippingInfo(express(p.transaction_id, { upload_time: later() }));
    const shipped = emu.clock.now();
    await apiError(
      app.orderShipping.notifyConfirmReceive({ transaction_id: p.transaction_id, received_time: shipped - 100 }),
      10060029,
    );
    await app.orderShipping.notifyConfirmReceive({ transaction_id: p.transaction_id, received_time: shipped });
    await apiError(
      app.orderShipping.notifyConfirmReceive({ transaction_id: p.transaction_id, received_time: shipped }),
      10060030,
    );
    const v = pay(emu);
    await app.orderShipping.uploadShippingInfo({
      ...express(v.transaction_id, { upload_time: later() }),
      logistics_type: 3,
      shipping_list: [{ item_desc: '会员月卡' }],
    });
    await apiError(
      app.orderShipping.notifyConfirmReceive({ transaction_id: v.transaction_id, received_time: emu.clock.now() }),
      10060032,
    );
    await apiError(app.orderShipping.notifyConfirmReceive({ transaction_id: 'nope', received_time: 1 }), 10060001);
  });

  test('confirmed or settled orders cannot ship again (10060002); refunded ones 10060004', async () => {
    const p = pay(emu);
    await app.orderShipping.uploadShippingInfo(express(p.transaction_id, { upload_time: later() }));
    emu.orderShipping.confirmReceipt({ transaction_id: p.transaction_id });
    await apiError(
      app.orderShipping.uploadShippingInfo(
        express(p.transaction_id, {
          upload_time: later(),
          shipping_list: [{ tracking_no: 'X1', express_company: 'YTO', item_desc: 'x' }],
        }),
      ),
      10060002,
    );
    const r = pay(emu);
    await emu.orderShipping.flush();
    emu.orderShipping.refund({ transaction_id: r.transaction_id });
    await apiError(app.orderShipping.uploadShippingInfo(express(r.transaction_id, { upload_time: later() })), 10060004);
  });

  test('opSpecialOrder: presale delay_to 15–330 days (268546001), test orders refunded, 268546000, 268546002', async () => {
    const p = pay(emu);
    await emu.orderShipping.flush();
    const paid = emu.clock.now();
    await apiError(
      app.orderShipping.opSpecialOrder({ order_id: p.transaction_id, type: 1, delay_to: paid + 3 * DAY }),
      268546001,
    );
    await app.orderShipping.opSpecialOrder({ order_id: p.out_trade_no, type: 1, delay_to: paid + 20 * DAY });
    const t = pay(emu);
    await emu.orderShipping.flush();
    await app.orderShipping.opSpecialOrder({ order_id: t.transaction_id, type: 2 });
    assert.equal((await app.orderShipping.getOrder({ transaction_id: t.transaction_id })).order.order_state, 5);
    await apiError(app.orderShipping.opSpecialOrder({ order_id: 'unknown', type: 2 }), 268546002);
    await apiError(
      app.request({
        method: 'POST',
        path: '/wxa/sec/order/opspecialorder',
        body: { order_id: t.transaction_id, type: 3 },
      }),
      268546000,
    );
    await rejectsWith(app.orderShipping.opSpecialOrder({ order_id: 'x', type: 1 }), ValidationError);
  });

  test('isTradeManaged / isTradeManagementConfirmationCompleted follow the app switches; another appid is 40013', async () => {
    const appid = emu.defaultApp.appid;
    emu.orderShipping.setApp({ trade_managed: false, confirmation_completed: false });
    assert.equal((await app.orderShipping.isTradeManaged({ appid })).is_trade_managed, false);
    assert.equal((await app.orderShipping.isTradeManagementConfirmationCompleted({ appid })).completed, false);
    emu.orderShipping.setApp({ trade_managed: true, confirmation_completed: true });
    assert.equal((await app.orderShipping.isTradeManagementConfirmationCompleted({ appid })).completed, true);
    await apiError(app.orderShipping.isTradeManaged({ appid: 'wx1111111111111111' }), 40013);
    assert.equal((await app.orderShipping.setMsgJumpPath({ path: 'pages/order/detail' })).errcode, 0);
    assert.equal(emu.orderShipping.getApp().msg_jump_path, 'pages/order/detail');
  });

  test('validation: getOrder needs an id, notify needs received_time, upload_time must be RFC 3339', async () => {
    await rejectsWith(app.orderShipping.getOrder({} as never), ValidationError);
    await rejectsWith(app.orderShipping.getOrder({ merchant_id: '1' } as never), ValidationError);
    await rejectsWith(app.orderShipping.notifyConfirmReceive({ transaction_id: 'x' } as never), ValidationError);
    await rejectsWith(
      app.orderShipping.uploadShippingInfo(express('x', { upload_time: '2024-05-07 16:48:34' })),
      ValidationError,
    );
    await rejectsWith(
      app.orderShipping.uploadShippingInfo(express('x', { upload_time: new Date(Number.NaN) })),
      ValidationError,
    );
    await rejectsWith(app.orderShipping.uploadShippingInfo(express('x', { payer: {} as never })), ValidationError);
    await rejectsWith(app.orderShipping.getOrderList({ page_size: 0 }), ValidationError);
  });
});
