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
  r.on('event.some_future_event', (m) => void m.FromUserName); // unknown names: untyped PushMessage
  r.onAny((m, ctx) => void [m.MsgType, ctx.name, ctx.encrypted]);
  // @ts-expect-error: a reply must be an object, a string or nothing
  r.on('text', () => 42);
  assert.ok(r);
});
