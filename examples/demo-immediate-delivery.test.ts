// The demo's immediate-delivery steps run end to end (as `npm start` runs them) and end in 302.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEmulator } from '@miniapp-server/emulator';
import { MiniApp } from '@miniapp-server/sdk';
// @ts-expect-error: a plain .mjs example without type declarations
import { deliverySteps } from './demo-immediate-delivery.mjs';

test('npm start: quote, order, carrier refusal, and every status push up to 302', async () => {
  const emu = await startEmulator();
  const app = new MiniApp({ appId: emu.defaultApp.appid, appSecret: emu.defaultApp.secret, baseUrl: emu.url });
  const ctx: { emu: typeof emu; app: MiniApp; state: Record<string, any> } = { emu, app, state: {} };
  try {
    const out: unknown[] = [];
    for (const [, run] of deliverySteps as Array<[string, (c: typeof ctx) => Promise<unknown>]>)
      out.push(await run(ctx));
    const journey = String(out.at(-1));
    const pushes = journey.split('\n').filter((l) => l.includes(' push '));
    assert.deepEqual(
      pushes.map((l) => Number(/ push (\d+)/.exec(l)?.[1])),
      [102, 201, 202, 301, 302],
    );
    assert.match(pushes.at(-1)!, /配送成功/);
    assert.match(String(out[1]), /fee ¥\d/);
  } finally {
    await app.close();
    await ctx.state.receiver?.close();
    await emu.close();
  }
});
