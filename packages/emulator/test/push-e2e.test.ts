// End to end: the emulator (WeChat's side) pushes to an app built on the SDK's PushReceiver.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DEMO_USER, type EmulatorHandle } from '@miniapp-server/emulator';
import { type PushMessage, PushReceiver } from '@miniapp-server/sdk';
import messages from '../src/areas/messages/index.js';
import push from '../src/areas/push/index.js';
import { client, start } from './helpers.js';

const TOKEN = 'e2e-token';
const KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';

describe('emulator → SDK receiver', () => {
  let emu: EmulatorHandle;
  let server: Server;
  const received: PushMessage[] = [];
  let failNext = 0;

  before(async () => {
    emu = await start({ areas: [messages, push] });
    const receiver = new PushReceiver({
      token: TOKEN,
      appId: emu.defaultApp.appid,
      encodingAESKey: KEY,
      requireEncryption: true,
      // The emulator's clock is frozen in the past: the app shares it, as a real app shares real time.
      now: () => emu.clock.nowMs(),
      logger: { warn() {}, error() {} },
    });
    receiver.on('text', (m) => {
      received.push(m);
      return {
        ToUserName: m.FromUserName,
        FromUserName: m.ToUserName,
        CreateTime: m.CreateTime,
        MsgType: 'text',
        Content: `echo: ${m.Content}`,
      };
    });
    receiver.on('event.debug_demo', (e) => {
      received.push(e);
      if (failNext-- > 0) throw new Error('not yet');
    });
    receiver.on('event.user_enter_tempsession', (e) => void received.push(e));
    server = createServer(receiver.nodeHandler());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat/push`;
    const http = client(emu);
    for (const format of ['json', 'xml']) {
      // Configured through the admin API, as a developer would.
      const res = await http.admin('PUT', `apps/${emu.defaultApp.appid}`, {
        push: { url, token: TOKEN, encodingAESKey: KEY, mode: 'safe', format },
      });
      assert.equal(res.status, 200, res.text);
    }
  });
  after(async () => {
    await emu.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  test('a user message sent through the admin API reaches the handler; the reply is recorded decrypted', async () => {
    const http = client(emu);
    const res = await http.admin('POST', 'push/user-message', { openid: DEMO_USER.openid, Content: '在吗？' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.status, 'delivered');
    const got = received.at(-1) as PushMessage;
    assert.equal(got.Content, '在吗？');
    assert.equal(got.FromUserName, DEMO_USER.openid);
    assert.equal(got.ToUserName, emu.defaultApp.originalId);
    assert.equal(typeof got.MsgId, 'string');
    assert.equal(got.MsgId, res.json.message.MsgId);

    const deliveries = await http.admin('GET', 'push/deliveries?name=text');
    const last = deliveries.json.at(-1);
    assert.equal(last.attempts.length, 1);
    assert.ok(last.attempts[0].body.startsWith('<xml><ToUserName>'));
    assert.ok(!last.attempts[0].body.includes('在吗'));
    assert.deepEqual(last.reply, {
      kind: 'message',
      encrypted: true,
      message: {
        ToUserName: DEMO_USER.openid,
        FromUserName: emu.defaultApp.originalId,
        CreateTime: got.CreateTime,
        MsgType: 'text',
        Content: 'echo: 在吗？',
      },
    });
    // The user message opened the messaging area's 48 h window.
    const window = await http.admin('GET', `messages/window?openid=${DEMO_USER.openid}`);
    assert.equal(window.json.open, true);
  });

  test('a failing handler gets WeChat retry semantics: 500, retried, handled once it succeeds', async () => {
    const before = received.length;
    failNext = 1;
    const d = await emu.push.debugDemo({ debug_str: 'retry me' });
    assert.equal(d.status, 'delivered');
    assert.deepEqual(
      d.attempts.map((a: { status: number }) => a.status),
      [500, 200],
    );
    assert.deepEqual(d.reply, { kind: 'success' });
    assert.equal(received.length - before, 2);
    const enter = await emu.push.enterSession({ openid: DEMO_USER.openid, SessionFrom: 'order-42' });
    assert.equal(enter.status, 'delivered');
    assert.equal((received.at(-1) as PushMessage).SessionFrom, 'order-42');
  });
});
