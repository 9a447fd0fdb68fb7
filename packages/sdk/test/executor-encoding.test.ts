/**
 * Wire encodings the executor produces, observed on the emulator's side of a real socket.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
import { MiniApp } from '@miniapp-server/sdk';

let emu: EmulatorHandle;
let app: MiniApp;
before(async () => {
  emu = await startEmulator({ port: 0 });
  app = new MiniApp({ appId: emu.defaultApp.appid, appSecret: emu.defaultApp.secret, baseUrl: emu.url });
});
after(async () => {
  await app.close();
  await emu.close();
});

test('JSON bodies carry CJK as raw UTF-8 and omit undefined fields', async () => {
  const user = emu.createUser({});
  await emu.messages.userMessage({ openid: user.openid, content: '在吗' });
  emu.clearRequests();
  await app.customerServiceMessage.send({ touser: user.openid, msgtype: 'text', text: { content: '您好' } });
  const [r] = emu.requests({ path: '/cgi-bin/message/custom/send' });
  assert.deepEqual(r.body, { touser: user.openid, msgtype: 'text', text: { content: '您好' } });
});

test("bodyEncoding 'form' sends addTemplate as a form with repeated kidList keys (PROTOCOL §4.7)", async () => {
  emu.clearRequests();
  const { priTmplId } = await app.subscribeMessage.addTemplate(
    { tid: '99', kidList: [1, 2, 3], sceneDesc: '下单通知' },
    { bodyEncoding: 'form' },
  );
  assert.ok(priTmplId);
  const [r] = emu.requests({ path: '/wxaapi/newtmpl/addtemplate' });
  assert.equal(r.errcode, 0);
  // The emulator parsed a form (its log keeps the first value of a repeated key).
  assert.equal((r.body as Record<string, string>).tid, '99');
  assert.equal((r.body as Record<string, string>).sceneDesc, '下单通知');
  const templates = await app.subscribeMessage.getTemplateList();
  const t = templates.data.find((x: { priTmplId: string }) => x.priTmplId === priTmplId);
  assert.ok(t, 'template created');
  // All three keywords arrived: the template's content lists three {{…DATA}} slots.
  assert.equal((t.content.match(/\{\{/g) ?? []).length, 3, t.content);
});

test('a 64-bit msgid is decoded as its exact digits however the answer spaces it; text that only looks like one is left alone', async () => {
  const { createServer } = await import('node:http');
  const bodies = [
    '{"errcode":0,"errmsg":"ok","msgid":3248682510344192008}',
    '{"errcode":0,"errmsg":"ok","msgid" :\n 3248682510344192009 }',
    '{"errmsg":"ok","note":"\\"msgid\\" is ours","errcode":0,"msgid":-3248682510344192010}',
    '{"errcode":0,"errmsg":"ok","msgid":"3248682510344192011"}',
    '{"errcode":0,"errmsg":"ok"}',
  ];
  let next = 0;
  const server = createServer((req, res) => {
    req.resume();
    const body = req.url?.startsWith('/cgi-bin/stable_token')
      ? '{"access_token":"T","expires_in":7200}'
      : bodies[next++];
    res.setHeader('content-type', 'application/json; encoding=utf-8');
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const local = new MiniApp({ appId: 'wx1', appSecret: 's', baseUrl: `http://127.0.0.1:${port}` });
  const send = { touser: 'o', template_id: 't', data: { thing1: { value: 'x' } } };
  const got: unknown[] = [];
  for (let i = 0; i < bodies.length; i++) got.push(await local.subscribeMessage.send(send));
  await local.close();
  server.close();
  assert.deepEqual(
    got.map((r) => (r as { msgid?: unknown }).msgid),
    ['3248682510344192008', '3248682510344192009', '-3248682510344192010', '3248682510344192011', undefined],
  );
  assert.equal((got[2] as { note?: string }).note, '"msgid" is ours');
});

test('query names and values are percent-encoded exactly when they need it', async () => {
  emu.clearRequests();
  const query = { openid: 'o a&b=c+中/?#', 'k y': "v-_.~!*'()", plain: 'oBench_0.1~x', n: 42 };
  for (let i = 0; i < 2; i++) {
    // Twice: the second call reuses the encoded names.
    await app.request({ method: 'GET', path: '/wxa/getpaidunionid', query }).catch(() => {});
  }
  const logged = emu.requests({ path: '/wxa/getpaidunionid' });
  assert.equal(logged.length, 2);
  for (const r of logged) {
    assert.equal(r.query.openid, query.openid);
    assert.equal(r.query['k y'], query['k y']);
    assert.equal(r.query.plain, query.plain);
    assert.equal(r.query.n, '42');
  }
});
