// The demo's logistics steps (物流助手 + 物流服务): ship a sandbox parcel, save the printed waybill,
// hand the waybill to the tracking component, watch the parcel's path arrive as add_express_path
// pushes. Same shape as demo-steps.mjs: each step gets { emu, app, state } and returns what to print.
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPRESS_ACTION_TYPE, WAYBILL_STATUS, decodePrintHtml } from '@miniapp-server/sdk';

const STATUS_NAME = Object.fromEntries(Object.entries(WAYBILL_STATUS).map(([k, v]) => [v, k]));

/** @type {Array<[string, (ctx: any) => Promise<unknown>]>} */
export const logisticsSteps = [
  [
    'logistics.addOrder: ship a sandbox parcel (TEST / test_biz_id)',
    async ({ app, emu, state }) => {
      state.user ??= emu.createUser({});
      const r = await app.logistics.addOrder({
        add_source: 0,
        order_id: `demo-${Date.now()}`,
        openid: state.user.openid,
        delivery_id: 'TEST',
        biz_id: 'test_biz_id',
        custom_remark: '易碎，轻放',
        sender: {
          name: '小程序商家',
          mobile: '13800138000',
          province: '广东省',
          city: '广州市',
          area: '海珠区',
          address: '新港中路 397 号',
        },
        receiver: {
          name: '张三',
          mobile: '13900139000',
          province: '北京市',
          city: '北京市',
          area: '海淀区',
          address: '中关村大街 1 号',
        },
        cargo: {
          count: 1,
          weight: 1.5,
          space_x: 30,
          space_y: 20,
          space_z: 10,
          detail_list: [{ name: '茶具', count: 1 }],
        },
        shop: { detail_list: [{ goods_name: '青瓷茶具', goods_img_url: 'https://example.com/tea-set.png' }] },
        insured: { use_insured: 1, insured_value: 29900 },
        service: { service_type: 1, service_name: 'test_service_name' },
      });
      state.parcel = r;
      return r;
    },
  ],
  [
    'logistics.getOrder: the waybill as printed (print_html, Base64) saved to a file',
    async ({ app, state }) => {
      const { order_id, waybill_id } = state.parcel;
      const order = await app.logistics.getOrder({
        order_id,
        openid: state.user.openid,
        delivery_id: 'TEST',
        waybill_id,
      });
      const html = decodePrintHtml(order);
      const dir = join(tmpdir(), 'miniapp-server-demo');
      await mkdir(dir, { recursive: true });
      const file = join(dir, `waybill-${waybill_id}.html`);
      await writeFile(file, html);
      return { file, bytes: Buffer.byteLength(html), open: `file://${file}` };
    },
  ],
  [
    'logisticsService.traceWaybill: hand the waybill to the tracking component',
    async ({ app, state }) => {
      const { waybill_token } = await app.logisticsService.traceWaybill({
        openid: state.user.openid,
        receiver_phone: '13900139000',
        waybill_id: state.parcel.waybill_id,
        delivery_id: 'TEST',
        goods_info: { detail_list: [{ goods_name: '青瓷茶具', goods_img_url: 'https://example.com/tea-set.png' }] },
        trans_id: '4200000000202612010001',
        order_detail_path: `pages/order/detail?id=${state.parcel.order_id}`,
      });
      state.waybill_token = waybill_token;
      const q = await app.logisticsService.queryTrace({ waybill_token });
      return { waybill_token, status: STATUS_NAME[q.waybill_info.status] };
    },
  ],
  [
    'the parcel travels: testUpdateOrder, then the journey on the virtual clock; each add_express_path push',
    async ({ app, emu, state }) => {
      const { order_id, waybill_id } = state.parcel;
      await app.logistics.testUpdateOrder({
        biz_id: 'test_biz_id',
        order_id,
        delivery_id: 'TEST',
        waybill_id,
        action_time: Math.floor(emu.clock.nowMs() / 1000),
        action_type: EXPRESS_ACTION_TYPE.PICKED_UP,
        action_msg: '快递员已揽件',
      });
      await emu.logistics.tick(); // let that node's push arrive before the clock jumps
      // The rest of the way by itself: one node an hour on the virtual clock, a day in one jump.
      emu.logistics.setAuto({ waybill_id, auto: true });
      emu.advanceClock(86400);
      await emu.logistics.tick();
      const pushes = (state.receiver?.received ?? []).filter(
        (m) => m.Event === 'add_express_path' && m.WayBillId === waybill_id,
      );
      if (pushes.length === 0) return 'no push receiver is configured (the push step did not run)';
      return pushes.map((e) => {
        const last = e.Actions[e.Actions.length - 1];
        return `v${e.Version} (${e.Count} nodes) ${last.ActionType} ${last.ActionMsg}`;
      });
    },
  ],
  [
    'logisticsService.queryTrace + logistics.getPath: what the tracking component shows now',
    async ({ app, state }) => {
      const { order_id, waybill_id } = state.parcel;
      const q = await app.logisticsService.queryTrace({ waybill_token: state.waybill_token });
      const path = await app.logistics.getPath({ order_id, delivery_id: 'TEST', waybill_id });
      return { status: STATUS_NAME[q.waybill_info.status], nodes: path.path_item_num };
    },
  ],
];
