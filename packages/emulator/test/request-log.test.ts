// The request log keeps the newest 5,000 requests in order, however many came before.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import { start } from './helpers.js';

let emu: EmulatorHandle;
before(async () => {
  emu = await start();
});
after(() => emu.close());

it('keeps the newest 5,000 entries in order past the cap, masks the token, and clears', async () => {
  const total = 5000 * 2 + 123;
  let sent = 0;
  const worker = async () => {
    while (sent < total) {
      const i = ++sent;
      const r = await fetch(`${emu.url}/wxa/getpaidunionid?access_token=tok-${i}&openid=o${i}`);
      await r.text();
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const log = emu.requests({ path: '/wxa/getpaidunionid' });
  assert.equal(log.length, 5000);
  for (let i = 1; i < log.length; i++) assert.equal(log[i].seq, log[i - 1].seq + 1);
  assert.equal(log[log.length - 1].seq - log[0].seq, 4999);
  assert.equal(log[0].errcode, 40001);
  assert.ok(log.every((e) => e.query.access_token === '***' && /^o\d+$/.test(e.query.openid)));
  assert.equal(emu.requests({ limit: 3 }).length, 3);
  emu.clearRequests();
  assert.equal(emu.requests().length, 0);
});

it('logs a body whose secret key holds an object or an array (masked, not dropped), nested secrets too', async () => {
  emu.clearRequests();
  const app = emu.defaultApp;
  const token = await fetch(`${emu.url}/cgi-bin/stable_token`, {
    method: 'POST',
    body: JSON.stringify({
      grant_type: 'client_credential',
      appid: app.appid,
      secret: app.secret,
      signature: { a: 1, b: [2, 3] },
    }),
  });
  const { access_token } = (await token.json()) as { access_token: string };
  const body = {
    touser: 'o1',
    template_id: 't1',
    password: [1, 2],
    data: { thing1: { value: 'see you' }, nested: [{ session_key: { k: 'v' } }, { note: 'x=1&access_token=zz' }] },
  };
  const send = await fetch(`${emu.url}/cgi-bin/message/subscribe/send?access_token=${access_token}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  await send.text();
  const log = emu.requests();
  // Both requests are in the log (JSON text of such bodies could not be masked, and these entries were lost).
  assert.deepEqual(
    log.map((e) => e.path),
    ['/cgi-bin/stable_token', '/cgi-bin/message/subscribe/send'],
  );
  assert.deepEqual(log[0].body, { grant_type: 'client_credential', appid: app.appid, secret: '***', signature: '***' });
  assert.equal(log[1].query.access_token, '***');
  assert.deepEqual(log[1].body, {
    touser: 'o1',
    template_id: 't1',
    password: '***',
    data: { thing1: { value: 'see you' }, nested: [{ session_key: '***' }, { note: 'x=1&access_token=***' }] },
  });
  assert.ok(!JSON.stringify(log).includes(app.secret));
  assert.ok(!JSON.stringify(log).includes(access_token));
});
