// Compile-time checks of the event map (tsc runs them; the runtime part only registers handlers).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PushReceiver } from '../src/index.js';

test('event names narrow the payload type', () => {
  const r = new PushReceiver({ token: 't', appId: 'wx1', logger: { warn() {}, error() {} } });
  r.on('event.update_waybill_status', (e) => {
    const status: number = e.order_status;
    // @ts-expect-error: order_status is a number
    const wrong: string = e.order_status;
    void [status, wrong];
  });
  r.on('text', async (m) => {
    const id: string = m.MsgId; // 64-bit: a string
    void id;
  });
  r.on('event.subscribe_msg_popup_event', (e) => e.SubscribeMsgPopupEvent.List.map((i) => i.TemplateId).join());
  r.on('event.add_express_path', (e) => void e.Actions[0]?.ActionMsg);
  r.on('event.wxa_media_check', (e) => {
    if (e.version === 2) {
      const code: number = e.errcode; // v2: errcode (-1008 = download failed)
      void [code, e.result?.suggest, e.detail?.[0]?.label];
    } else {
      const risky: number = e.isrisky; // v1: isrisky + status_code
      void [risky, e.status_code];
      // @ts-expect-error: v1 pushes have no result
      void e.result.suggest;
    }
  });
  r.on('event.trade_manage_order_settlement', (e) => {
    const shipped: number = e.shipped_time;
    const settled: number | undefined = e.settlement_time;
    // @ts-expect-error: the merchant order number is merchant_trade_no here, not out_trade_no
    void e.out_trade_no.length;
    void [shipped, settled, e.merchant_trade_no.length];
  });
  r.on('event.trade_manage_remind_shipping', (e) => void e.transaction_id.length);
  r.on('event.trade_manage_remind_access_api', (e) => void e.msg.length);
  r.on('event.some_future_event', (m) => void m.FromUserName); // unknown names: untyped PushMessage
  r.onAny((m, ctx) => void [m.MsgType, ctx.name, ctx.encrypted]);
  // @ts-expect-error: a reply must be an object, a string or nothing
  r.on('text', () => 42);
  assert.ok(r);
});
