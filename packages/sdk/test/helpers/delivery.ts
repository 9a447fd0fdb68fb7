// Shared pieces of the immediate-delivery tests: an order body and an app (SDK client + push
// receiver in safe mode, JSON, as WeChat asks for this family) wired to a real emulator.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
import {
  type DeliveryAddOrderParams,
  MiniApp,
  type MiniAppOptions,
  type UpdateWaybillStatusEvent,
} from '@miniapp-server/sdk';

export const T0 = 1_700_000_000;
export const OPENID = 'oDeliveryUser0000000000000A';
const PUSH = { token: 'delivery-push-token', encodingAESKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR' };

/** 广州: a shop near 珠江新城 and a customer about 2 km north-east (GCJ-02). */
export const SENDER = {
  name: '好味咖啡',
  city: '广州市',
  address: '天河区珠江新城',
  address_detail: '花城大道 85 号',
  phone: '02088880000',
  lng: 113.324521,
  lat: 23.118865,
};
export const RECEIVER = {
  name: '张三',
  city: '广州市',
  address: '天河区天河北路',
  address_detail: '中信广场 12 楼',
  phone: '13800138000',
  lng: 113.33452,
  lat: 23.134521,
};

export function order(shop_order_id: string, extra: Partial<DeliveryAddOrderParams> = {}): DeliveryAddOrderParams {
  return {
    shopid: 'test_shop_id',
    shop_order_id,
    shop_no: 'store-1',
    delivery_id: 'TEST',
    openid: OPENID,
    sender: SENDER,
    receiver: RECEIVER,
    cargo: {
      goods_value: 42.5,
      goods_weight: 1.2,
      cargo_first_class: '甜品饮料',
      cargo_second_class: '咖啡',
      goods_detail: { goods: [{ good_count: 2, good_name: '拿铁', good_price: 21.25 }] },
    },
    order_info: { order_time: T0, is_finish_code_needed: 1 },
    shop: {
      wxa_path: 'pages/order/order',
      img_url: 'https://example.com/latte.png',
      goods_name: '拿铁',
      goods_count: 2,
    },
    ...extra,
  };
}

export interface DeliveryWorld {
  emu: EmulatorHandle;
  app: MiniApp;
  /** Every update_waybill_status the app's receiver handled, in arrival order. */
  pushes: UpdateWaybillStatusEvent[];
  close(): Promise<void>;
}

/** Emulator (frozen clock), an app with push configured (safe + JSON), and the user. */
export async function deliveryWorld(options: Partial<MiniAppOptions> = {}): Promise<DeliveryWorld> {
  const emu = await startEmulator({ clock: { start: T0, frozen: true } });
  const app = new MiniApp({
    appId: emu.defaultApp.appid,
    appSecret: emu.defaultApp.secret,
    baseUrl: emu.url,
    maxRetries: 0,
    clock: { now: () => emu.clock.nowMs() },
    push: { ...PUSH, requireEncryption: true, now: () => emu.clock.nowMs(), logger: { warn() {}, error() {} } },
    ...options,
  });
  const pushes: UpdateWaybillStatusEvent[] = [];
  app.push!.on('event.update_waybill_status', (e) => {
    pushes.push(e);
    return { resultcode: 0, resultmsg: 'ok' };
  });
  const server: Server = createServer(app.push!.nodeHandler());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
  emu.updateApp(emu.defaultApp.appid, { push: { url, ...PUSH, mode: 'safe', format: 'json' } });
  emu.createUser({ openid: OPENID });
  return {
    emu,
    app,
    pushes,
    close: async () => {
      await app.close();
      await emu.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
