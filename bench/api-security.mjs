#!/usr/bin/env node
// The per-call cost of the API security layer (服务端API签名加密): phonenumber.getPhoneNumber (JSON
// POST, a 'supported' endpoint) through the SDK with and without `apiSecurity`, against the emulator
// in its own process (which does WeChat's half: verify, decrypt, encrypt, sign). Rounds interleave
// the two modes (rotating the order); medians of calls/s and of the client's CPU µs per call are
// reported with their ratio. Needs a build (`npm run build`). Standalone: `node bench/api-security.mjs`.
// Environment: BENCH_ROUNDS (default 5), BENCH_CALLS (per sample, default 1500), BENCH_CONCURRENCY (16).
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT, load, median, rotate, round } from './lib/common.mjs';

const SDK = join(ROOT, 'packages/sdk/dist/esm/index.js');
const EMULATOR = join(ROOT, 'packages/emulator/dist/esm/index.js');
if (!existsSync(SDK) || !existsSync(EMULATOR)) {
  console.error('packages are not built: run `npm run build` first');
  process.exit(1);
}

if (process.argv[2] === '--server') {
  // The emulator's process: a frozen clock (so phone codes never expire), one key set, codes on demand.
  const { startEmulator } = await import(pathToFileURL(EMULATOR).href);
  const emu = await startEmulator({ clock: { start: Math.floor(Date.now() / 1000), frozen: true } });
  const keys = emu.apiSecurity.generate();
  process.on('message', (m) => {
    if (m.codes) {
      const codes = Array.from({ length: m.codes }, () => emu.createPhoneCode({ phoneNumber: '13800138000' }).code);
      emu.clearRequests();
      process.send({ codes });
    } else if (m.close) void emu.close().then(() => process.exit(0));
  });
  process.send({ url: emu.url, appid: emu.defaultApp.appid, secret: emu.defaultApp.secret, keys: keys.client });
} else {
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
  const CALLS = Number(process.env.BENCH_CALLS ?? 1500);
  const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
  const { MiniApp } = await import(pathToFileURL(SDK).href);
  const child = fork(fileURLToPath(import.meta.url), ['--server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  const info = await next();
  const codes = async (n) => {
    child.send({ codes: n });
    return (await next()).codes;
  };
  const base = { appId: info.appid, appSecret: info.secret, baseUrl: info.url, maxRetries: 0 };
  const clients = { plain: new MiniApp(base), secured: new MiniApp({ ...base, apiSecurity: info.keys }) };
  const modes = Object.keys(clients);
  const sample = async (mode, n) => {
    const list = await codes(n);
    let i = 0;
    const call = () => clients[mode].phonenumber.getPhoneNumber({ code: list[i++] });
    const c0 = process.cpuUsage();
    const res = await load(call, { concurrency: CONCURRENCY, total: n, maxMs: 4000 });
    const used = process.cpuUsage(c0);
    if (res.errors) throw new Error(`${mode}: ${res.errors} errors, e.g. ${res.firstError?.message}`);
    return { rate: (res.ops / res.ms) * 1000, cpuUs: (used.user + used.system) / res.ops };
  };
  try {
    for (const mode of modes) await sample(mode, 300); // warm-up: JIT, sockets, token
    const rates = { plain: [], secured: [] };
    const cpu = { plain: [], secured: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of rotate(modes, r)) {
        const s = await sample(mode, CALLS);
        rates[mode].push(s.rate);
        cpu[mode].push(s.cpuUs);
      }
      process.stderr.write(`api security: round ${r + 1}/${ROUNDS}\n`);
    }
    const out = {
      endpoint: 'phonenumber.getPhoneNumber',
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      callsPerSample: CALLS,
      callsPerSecond: { plain: round(median(rates.plain), 0), secured: round(median(rates.secured), 0) },
      ratio: round(median(rates.secured) / median(rates.plain), 3),
      clientCpuUsPerCall: { plain: round(median(cpu.plain), 1), secured: round(median(cpu.secured), 1) },
      clientCpuUsAddedPerCall: round(median(cpu.secured) - median(cpu.plain), 1),
    };
    console.log(JSON.stringify(out));
  } finally {
    for (const c of Object.values(clients)) await c.close();
    child.send({ close: true });
  }
}
