// The demo's intracity steps run as `npm start` runs them, against a fresh emulator.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
// @ts-expect-error: a plain .mjs example without type declarations
import { intracitySteps } from './demo-intracity.mjs';

let emu: EmulatorHandle;
before(async () => {
  emu = await startEmulator();
});
after(() => emu.close());

test('an intracity order with the layer on: every callback received in order, the fee deducted', async () => {
  const ctx = { emu, state: {} as Record<string, any> };
  const outputs: any[] = [];
  for (const [, run] of intracitySteps as [string, (c: unknown) => Promise<any>][]) outputs.push(await run(ctx));
  assert.equal(outputs[0].on_the_wire, 'iv,data,authtag');
  assert.equal(outputs[0].decrypted_by_the_sdk, '13800138000');
  const last = outputs.at(-1);
  assert.equal(last.callbacks, '10000 → 30000 → 40000 → 50000 → 70000');
  assert.equal(last.final_status, 70000);
  assert.equal(last.balance_left_fen, 10_000 - last.fee_fen);
  assert.ok(emu.requests({ path: '/cgi-bin/express/intracity/*' }).every((r) => (r.security as any)?.request));
});
