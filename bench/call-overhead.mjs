// Benchmark 1: call overhead. Throughput of auth.getPaidUnionId (GET) and subscribeMessage.send
// (JSON POST) at concurrency 1 and 64 against bench/lib/server.mjs (its own process), token
// cached, for raw undici (the tightest path, the physical limit here; and undici.request(url) as a
// reference), the SDK and each peer. Contenders are interleaved within every round (rotating the
// order), rounds repeated, medians reported. The peers, 3-10x slower, run a quarter of the calls
// per sample (their ratios are far from 1; the time goes to more rounds of raw vs SDK).
// Prints one JSON object on stdout.
import { CONTENDERS as ALL, PEERS, makeClient } from './lib/clients.mjs';
import { load, median, rotate, startFixedServer } from './lib/common.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
// BENCH_CONTENDERS=raw,sdk: a subset (while iterating); the SDK is always measured.
const only = process.env.BENCH_CONTENDERS?.split(',');
const CONTENDERS = only ? ALL.filter((n) => n === 'sdk' || only.includes(n)) : ALL;
// Fewer rounds (never under 3) when the machine is too slow to finish them in this time.
const SOFT_LIMIT_MS = 170_000;
const started = performance.now();
let roundsDone = 0;
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const CONFIGS = [
  { op: 'get', concurrency: 1, total: Math.round(2500 * SCALE), maxMs: 1500 },
  { op: 'get', concurrency: 64, total: Math.round(10000 * SCALE), maxMs: 2000 },
  { op: 'post', concurrency: 1, total: Math.round(2500 * SCALE), maxMs: 1500 },
  { op: 'post', concurrency: 64, total: Math.round(10000 * SCALE), maxMs: 2000 },
];
const key = (c) => `${c.op} c=${c.concurrency}`;

const server = await startFixedServer();
const clients = {};
const samples = {}; // samples[config][contender] = [ops/s per round]
const cpu = {}; // cpu[config][contender] = [client CPU µs per call, per round]
const errors = {};
try {
  for (const name of CONTENDERS) {
    clients[name] = await makeClient(name, server.url);
    await clients[name].warm();
  }
  // Warm-up: JIT and connection pools, not recorded.
  for (const cfg of CONFIGS) {
    for (const name of CONTENDERS) {
      await load(clients[name][cfg.op], { concurrency: cfg.concurrency, total: 300, maxMs: 1000 });
    }
  }
  for (let r = 0; r < ROUNDS; r++) {
    if (r >= 3 && performance.now() - started > SOFT_LIMIT_MS) break;
    roundsDone++;
    for (const cfg of CONFIGS) {
      const k = key(cfg);
      samples[k] ??= {};
      for (const name of rotate(CONTENDERS, r)) {
        const c0 = process.cpuUsage();
        const res = await load(
          clients[name][cfg.op],
          PEERS.includes(name) ? { ...cfg, total: Math.ceil(cfg.total / 4) } : cfg,
        );
        const used = process.cpuUsage(c0);
        samples[k][name] ??= [];
        samples[k][name].push((res.ops / res.ms) * 1000);
        cpu[k] ??= {};
        cpu[k][name] ??= [];
        cpu[k][name].push((used.user + used.system) / res.ops);
        if (res.errors) {
          errors[`${k} ${name}`] = (errors[`${k} ${name}`] ?? 0) + res.errors;
          process.stderr.write(`${k} ${name}: ${res.errors} errors, e.g. ${res.firstError?.message}\n`);
        }
      }
    }
    process.stderr.write(`call overhead: round ${r + 1}/${ROUNDS} done\n`);
  }
} finally {
  for (const c of Object.values(clients)) await c.close().catch(() => {});
  await server.close();
}

// Ratios are taken per round (same-round samples), then the median over rounds.
const table = {};
for (const [k, byName] of Object.entries(samples)) {
  const sdk = byName.sdk;
  table[k] = {};
  for (const [name, xs] of Object.entries(byName)) {
    table[k][name] = {
      opsPerSec: median(xs),
      samples: xs,
      // This process runs only the clients (the server is another process): CPU time per call is
      // far less sensitive to the machine's other load than throughput.
      cpuUsPerCall: median(cpu[k][name]),
      cpuVsSdk: median(cpu[k][name].map((c, i) => cpu[k].sdk[i] / c)),
      sdkRatio: name === 'sdk' ? 1 : median(xs.map((x, i) => sdk[i] / x)),
      sdkRatioRange:
        name === 'sdk'
          ? [1, 1]
          : [Math.min(...xs.map((x, i) => sdk[i] / x)), Math.max(...xs.map((x, i) => sdk[i] / x))],
    };
  }
}
process.stdout.write(
  `${JSON.stringify({ rounds: roundsDone, configs: CONFIGS, contenders: CONTENDERS, table, errors })}\n`,
);
