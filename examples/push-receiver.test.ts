// The example receiver runs as documented, against the emulator.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
// @ts-expect-error: a plain .mjs example without type declarations
import { startPushReceiver } from './push-receiver.mjs';

const push = { token: 'example-token', encodingAESKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR' };
let emu: EmulatorHandle;
let app: { url: string; received: any[]; close(): Promise<void> };

before(async () => {
  emu = await startEmulator();
  app = await startPushReceiver({ ...push, appId: emu.defaultApp.appid, now: () => emu.clock.nowMs(), log: () => {} });
});
after(async () => {
  await app.close();
  await emu.close();
});

test('the example answers user messages and acknowledges update_waybill_status (compatible mode, XML)', async () => {
  emu.updateApp(emu.defaultApp.appid, { push: { url: app.url, ...push, mode: 'compatible', format: 'xml' } });
  const [user] = emu.listUsers(emu.defaultApp.appid);
  const text = await emu.push.userMessage({ openid: user.openid, Content: 'hi' });
  assert.equal(text.status, 'delivered');
  assert.equal(text.reply.message.Content, '收到：hi');

  const waybill = await emu.push.send({
    message: {
      FromUserName: 'oWeChatDeliveryTeam',
      MsgType: 'event',
      Event: 'update_waybill_status',
      shopid: 'S1',
      shop_order_id: 'O1',
      shop_no: 'N1',
      waybill_id: 'W1',
      action_time: emu.clock.now(),
      order_status: 102,
      action_msg: '',
      agent: { name: '张三', phone: '13800000000', reach_time: emu.clock.now() + 600 },
    },
  });
  assert.equal(waybill.status, 'delivered');
  assert.equal(waybill.reply.encrypted, true);
  assert.equal(waybill.reply.message.resultcode, 0);
  assert.equal(app.received.at(-1).agent.name, '张三');
});
