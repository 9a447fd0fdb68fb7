#!/usr/bin/env node
// A message-push receiver on node's http server: answers customer-service messages, acknowledges
// delivery-status pushes, logs everything else.
//
//   node examples/push-receiver.mjs            # starts an emulator, points its push config here,
//                                              # sends a user message and prints the delivery
//
// From other code (the demo): `const r = await startPushReceiver({ token, appId, encodingAESKey })`.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { PushReceiver } from '@miniapp-server/sdk';

/**
 * Starts a receiver on 127.0.0.1 (a free port by default).
 * @returns {Promise<{ url: string, receiver: PushReceiver, received: object[], close(): Promise<void> }>}
 */
export async function startPushReceiver({
  token,
  appId,
  encodingAESKey,
  port = 0,
  path = '/wechat/push',
  now,
  log = console.log,
}) {
  const receiver = new PushReceiver({ token, appId, encodingAESKey, now });
  const received = [];

  receiver.on('text', (msg) => {
    received.push(msg);
    log(`push: ${msg.FromUserName} says "${msg.Content}" (MsgId ${msg.MsgId})`);
    // A passive reply, serialised in the request's format and encrypted when the push was.
    return {
      ToUserName: msg.FromUserName,
      FromUserName: msg.ToUserName,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'text',
      Content: `收到：${msg.Content}`,
    };
  });

  receiver.on('event.update_waybill_status', (e) => {
    received.push(e);
    log(`push: order ${e.shop_order_id} is now ${e.order_status}`);
    return {
      ToUserName: e.FromUserName,
      FromUserName: e.ToUserName,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'event',
      Event: 'update_waybill_status',
      resultcode: 0,
      resultmsg: 'ok',
    };
  });

  receiver.onAny((msg, ctx) => {
    if (ctx.name !== 'text' && ctx.name !== 'event.update_waybill_status') {
      received.push(msg);
      log(`push: ${ctx.name}`);
    }
  });
  receiver.onError((err, _msg, ctx) => log(`push handler for ${ctx.name} failed: ${err.message}`));

  const handler = receiver.nodeHandler();
  const server = createServer((req, res) => {
    if (req.url?.split('?')[0] === path) return handler(req, res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}${path}`;
  return {
    url,
    receiver,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Run directly: a self-contained tour against the emulator.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { startEmulator } = await import('@miniapp-server/emulator');
  const emu = await startEmulator();
  const { appid } = emu.defaultApp;
  const push = { token: 'demo-push-token', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };
  const app = await startPushReceiver({ ...push, appId: appid, now: () => emu.clock.nowMs() });
  emu.updateApp(appid, { push: { url: app.url, ...push, mode: 'safe', format: 'json' } });
  console.log(`receiver at ${app.url} (safe mode, JSON), emulator at ${emu.url}`);

  const [user] = emu.listUsers(appid);
  const delivery = await emu.push.userMessage({ openid: user.openid, Content: '你好' });
  console.log(`delivery ${delivery.id}: ${delivery.status} after ${delivery.attempts.length} attempt(s)`);
  console.log('reply the emulator decrypted:', delivery.reply.message);
  await emu.push.debugDemo({ debug_str: 'hello from the console' });

  await app.close();
  await emu.close();
}
