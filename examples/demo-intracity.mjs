// The demo's 同城配送 steps: the API security layer switched on with a generated test key set, a
// store charged, an order placed, and its status callbacks received and verified on the virtual clock.
import { createServer } from 'node:http';
import { IntracityCallbackReceiver, MiniApp } from '@miniapp-server/sdk';

const TOKEN = 'demo-intracity-token';

/** @type {Array<[string, (ctx: any) => Promise<unknown>]>} */
export const intracitySteps = [
  [
    'API security: the emulator generates a key set; a client with the four MP values + the platform certificate',
    async ({ emu, state }) => {
      const keys = emu.apiSecurity.generate();
      state.secure = new MiniApp({
        appId: emu.defaultApp.appid,
        appSecret: emu.defaultApp.secret,
        baseUrl: emu.url,
        clock: { now: () => emu.clock.nowMs() },
        apiSecurity: keys.client,
      });
      const { code } = emu.createPhoneCode({ phoneNumber: '13800138000' });
      const phone = await state.secure.phonenumber.getPhoneNumber({ code });
      const logged = emu.requests({ path: '/wxa/business/getuserphonenumber' }).at(-1);
      return {
        symmetricKeySn: keys.client.symmetricKeySn,
        platformCertificate: Object.keys(keys.client.platformCertificates)[0],
        on_the_wire: Object.keys(logged.body).join(','),
        decrypted_by_the_sdk: phone.phone_info.purePhoneNumber,
      };
    },
  ],
  [
    'intracity: apply, create a store, charge 100 元 of DADA balance, quote',
    async ({ emu, state }) => {
      const ic = state.secure.intracity;
      emu.intracity.setApp({ callbackToken: TOKEN });
      state.callbacks = [];
      const receiver = new IntracityCallbackReceiver({ token: TOKEN, onCallback: (cb) => state.callbacks.push(cb) });
      state.icServer = createServer(receiver.nodeHandler());
      await new Promise((r) => state.icServer.listen(0, '127.0.0.1', r));
      state.callbackUrl = `http://127.0.0.1:${state.icServer.address().port}/intracity`;
      await ic.apply();
      const address_info = {
        province: '北京市',
        city: '北京市',
        area: '海淀区',
        house: '中关村大街1号',
        lat: 39.98,
        lng: 116.31,
        phone: '13800000000',
      };
      const store = await ic.createStore({ out_store_id: 'demo-store-1', store_name: '中关村店', address_info });
      state.wx_store_id = store.wx_store_id;
      await ic.storeCharge({ wx_store_id: store.wx_store_id, service_trans_id: 'DADA', amount: 10_000 });
      state.icReceiver = { user_name: '张三', user_phone: '13900000000', user_address: '北京市海淀区学院路1号' };
      state.icTo = { user_lat: 39.99, user_lng: 116.35 };
      state.icCargo = { cargo_name: '午餐', cargo_weight: 1200, cargo_price: 3800, cargo_type: 1, cargo_num: 2 };
      const quote = await ic.preAddOrder({
        wx_store_id: store.wx_store_id,
        ...state.icReceiver,
        ...state.icTo,
        cargo: state.icCargo,
      });
      return { wx_store_id: store.wx_store_id, quote };
    },
  ],
  [
    'intracity.addOrder, then the rider moves on the virtual clock; callbacks verified by the SDK receiver',
    async ({ emu, state }) => {
      const ic = state.secure.intracity;
      const order = await ic.addOrder({
        wx_store_id: state.wx_store_id,
        store_order_id: 'demo-order-1',
        user_openid: 'oDemoUser000000000000000000',
        order_detail_path: 'pages/order/detail?id=1',
        callback_url: state.callbackUrl,
        cargo: state.icCargo,
        ...state.icReceiver,
        ...state.icTo,
      });
      for (const seconds of [60, 300, 120, 3600]) {
        emu.clock.advance(seconds);
        emu.intracity.tick();
      }
      await emu.intracity.idle();
      const q = await ic.queryOrder({ wx_order_id: order.wx_order_id });
      const balance = await ic.balanceQuery({ wx_store_id: state.wx_store_id });
      await state.secure.close();
      await new Promise((r) => state.icServer.close(r));
      return {
        wx_order_id: order.wx_order_id,
        fee_fen: order.fee,
        callbacks: state.callbacks.map((c) => c.order_status).join(' → '),
        final_status: q.order_status,
        rider: q.transporter_info?.transporter_name,
        balance_left_fen: balance.all_balance,
      };
    },
  ],
];
