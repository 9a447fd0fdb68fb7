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
