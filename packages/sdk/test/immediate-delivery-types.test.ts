// Compile-time checks of the immediate-delivery types (tsc runs them through typecheck.test.ts;
// the runtime part only builds a client).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type DeliveryAddOrderResult,
  type DeliveryOrder,
  MiniApp,
  ORDER_STATUS,
  type OrderStatus,
  type UpdateWaybillStatusEvent,
} from '../src/index.js';

test('order params, results and statuses are typed', () => {
  const app = new MiniApp({ appId: 'wx1', accessToken: async () => 't', delivery: { secrets: { s1: 'secret-1' } } });
  const call = async (o: DeliveryOrder) => {
    const r: DeliveryAddOrderResult = await app.immediateDelivery.addOrder(o);
    const fee: number = r.fee;
    const waybill: string = r.waybill_id;
    const known: OrderStatus = ORDER_STATUS.DELIVERED;
    const unknown: OrderStatus = 1; // undocumented codes are still statuses
    // @ts-expect-error: tips is a number of yuan
    await app.immediateDelivery.addTip({ shopid: 's1', shop_order_id: 'o', waybill_id: 'w', tips: '2' });
    // @ts-expect-error: cancel_reason_id is 1..6 and required for cancelOrder
    await app.immediateDelivery.cancelOrder({ shopid: 's1', shop_order_id: 'o', delivery_id: 'TEST' });
    // @ts-expect-error: receiver is required
    const noReceiver: DeliveryOrder = { ...o, receiver: undefined };
    void [fee, waybill, known, unknown, noReceiver];
  };
  const handler = (e: UpdateWaybillStatusEvent) => {
    const eta: number | undefined = e.agent?.reach_time;
    // @ts-expect-error: order_status is a number
    const s: string = e.order_status;
    void [eta, s];
  };
  app.push?.on('event.update_waybill_status', () => ({ resultcode: 0, resultmsg: 'ok' }));
  assert.equal(typeof call, 'function');
  assert.equal(typeof handler, 'function');
});
