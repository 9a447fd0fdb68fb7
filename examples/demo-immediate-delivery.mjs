// The demo's immediate-delivery steps (即时配送): a sandbox order is quoted and placed, and a
// simulated rider delivers it on the emulator's virtual clock while the backend's push receiver
// prints every update_waybill_status. Same shape as demo-steps.mjs: [title, async ({ emu, app, state }) => output].
import { DEMO_USER } from '@miniapp-server/emulator';
import { DeliveryError, isTerminal, orderStatusLabel } from '@miniapp-server/sdk';
import { startPushReceiver } from './push-receiver.mjs';

const PUSH = { token: 'demo-push-token', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };

/** The sandbox order: a coffee from a shop on 花城大道 to an office about 2 km away (GCJ-02 coordinates). */
function sandboxOrder(openid, shop_order_id) {
  return {
    shopid: 'test_shop_id', // the sandbox account; its secret is built into the SDK
    shop_order_id,
    delivery_id: 'TEST',
    openid,
    sender: {
      name: '好味咖啡',
      city: '广州市',
      address: '天河区珠江新城',
      address_detail: '花城大道 85 号',
      phone: '02088880000',
      lng: 113.324521,
      lat: 23.118865,
    },
    receiver: {
      name: '张三',
      city: '广州市',
      address: '天河区天河北路',
      address_detail: '中信广场 12 楼',
      phone: '13800138000',
      lng: 113.33452,
      lat: 23.134521,
    },
    cargo: { goods_value: 42.5, goods_weight: 0.8, cargo_first_class: '甜品饮料', cargo_second_class: '咖啡' },
    order_info: { order_time: Math.floor(Date.now() / 1000), is_finish_code_needed: 1 },
    shop: {
      wxa_path: 'pages/order/order',
      img_url: 'https://example.com/latte.png',
      goods_name: '拿铁',
      goods_count: 2,
    },
  };
}

/** The backend's push receiver (safe mode + JSON, as WeChat asks for this family); started by the push step when it ran. */
async function receiverOf({ emu, app, state }) {
  if (!state.receiver) {
    state.receiver = await startPushReceiver({
      ...PUSH,
      appId: app.appId,
      now: () => emu.clock.nowMs(),
      log: () => {},
    });
    emu.updateApp(app.appId, { push: { url: state.receiver.url, ...PUSH, mode: 'safe', format: 'json' } });
  }
  return state.receiver;
}

const clock = (unix) => new Date(unix * 1000).toISOString().slice(11, 19);

/** @type {Array<[string, (ctx: any) => Promise<unknown>]>} */
export const deliverySteps = [
  [
    'immediateDelivery.getAllImmeDelivery + getBindAccount: carriers and bound accounts',
    async ({ app }) => {
      const { list } = await app.immediateDelivery.getAllImmeDelivery();
      const { shop_list } = await app.immediateDelivery.getBindAccount();
      return {
        carriers: list.map((c) => `${c.delivery_id} ${c.delivery_name}`).join(', '),
        accounts: shop_list.map((s) => `${s.delivery_id}/${s.shopid}`).join(', '),
      };
    },
  ],
  [
    'immediateDelivery.preAddOrder: a quote (delivery_sign computed by the SDK)',
    async ({ app, state }) => {
      state.deliveryOrder = sandboxOrder(state.user?.openid ?? DEMO_USER.openid, `demo-${Date.now()}`);
      const q = await app.immediateDelivery.preAddOrder(state.deliveryOrder);
      return `fee ¥${q.fee} (delivery ¥${q.deliverfee} − coupon ¥${q.couponfee}), ${q.distance} m, a rider in ~${q.dispatch_duration} s`;
    },
  ],
  [
    'immediateDelivery.addOrder: the order is placed (status 101)',
    async ({ app, emu, state }) => {
      await receiverOf({ emu, app, state });
      const r = await app.immediateDelivery.addOrder(state.deliveryOrder);
      state.waybill = r.waybill_id;
      return { waybill_id: r.waybill_id, order_status: r.order_status, finish_code: r.finish_code };
    },
  ],
  [
    'a wrong delivery_sign: the carrier refuses (DeliveryError, errcode 0, resultcode ≠ 0)',
    async ({ app, state }) => {
      try {
        await app.immediateDelivery.getOrder({
          shopid: 'test_shop_id',
          shop_order_id: state.deliveryOrder.shop_order_id,
          delivery_sign: '0'.repeat(40),
        });
        throw new Error('expected a DeliveryError');
      } catch (err) {
        if (!(err instanceof DeliveryError)) throw err;
        return { errcode: err.errcode, resultcode: err.resultcode, resultmsg: err.resultmsg };
      }
    },
  ],
  [
    'the simulated rider delivers it: each update_waybill_status push as the virtual clock moves',
    async ({ app, emu, state }) => {
      const receiver = await receiverOf({ emu, app, state });
      const mine = () => receiver.received.filter((m) => m.waybill_id === state.waybill);
      const lines = [];
      let printed = 0;
      for (let minute = 1; minute <= 60; minute++) {
        emu.advanceClock(60);
        await emu.delivery.sync(); // due rider steps taken, their pushes delivered to the receiver
        const pushes = mine();
        const g = await app.immediateDelivery.getOrder({
          shopid: 'test_shop_id',
          shop_order_id: state.deliveryOrder.shop_order_id,
        });
        for (const p of pushes.slice(printed)) {
          const rider = p.agent?.name ? ` · ${p.agent.name} ${p.agent.phone}` : '';
          const eta = p.agent?.reach_time ? ` · ETA ${clock(p.agent.reach_time)}` : '';
          lines.push(
            `${clock(p.action_time)}  push ${p.order_status} ${orderStatusLabel(p.order_status)}${rider}${eta}`,
          );
        }
        printed = pushes.length;
        if (g.order_status === 301 && g.rider_lng) {
          lines.push(`          getOrder: rider at ${g.rider_lng}, ${g.rider_lat}, ${g.reach_time} s to go`);
        }
        if (isTerminal(g.order_status)) break;
      }
      const last = mine().at(-1);
      if (last?.order_status !== 302) throw new Error(`the order ended in ${last?.order_status}, not 302`);
      return lines.join('\n');
    },
  ],
];
