// `miniapp keys` through main(): a key set written to disk (mode 0600, never printed), installed
// into a running emulator, and used by the SDK for a secured call that the emulator verifies.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
import { MiniApp } from '@miniapp-server/sdk';
import { runCli } from './helpers.js';

let emu: EmulatorHandle;
let dir: string;

before(async () => {
  emu = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), 'miniapp-keys-'));
});
after(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

test('writes client.json + emulator.json, installs them, and the SDK calls through the layer', async () => {
  const out = join(dir, 'set');
  const r = await runCli(['keys', '--out', out, '--emulator', emu.url], {}, emu.defaultApp.secret);
  assert.equal(r.code, 0, r.stderr);
  const client = JSON.parse(readFileSync(join(out, 'client.json'), 'utf8'));
  const emulator = JSON.parse(readFileSync(join(out, 'emulator.json'), 'utf8'));
  for (const f of ['client.json', 'emulator.json']) assert.equal(statSync(join(out, f)).mode & 0o777, 0o600);
  assert.match(client.privateKey, /BEGIN RSA PRIVATE KEY/);
  assert.match(r.stdout, new RegExp(client.symmetricKeySn));
  for (const secret of [
    client.symmetricKey,
    client.privateKey.split('\n')[1],
    emulator.platform.privateKey.split('\n')[1],
  ])
    assert.equal(r.stdout.includes(secret), false, 'no key is printed');
  assert.equal(emu.apiSecurity.get().symmetricKeySn, client.symmetricKeySn);

  const app = new MiniApp({
    appId: emu.defaultApp.appid,
    appSecret: emu.defaultApp.secret,
    baseUrl: emu.url,
    apiSecurity: client,
  });
  try {
    const { code } = emu.createPhoneCode({ phoneNumber: '13800138000' });
    assert.equal((await app.phonenumber.getPhoneNumber({ code })).phone_info.purePhoneNumber, '13800138000');
    assert.ok((emu.requests({ path: '/wxa/business/getuserphonenumber' }).at(-1)!.security as any).request);
  } finally {
    await app.close();
  }

  const again = await runCli(['keys', '--out', out], {}, emu.defaultApp.secret);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /--force/);
});
