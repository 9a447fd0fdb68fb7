// Seeded fault dice: the same seed fires the same faults on the same sequence of requests, so a
// chaos run with rate-limited faults repeats; the seed is set by option, handle or admin route.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import { start } from './helpers.js';

/** Which of 60 sequential requests a 50 % fault hit. */
async function pattern(emu: EmulatorHandle): Promise<boolean[]> {
  emu.addFault({ path: '/cgi-bin/token', kind: 'http', status: 503, rate: 0.5 });
  const hits: boolean[] = [];
  for (let i = 0; i < 60; i++) {
    const res = await fetch(`${emu.url}/cgi-bin/token?grant_type=client_credential`);
    await res.arrayBuffer();
    hits.push(res.status === 503);
  }
  return hits;
}

test('the same seed rolls the same dice; another seed or none differs', async () => {
  const a = await start({ faultSeed: 42 });
  const b = await start();
  try {
    const first = await pattern(a);
    assert.ok(first.some(Boolean) && !first.every(Boolean), 'a 50 % rate fires sometimes');
    a.clearFaults();
    assert.deepEqual(a.seedFaults(42), { seed: 42 });
    assert.deepEqual(await pattern(a), first, 'reseeded: the same run again');

    const res = await fetch(`${b.url}/__emulator/faults/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 42 }),
    });
    assert.deepEqual(await res.json(), { seed: 42 });
    assert.deepEqual(await pattern(b), first, 'another emulator with the seed set over the admin API');

    b.clearFaults();
    b.seedFaults(7);
    assert.notDeepEqual(await pattern(b), first, 'another seed, other hits');
    assert.deepEqual(b.seedFaults(null), { seed: null });
    const bad = await fetch(`${b.url}/__emulator/faults/seed`, { method: 'POST', body: JSON.stringify({ seed: 1.5 }) });
    assert.equal(bad.status, 400);
  } finally {
    await a.close();
    await b.close();
  }
});
