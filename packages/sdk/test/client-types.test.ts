// Compile-time checks of the client's surface (typecheck.test.ts runs tsc over this file; the
// runtime part only builds a client, it sends nothing).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ApiName,
  type Code2SessionResult,
  EXPRESS_ACTION_TYPE,
  type ExpressActionType,
  type WaybillStatus,
  decodePrintHtml,
  type GetPhoneNumberResult,
  MiniApp,
  type WxacodeResult,
} from '@miniapp-server/sdk';

test('endpoint methods are typed by their table entries', () => {
  const app = new MiniApp({ appId: 'wx1', appSecret: 's'.repeat(32), baseUrl: 'http://127.0.0.1:9' });
  const typed = async () => {
    const s: Code2SessionResult = await app.auth.code2Session({ js_code: 'c' });
    const openid: string = s.openid;
    // @ts-expect-error js_code is required
    await app.auth.code2Session({});
    // @ts-expect-error wire names only: jsCode is not a param
    await app.auth.code2Session({ jsCode: 'c' });
    const p: GetPhoneNumberResult = await app.phonenumber.getPhoneNumber({ code: 'x' });
    const cc: string = p.phone_info.countryCode; // a string on the wire
    // @ts-expect-error getPaidUnionId needs transaction_id or mch_id + out_trade_no
    await app.auth.getPaidUnionId({ openid: 'o', mch_id: 'm' });
    await app.auth.getPaidUnionId({ openid: 'o', mch_id: 'm', out_trade_no: 'n' });
    for await (const o of app.orderShipping.iterateOrders({ order_state: 1 })) void o.merchant_trade_no;
    await app.orderShipping.uploadShippingInfo(
      {
        order_key: { order_number_type: 1, mchid: 'm', out_trade_no: 'n' },
        logistics_type: 3,
        delivery_mode: 1,
        shipping_list: [{ item_desc: 'x' }],
        upload_time: new Date(),
        payer: { openid: 'o' },
      },
      { retryOrderNotFound: true },
    );
    // @ts-expect-error a type-2 order key carries transaction_id, not mchid
    void ({ order_number_type: 2, mchid: 'm' } satisfies import('@miniapp-server/sdk').OrderKey);
    // @ts-expect-error unoin_id is spelled as WeChat sends it
    void (await app.riskControl.getUserRiskRank({ appid: 'a', openid: 'o', scene: 0, client_ip: 'i' })).union_id;
    const vaild: boolean = (await app.auth.checkEncryptedData({ encryptedData: 'x' })).vaild;
    void vaild;
    const code: WxacodeResult = await app.wxacode.getUnlimited({ scene: 'a=1' });
    const bytes: Buffer = code.data;
    const sent = await app.subscribeMessage.send({ touser: 'o', template_id: 't', data: { thing1: { value: 'x' } } });
    const msgid: string | undefined = sent.msgid; // > 2^53: a string
    await app.customerServiceMessage.send({ touser: 'o', msgtype: 'text', text: { content: 'hi' } });
    // @ts-expect-error the payload must match msgtype
    await app.customerServiceMessage.send({ touser: 'o', msgtype: 'image', text: { content: 'hi' } });
    await app.auth.getAccessToken(); // parameterless
    // @ts-expect-error not an API of this client
    await app.auth.nope();
    const name: ApiName = 'ocr.vehicleLicense';
    // @ts-expect-error not an official name
    const bad: ApiName = 'ocr.driving';
    await app.accessToken({ forceRefresh: true });
    await app.auth.checkSessionKey({ openid: 'o', session_key: 'k' }, { timeoutMs: 1000, maxRetries: 0 });
    void [openid, cc, bytes, msgid, name, bad];
  };
  assert.equal(typeof typed, 'function');
  void app.close();
});

test('logistics: open action types, wire-named params, parameterless GETs', () => {
  const app = new MiniApp({ appId: 'wx1', appSecret: 's'.repeat(32), baseUrl: 'http://127.0.0.1:9' });
  const typed = async () => {
    const path = await app.logistics.getPath({ order_id: 'o', delivery_id: 'SF', waybill_id: 'w' });
    const t: ExpressActionType = path.path_item_list[0]?.action_type ?? EXPRESS_ACTION_TYPE.PICKED_UP;
    const unknown: ExpressActionType = 3000019; // any number is accepted
    await app.logistics.getAllDelivery(); // GET, no params
    await app.logistics.updatePrinter({ openid: 'o', update_type: 'bind', tagid_list: [1, 2] });
    // @ts-expect-error update_type is bind | unbind
    await app.logistics.updatePrinter({ openid: 'o', update_type: 'add' });
    const html: string = decodePrintHtml(await app.logistics.getOrder({ order_id: 'o', delivery_id: 'SF' }));
    const q = await app.logisticsService.queryTrace({ waybill_token: 't' });
    const s: WaybillStatus = q.waybill_info.status;
    // @ts-expect-error wire names only
    await app.logisticsService.getReturn({ returnId: 'r' });
    void [t, unknown, html, s];
  };
  assert.equal(typeof typed, 'function');
  void app.close();
});
