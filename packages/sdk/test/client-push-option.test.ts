import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MiniApp, createSignedPush, decryptMessage } from '@miniapp-server/sdk';

const encodingAESKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

test('MiniApp({ push }) exposes app.push bound to its own appid', async () => {
  const app = new MiniApp({
    appId: 'wxpushoption00001',
    appSecret: 's'.repeat(32),
    push: { token: 'tok', encodingAESKey },
  });
  assert.ok(app.push);
  const got: unknown[] = [];
  app.push.on('text', (m) => {
    got.push(m.Content);
    return { MsgType: 'text', Content: 'pong' };
  });
  const message = {
    ToUserName: 'gh_x',
    FromUserName: 'o1',
    CreateTime: 1,
    MsgType: 'text',
    Content: 'ping',
    MsgId: '1',
  };
  const signed = createSignedPush({
    token: 'tok',
    encodingAESKey,
    appId: 'wxpushoption00001',
    message,
    format: 'json',
    mode: 'safe',
  });
  const res = await app.push.handle({ method: 'POST', query: signed.query, body: signed.body });
  assert.equal(res.status, 200);
  assert.deepEqual(got, ['ping']);
  const reply = JSON.parse(res.body);
  assert.ok(reply.Encrypt && reply.MsgSignature && reply.TimeStamp && reply.Nonce, 'PascalCase encrypted envelope');
  assert.match(decryptMessage({ encodingAESKey, appId: 'wxpushoption00001', encrypt: reply.Encrypt }), /pong/);

  // A push encrypted for another appid never reaches the handler.
  const other = createSignedPush({
    token: 'tok',
    encodingAESKey,
    appId: 'wxanother000001',
    message,
    format: 'json',
    mode: 'safe',
  });
  const rejected = await app.push.handle({ method: 'POST', query: other.query, body: other.body });
  assert.equal(rejected.status, 401);
  assert.equal(got.length, 1);
  await app.close();
});

test('without the push option there is no receiver', async () => {
  const app = new MiniApp({ appId: 'wx1', appSecret: 's'.repeat(32) });
  assert.equal(app.push, undefined);
  await app.close();
});
