// Shared helpers: paths, child processes, statistics, formatting.
import { fork, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = join(BENCH_DIR, '..');
/**
 * The built SDK and Redis store, copied by run.mjs into bench/.snapshot at the start of a run so a
 * rebuild in the same working tree (which deletes dist/) cannot pull them away mid-run.
 */
export const SNAPSHOT = join(BENCH_DIR, '.snapshot');
export const SDK_ESM = pathToFileURL(join(SNAPSHOT, 'sdk/dist/esm/index.js')).href;
export const REDIS_ESM = pathToFileURL(join(SNAPSHOT, 'redis/dist/esm/index.js')).href;
export const EMULATOR_ESM = pathToFileURL(join(ROOT, 'packages/emulator/dist/esm/index.js')).href;
/** require() as the SDK resolves (its own undici, fast-xml-parser). */
export const sdkRequire = createRequire(join(ROOT, 'packages/sdk/package.json'));

/** Copies packages/{sdk,redis}/{package.json,dist} to bench/.snapshot (waits up to 120 s for a build in progress). */
export async function makeSnapshot() {
  const { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } = await import('node:fs');
  const need = ['sdk/dist/esm/index.js', 'redis/dist/esm/index.js'].map((p) => join(ROOT, 'packages', p));
  for (let i = 0; i < 240 && !need.every((p) => existsSync(p)); i++) await new Promise((r) => setTimeout(r, 500));
  if (!need.every((p) => existsSync(p))) throw new Error('packages are not built: run `npm run build` first');
  rmSync(SNAPSHOT, { recursive: true, force: true });
  for (const pkg of ['sdk', 'redis']) {
    mkdirSync(join(SNAPSHOT, pkg), { recursive: true });
    cpSync(join(ROOT, 'packages', pkg, 'package.json'), join(SNAPSHOT, pkg, 'package.json'));
    cpSync(join(ROOT, 'packages', pkg, 'dist'), join(SNAPSHOT, pkg, 'dist'), { recursive: true });
  }
  // The SDK's runtime deps resolve from the root node_modules, as in the workspace; the Redis
  // store's import of the SDK resolves to the snapshot.
  symlinkSync(join(ROOT, 'node_modules'), join(SNAPSHOT, 'sdk/node_modules'), 'dir');
  mkdirSync(join(SNAPSHOT, 'redis/node_modules/@miniapp-server'), { recursive: true });
  symlinkSync(join(SNAPSHOT, 'sdk'), join(SNAPSHOT, 'redis/node_modules/@miniapp-server/sdk'), 'dir');
}
/**
 * "Today" for the cold-start goals: the SDK as it was before the cold-start work (commit
 * BASELINE_REF), built once into bench/.baseline/<ref> (ESM only, from `git archive`).
 */
export const BASELINE_REF = '25701c0';
export const BASELINE_DIR = join(BENCH_DIR, '.baseline', BASELINE_REF);
export const BASELINE_SDK_ESM = pathToFileURL(join(BASELINE_DIR, 'packages/sdk/dist/esm/index.js')).href;
export async function makeBaseline() {
  const { existsSync, mkdirSync, rmSync, symlinkSync } = await import('node:fs');
  const entry = join(BASELINE_DIR, 'packages/sdk/dist/esm/index.js');
  if (existsSync(entry)) return;
  rmSync(BASELINE_DIR, { recursive: true, force: true });
  mkdirSync(BASELINE_DIR, { recursive: true });
  const tar = spawnSync(
    'sh',
    ['-c', `git archive ${BASELINE_REF} packages/sdk tsconfig.base.json | tar -x -C "${BASELINE_DIR}"`],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (tar.status !== 0) throw new Error(`git archive ${BASELINE_REF} failed`);
  const sdkDir = join(BASELINE_DIR, 'packages/sdk');
  // Its dependencies resolve from the root node_modules (the same undici and fast-xml-parser).
  symlinkSync(join(ROOT, 'node_modules'), join(sdkDir, 'node_modules'), 'dir');
  const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', 'dist/esm'], {
    cwd: sdkDir,
    stdio: 'inherit',
  });
  if (build.status !== 0 || !existsSync(entry)) throw new Error(`building the ${BASELINE_REF} SDK failed`);
}

/** require() from bench/ (the peers). */
export const benchRequire = createRequire(join(BENCH_DIR, 'package.json'));

export const APPID = 'wxbench0000000001';
export const SECRET = 'bench-secret-0000000000000000000';

/**
 * Client and server on different cores (as the figures were taken): load generators run on
 * CPU 0 (run.mjs starts them under `taskset -c 0`), servers on CPU 1. BENCH_PIN=0 turns it off; it
 * is off on a single-core machine or without taskset (util-linux).
 */
export const PIN =
  process.env.BENCH_PIN !== '0' &&
  availableParallelism() >= 2 &&
  spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
/** fork() options that pin the child to `cpu` when PIN is on. */
export function pinnedFork(cpu) {
  return PIN ? { execPath: 'taskset', execArgv: ['-c', String(cpu), process.execPath] } : {};
}
/** [command, args] running node with `args`, pinned to `cpu` when PIN is on. */
export function pinnedNode(cpu, args) {
  return PIN ? ['taskset', ['-c', String(cpu), process.execPath, ...args]] : [process.execPath, args];
}

/** Starts bench/lib/server.mjs in its own process; resolves { url, stats(), flip(), reset(), close() }. */
export async function startFixedServer() {
  const child = fork(join(BENCH_DIR, 'lib/server.mjs'), [], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    ...pinnedFork(1),
  });
  let buf = '';
  const port = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('server did not start in 10 s')), 10_000);
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl !== -1) {
        clearTimeout(t);
        resolve(JSON.parse(buf.slice(0, nl)).port);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const admin = async (path, method = 'GET') => {
    const r = await fetch(url + path, { method });
    return r.json();
  };
  return {
    url,
    port,
    pid: child.pid,
    stats: () => admin('/__bench/stats'),
    flip: () => admin('/__bench/flip', 'POST'),
    reset: () => admin('/__bench/reset', 'POST'),
    close: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    },
  };
}

/** Runs a node script (on CPU `cpu` when given and PIN is on), returns its stdout (throws on non-zero exit or after timeoutMs). */
export async function runNode(args, { timeoutMs = 60_000, cwd = BENCH_DIR, env, tee = false, cpu } = {}) {
  const [cmd, argv] = cpu === undefined ? [process.execPath, args] : pinnedNode(cpu, args);
  const child = spawn(cmd, argv, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
    if (tee) process.stderr.write(d);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  if (code !== 0) throw new Error(`node ${args.join(' ').slice(0, 120)} exited ${code}: ${err.slice(-800)}`);
  return out;
}

export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function round(x, digits = 2) {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** `fn` run `concurrency` at a time until `total` calls or `maxMs` elapse. Returns { ops, ms, errors, firstError }. */
export async function load(fn, { concurrency, total, maxMs }) {
  let started = 0;
  let done = 0;
  let errors = 0;
  let firstError;
  const t0 = performance.now();
  const deadline = t0 + maxMs;
  async function worker() {
    while (started < total && performance.now() < deadline) {
      started++;
      try {
        await fn();
      } catch (e) {
        errors++;
        firstError ??= e;
      }
      done++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  return { ops: done, ms, errors, firstError };
}

/** Rotates an array by k (so interleaved rounds do not always start with the same contender). */
export function rotate(xs, k) {
  const n = xs.length;
  return xs.map((_, i) => xs[(i + k) % n]);
}

export const fmt = (x, d = 0) =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : String(x);
