// Benchmark 1: call overhead. Throughput of auth.getPaidUnionId (GET) and subscribeMessage.send
// (JSON POST) at concurrency 1 and 64 against bench/lib/server.mjs (its own process), token
// cached, for raw undici (the tightest path, the physical limit here), raw a second time (its own
// Pool: the noise of the method), undici.request(url) (the previous baseline), the SDK and each peer.
//
// This machine is shared and noisy: two identical raw clients measured one sample after the other
// differ by up to ±40 % per round, more than the 2-5 % the goals are about. So the goal contenders
// (everything but the peers) are interleaved finely, and every ratio is taken per round from
// same-round figures, then the median over rounds is reported:
//   c=1  : one call of each contender in turn (a fresh shuffled order each turn), each timed alone (a setImmediate between calls, outside
//          the timing, lets the previous call's leftover work run); throughput = calls ÷ their summed
//          time. Noise slower than a call weighs on every contender alike.
//   c=64 : chunks of CHUNK (1250) calls, the contenders in a palindrome (A B C C B A, 4 times; the order
//          rotates every round); a round's throughput = its chunks' calls ÷ their summed time.
// The peers, 3-10x slower and far from a ratio of 1, run a quarter of the calls in the first
// PEER_ROUNDS rounds only, one sample each, next to the SDK's figure of the same round.
// Prints one JSON object on stdout.
import { setImmediate as tick } from 'node:timers/promises';
import { CONTENDERS as ALL, PEERS, makeClient } from './lib/clients.mjs';
import { load, median, rotate, startFixedServer } from './lib/common.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const PEER_ROUNDS = Number(process.env.BENCH_PEER_ROUNDS ?? 5);
// BENCH_CONTENDERS=raw,sdk: a subset (while iterating); the SDK is always measured.
const only = process.env.BENCH_CONTENDERS?.split(',');
const CONTENDERS = only ? ALL.filter((n) => n === 'sdk' || only.includes(n)) : ALL;
const REFS = CONTENDERS.filter((n) => !PEERS.includes(n));
// Fewer rounds (never under 5) when the machine is too slow to finish them in this time.
const SOFT_LIMIT_MS = 190_000;
const started = performance.now();
let roundsDone = 0;
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const CHUNK = Math.round(1250 * SCALE);
const CONFIGS = [
  { op: 'get', concurrency: 1, total: Math.round(2000 * SCALE) },
  { op: 'get', concurrency: 64, total: 8 * CHUNK },
  { op: 'post', concurrency: 1, total: Math.round(2000 * SCALE) },
  { op: 'post', concurrency: 64, total: 8 * CHUNK },
];
const key = (c) => `${c.op} c=${c.concurrency}`;

/** Per contender: calls, their summed time, client CPU and errors. */
const tally = (names) =>
  Object.fromEntries(names.map((n) => [n, { ops: 0, ms: 0, cpuUs: 0, errors: 0, firstError: undefined }]));

/** A small seeded PRNG (mulberry32): the same call orders in every run. */
function prng(seed) {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), t | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * c=1: `calls` rounds of one call per contender, each round in a fresh shuffled order; per contender
 * { ops, ms, cpuUs, errors }. Shuffled, not rotated: with a rotation each contender nearly always
 * follows the same other one, and whatever that one leaves behind (its allocations, undici's
 * deferred socket work) lands in its timing. Shuffled, every contender follows every other alike.
 */
async function alternate(names, op, calls, seed) {
  const acc = tally(names);
  const random = prng(seed);
  const order = [...names];
  for (let i = 0; i < calls; i++) {
    for (let j = order.length - 1; j > 0; j--) {
      const k = Math.floor(random() * (j + 1));
      [order[j], order[k]] = [order[k], order[j]];
    }
    for (let j = 0; j < order.length; j++) {
      const a = acc[order[j]];
      const fn = clients[order[j]][op];
      await tick();
      const c0 = process.cpuUsage();
      const t = performance.now();
      try {
        await fn();
      } catch (e) {
        a.errors++;
        a.firstError ??= e;
      }
      a.ms += performance.now() - t;
      const u = process.cpuUsage(c0);
      a.cpuUs += u.user + u.system;
      a.ops++;
    }
  }
  return acc;
}

/** c=64: chunks of CHUNK calls in a palindrome until each contender made `total` calls. */
async function chunks(names, op, concurrency, total) {
  const acc = tally(names);
  for (let pass = 0; pass * CHUNK < total; pass++) {
    for (const name of pass % 2 ? names.toReversed() : names) {
      const c0 = process.cpuUsage();
      const res = await load(clients[name][op], { concurrency, total: CHUNK, maxMs: 2000 });
      const u = process.cpuUsage(c0);
      const a = acc[name];
      a.ops += res.ops;
      a.ms += res.ms;
      a.cpuUs += u.user + u.system;
      a.errors += res.errors;
      a.firstError ??= res.firstError;
    }
  }
  return acc;
}

const server = await startFixedServer();
const clients = {};
const samples = {}; // samples[config][contender] = [ops/s per round]
const cpu = {}; // cpu[config][contender] = [client CPU µs per call, per round]
const errors = {};
function record(k, name, a) {
  samples[k][name] ??= [];
  samples[k][name].push((a.ops / a.ms) * 1000);
  cpu[k] ??= {};
  cpu[k][name] ??= [];
  cpu[k][name].push(a.cpuUs / a.ops);
  if (a.errors) {
    errors[`${k} ${name}`] = (errors[`${k} ${name}`] ?? 0) + a.errors;
    process.stderr.write(`${k} ${name}: ${a.errors} errors, e.g. ${a.firstError?.message}\n`);
  }
}
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
    if (r >= 5 && performance.now() - started > SOFT_LIMIT_MS) break;
    roundsDone++;
    for (const cfg of CONFIGS) {
      const k = key(cfg);
      samples[k] ??= {};
      const refs = rotate(REFS, r);
      const acc =
        cfg.concurrency === 1
          ? await alternate(refs, cfg.op, cfg.total, r * 16 + CONFIGS.indexOf(cfg))
          : await chunks(refs, cfg.op, cfg.concurrency, cfg.total);
      for (const name of refs) record(k, name, acc[name]);
      if (r < PEER_ROUNDS) {
        for (const name of rotate(
          CONTENDERS.filter((n) => PEERS.includes(n)),
          r,
        )) {
          const c0 = process.cpuUsage();
          const res = await load(clients[name][cfg.op], {
            concurrency: cfg.concurrency,
            total: Math.ceil(cfg.total / 4),
            maxMs: 2000,
          });
          const u = process.cpuUsage(c0);
          record(k, name, { ...res, cpuUs: u.user + u.system });
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
    const ratios = xs.map((x, i) => sdk[i] / x);
    // raw ÷ raw (again): what two identical clients measure apart, the method's noise.
    const noise = name === 'raw (again)' && byName.raw ? xs.map((x, i) => byName.raw[i] / x) : undefined;
    table[k][name] = {
      opsPerSec: median(xs),
      samples: xs,
      rounds: xs.length,
      // This process runs only the clients (the server is another process): CPU time per call is
      // far less sensitive to the machine's other load than throughput.
      cpuUsPerCall: median(cpu[k][name]),
      cpuVsSdk: median(cpu[k][name].map((c, i) => cpu[k].sdk[i] / c)),
      sdkRatio: name === 'sdk' ? 1 : median(ratios),
      sdkRatioRange: name === 'sdk' ? [1, 1] : [Math.min(...ratios), Math.max(...ratios)],
      ...(noise ? { vsRaw: median(noise), vsRawRange: [Math.min(...noise), Math.max(...noise)] } : {}),
    };
  }
}
process.stdout.write(
  `${JSON.stringify({ rounds: roundsDone, peerRounds: Math.min(PEER_ROUNDS, roundsDone), configs: CONFIGS, chunk: CHUNK, contenders: CONTENDERS, table, errors })}\n`,
);
