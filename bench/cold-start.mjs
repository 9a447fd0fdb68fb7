// Benchmark 5: cold start and weight.
//   import time: median of ROUNDS cold imports, each in a fresh `node` process (performance.now()
//   around `await import(...)` only, so node's own start-up is excluded); contenders interleaved.
//   Also the CPU time of that import (process.cpuUsage), less sensitive to the machine's load.
//   first result: process start -> the first getPaidUnionId result (token fetch included) against
//   bench/lib/server.mjs, in a fresh process each time (performance.now() at the result: node's
//   start-up included), FIRST_ROUNDS rounds, interleaved. "sdk (before)" is the SDK at
//   BASELINE_REF (bench/.baseline), the figure the SDK must not be slower than.
//   weight: transitive runtime dependencies (dependencies + optionalDependencies, plus the peers a
//   package needs to load) and installed size (the package's files + every dependency's, nested
//   node_modules counted once as dependencies).
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BASELINE_SDK_ESM,
  BENCH_DIR,
  ROOT,
  SDK_ESM,
  makeBaseline,
  median,
  rotate,
  runNode,
  startFixedServer,
} from './lib/common.mjs';

const ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 15);
const FIRST_ROUNDS = Number(process.env.BENCH_FIRST_ROUNDS ?? 9);
await makeBaseline();
const TARGETS = {
  sdk: { load: [SDK_ESM], dir: join(ROOT, 'packages/sdk') },
  'sdk (before)': { load: [BASELINE_SDK_ESM] },
  'co-wechat-api': { load: ['co-wechat-api'] },
  'node-easywechat': { load: ['node-easywechat'] },
  // nest-wechat needs reflect-metadata loaded first, and @nestjs/common + rxjs installed.
  'nest-wechat': { load: ['reflect-metadata', 'nest-wechat'], needs: ['@nestjs/common', 'reflect-metadata', 'rxjs'] },
  'wechat-crypto': { load: ['wechat-crypto'] },
  '@wecom/crypto': { load: ['@wecom/crypto'] },
};

const script = (specs) =>
  `const c=process.cpuUsage();const t=performance.now();${specs.map((s) => `await import(${JSON.stringify(s)});`).join('')}` +
  'const u=process.cpuUsage(c);process.stdout.write(JSON.stringify([performance.now()-t,(u.user+u.system)/1000]));';

const samples = Object.fromEntries(Object.keys(TARGETS).map((k) => [k, []]));
const cpuSamples = Object.fromEntries(Object.keys(TARGETS).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const name of rotate(Object.keys(TARGETS), r)) {
    const out = await runNode(['--input-type=module', '-e', script(TARGETS[name].load)], { timeoutMs: 30_000 });
    const [ms, cpuMs] = JSON.parse(out);
    samples[name].push(ms);
    cpuSamples[name].push(cpuMs);
  }
}

// ---- process start -> first API result (a fresh process per sample, against the fixed server)
const FIRST = ['sdk', 'sdk (before)', 'raw', 'co-wechat-api', 'node-easywechat', 'nest-wechat'];
const clientsUrl = pathToFileURL(join(BENCH_DIR, 'lib/clients.mjs')).href;
const firstScript = (name, url) =>
  `const { makeClient } = await import(${JSON.stringify(clientsUrl)});` +
  `const c = await makeClient(${JSON.stringify(name)}, ${JSON.stringify(url)}); await c.get();` +
  'const t = performance.now(); await c.close(); process.stdout.write(String(t)); process.exit(0);';
const first = Object.fromEntries(FIRST.map((k) => [k, []]));
const server = await startFixedServer();
try {
  for (let r = 0; r < FIRST_ROUNDS; r++) {
    for (const name of rotate(FIRST, r)) {
      const out = await runNode(['--input-type=module', '-e', firstScript(name, server.url)], { timeoutMs: 30_000 });
      first[name].push(Number(out));
    }
  }
} finally {
  await server.close();
}
const firstResult = {};
for (const name of FIRST) {
  firstResult[name] = {
    ms: median(first[name]),
    samples: first[name],
    sdkRatio: name === 'sdk' ? 1 : median(first[name].map((x, i) => first.sdk[i] / x)),
  };
  process.stderr.write(`first result ${name}: ${firstResult[name].ms.toFixed(1)} ms\n`);
}

// ---- weight
function findPackage(fromDir, name) {
  for (let d = fromDir; ; d = dirname(d)) {
    const p = join(d, 'node_modules', name);
    if (existsSync(join(p, 'package.json'))) return realpathSync(p);
    if (dirname(d) === d) return undefined;
  }
}
function dirSize(dir, { skip = ['node_modules'], only } = {}) {
  let total = 0;
  for (const e of readdirSync(dir)) {
    if (skip.includes(e)) continue;
    if (only && !only.includes(e)) continue;
    const p = join(dir, e);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) continue;
    total += st.isDirectory() ? dirSize(p) : st.size;
  }
  return total;
}
function weight(rootDir, extraRoots = [], ownSize) {
  const seen = new Map();
  const missing = [];
  const visit = (dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      const d = findPackage(dir, dep);
      if (!d) {
        if (!pkg.optionalDependencies?.[dep]) missing.push(dep);
        continue;
      }
      if (seen.has(d)) continue;
      seen.set(d, dep);
      visit(d);
    }
  };
  visit(rootDir);
  for (const name of extraRoots) {
    const d = findPackage(BENCH_DIR, name);
    if (d && !seen.has(d)) {
      seen.set(d, name);
      visit(d);
    }
  }
  let depBytes = 0;
  for (const d of seen.keys()) depBytes += dirSize(d);
  return {
    dependencies: seen.size,
    names: [...new Set(seen.values())].sort(),
    ownBytes: ownSize ?? dirSize(rootDir),
    installedBytes: (ownSize ?? dirSize(rootDir)) + depBytes,
    missing,
  };
}

const weights = {};
for (const [name, t] of Object.entries(TARGETS)) {
  if (name === 'sdk (before)') {
    weights[name] = { dependencies: weights.sdk?.dependencies, names: weights.sdk?.names };
  } else if (name === 'sdk') {
    // What `npm publish` ships: package.json + "files" (dist, src). dist from the snapshot.
    const sdkPkg = join(ROOT, 'packages/sdk');
    const snap = dirname(dirname(dirname(new URL(SDK_ESM).pathname)));
    const own =
      lstatSync(join(sdkPkg, 'package.json')).size + dirSize(join(snap, 'dist')) + dirSize(join(sdkPkg, 'src'));
    weights[name] = weight(sdkPkg, [], own);
  } else {
    weights[name] = weight(findPackage(BENCH_DIR, name), t.needs ?? []);
  }
}

const table = {};
for (const name of Object.keys(TARGETS)) {
  table[name] = {
    importMs: median(samples[name]),
    samples: samples[name],
    importCpuMs: median(cpuSamples[name]),
    cpuSamples: cpuSamples[name],
    sdkRatio: name === 'sdk' ? 1 : median(samples[name].map((x, i) => samples.sdk[i] / x)),
    sdkCpuRatio: name === 'sdk' ? 1 : median(cpuSamples[name].map((x, i) => cpuSamples.sdk[i] / x)),
    ...weights[name],
  };
  process.stderr.write(
    `cold start ${name}: ${table[name].importMs.toFixed(1)} ms, ${weights[name].dependencies} deps, ${(weights[name].installedBytes / 1e6).toFixed(2)} MB\n`,
  );
}
process.stdout.write(`${JSON.stringify({ rounds: ROUNDS, firstRounds: FIRST_ROUNDS, table, firstResult })}\n`);
