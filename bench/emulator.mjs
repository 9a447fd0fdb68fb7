// Benchmark 6: emulator throughput, for people who load-test their backends against it. The
// emulator (startEmulator, the built package) runs in its own process (on CPU 1 when pinned) under
// --cpu-prof; this process loads it over loopback with an undici Pool of CONCURRENCY connections:
//   GET  /wxa/getpaidunionid   token-authenticated (access_token in the query), a seeded payment
//   POST /wxa/query_urllink    token-authenticated JSON body ({"query_type":1}: the quota answer)
// Ops interleaved per round, medians. Then the emulator exits and its CPU profile's top frames
// (self time) are reported. Prints one JSON object on stdout.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMULATOR_ESM, load, median, pinnedFork, rotate, sdkRequire } from './lib/common.mjs';

if (process.argv[2] === 'server') {
  const { startEmulator } = await import(EMULATOR_ESM);
  const emu = await startEmulator({ port: 0 });
  const user = emu.createUser({ unionid: 'oUnion-bench-0000000000000000' });
  emu.recordPayment({ openid: user.openid, transaction_id: '4200000000202400000000000000' });
  process.send({
    url: emu.url,
    appid: emu.defaultApp.appid,
    secret: emu.defaultApp.secret,
    openid: user.openid,
    transaction_id: '4200000000202400000000000000',
  });
  process.on('message', async (m) => {
    if (m !== 'stop') return;
    await emu.close();
    process.exit(0); // --cpu-prof writes the profile on exit
  });
} else {
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
  const OPS = Math.round(5000 * Number(process.env.BENCH_SCALE ?? 1));
  const CONCURRENCY = 64;
  const TOP = 15;
  const profDir = mkdtempSync(join(tmpdir(), 'emu-prof-'));
  const child = fork(fileURLToPath(import.meta.url), ['server'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...pinnedFork(1),
    execArgv: [...(pinnedFork(1).execArgv ?? []), '--cpu-prof', `--cpu-prof-dir=${profDir}`],
  });
  const [info] = await once(child, 'message');
  const { Pool } = sdkRequire('undici');
  const pool = new Pool(info.url, { connections: CONCURRENCY });
  const tokenRes = await pool.request({
    method: 'POST',
    path: '/cgi-bin/stable_token',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credential', appid: info.appid, secret: info.secret }),
  });
  const token = encodeURIComponent(JSON.parse(await tokenRes.body.text()).access_token);
  let bad = 0;
  let firstBad;
  const expect = async (r, what) => {
    const text = await r.body.text();
    if (r.statusCode !== 200 || JSON.parse(text).errcode !== 0) {
      bad++;
      firstBad ??= `${what}: ${r.statusCode} ${text.slice(0, 120)}`;
    }
  };
  const OPS_BY_NAME = {
    'GET getpaidunionid': async () =>
      expect(
        await pool.request({
          method: 'GET',
          path: `/wxa/getpaidunionid?access_token=${token}&openid=${info.openid}&transaction_id=${info.transaction_id}`,
        }),
        'GET',
      ),
    'POST query_urllink (JSON)': async () =>
      expect(
        await pool.request({
          method: 'POST',
          path: `/wxa/query_urllink?access_token=${token}`,
          headers: { 'content-type': 'application/json' },
          body: '{"query_type":1}',
        }),
        'POST',
      ),
  };
  const names = Object.keys(OPS_BY_NAME);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  try {
    for (let r = -1; r < ROUNDS; r++) {
      for (const name of rotate(names, Math.max(r, 0))) {
        const res = await load(OPS_BY_NAME[name], {
          concurrency: CONCURRENCY,
          total: r < 0 ? 1000 : OPS,
          maxMs: 3000,
        });
        if (r >= 0) samples[name].push((res.ops / res.ms) * 1000);
      }
    }
  } finally {
    await pool.close();
    child.send('stop');
    await once(child, 'exit');
  }
  const table = Object.fromEntries(
    names.map((n) => [
      n,
      { reqPerSec: median(samples[n]), samples: samples[n], range: [Math.min(...samples[n]), Math.max(...samples[n])] },
    ]),
  );
  const top = topFrames(profDir, TOP);
  rmSync(profDir, { recursive: true, force: true });
  process.stderr.write(
    `emulator: ${names.map((n) => `${n} ${Math.round(table[n].reqPerSec)}/s`).join(', ')}${bad ? `; ${bad} bad answers, e.g. ${firstBad}` : ''}\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ rounds: ROUNDS, opsPerSample: OPS, concurrency: CONCURRENCY, table, badAnswers: bad, firstBad, top })}\n`,
  );
}

/** The profile's top frames by self time: function, file (relative to node_modules or the repo), share. */
function topFrames(dir, n) {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return { error: 'no CPU profile written' };
  const p = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const self = new Map();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + p.timeDeltas[i]);
  const byFrame = new Map();
  let total = 0;
  let idle = 0;
  for (const node of p.nodes) {
    const us = self.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const where = url
      ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/packages\//, 'packages/')}:${lineNumber + 1}`
      : '(native)';
    const key = `${functionName || '(anonymous)'} ${where}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + us);
  }
  const frames = [...byFrame]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([frame, us]) => ({ frame, ms: Math.round(us / 1000), share: us / total }));
  return { busyMs: Math.round(total / 1000), idleMs: Math.round(idle / 1000), frames };
}
