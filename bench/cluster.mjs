// Benchmark 3: cluster. WORKERS processes, each with its own MiniApp client sharing one
// RedisTokenStore (ioredis) against the emulator (@miniapp-server/emulator) in this process and
// a private redis-server (free port, no persistence). Each worker fires CALLS concurrent
// auth.getPaidUnionId calls at the same moment: on a cold start, then after the emulator revoked
// every token (40001 for all). Token requests are counted by the emulator. The same two rounds
// run with per-process memory stores as the baseline (one fetch per process).
import { spawn, fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { EMULATOR_ESM } from './lib/common.mjs';

const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const CALLS = Number(process.env.BENCH_CLUSTER_CALLS ?? 250);
const REPEATS = Number(process.env.BENCH_CLUSTER_REPEATS ?? 3);
const TRANSACTION_ID = '4200000000bench0000000001';

if (process.argv[2] === 'worker') {
  const { MiniApp, MemoryTokenStore } = await import((await import('./lib/common.mjs')).SDK_ESM);
  const { REDIS_ESM, benchRequire } = await import('./lib/common.mjs');
  const { RedisTokenStore } = await import(REDIS_ESM);
  const { Redis } = benchRequire('ioredis');
  const env = process.env;
  const redis =
    env.STORE === 'redis' ? new Redis(Number(env.REDIS_PORT), '127.0.0.1', { maxRetriesPerRequest: 1 }) : undefined;
  const app = new MiniApp({
    appId: env.APPID,
    appSecret: env.SECRET,
    baseUrl: env.EMU_URL,
    tokenStore: redis ? new RedisTokenStore({ redis, keyPrefix: 'bench:' }) : new MemoryTokenStore(),
  });
  if (redis) await redis.ping();
  process.on('message', async (msg) => {
    if (msg === 'exit') {
      await app.close();
      await redis?.quit();
      process.disconnect();
      return;
    }
    const rs = await Promise.allSettled(
      Array.from({ length: CALLS }, () =>
        app.auth.getPaidUnionId({ openid: env.OPENID, transaction_id: TRANSACTION_ID }),
      ),
    );
    const failed = rs.filter((r) => r.status === 'rejected');
    process.send({ ok: CALLS - failed.length, errors: [...new Set(failed.map((f) => f.reason?.message))].slice(0, 3) });
  });
  process.send('ready');
} else {
  const freePort = () =>
    new Promise((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    });

  const redisPort = await freePort();
  const redisServer = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: 'ignore' },
  );
  const { startEmulator } = await import(EMULATOR_ESM);
  const emu = await startEmulator();
  const { appid, secret } = emu.defaultApp;
  const user = emu.createUser({ unionid: 'oUnion-bench' });
  emu.recordPayment({ openid: user.openid, transaction_id: TRANSACTION_ID });
  const results = {};
  const self = fileURLToPath(import.meta.url);
  try {
    for (const store of ['redis', 'memory']) {
      for (let rep = 0; rep < (store === 'redis' ? REPEATS : 1); rep++) {
        await waitForRedis(redisPort); // also empties it: every repeat is a cold start
        emu.invalidateTokens(appid);
        const env = {
          ...process.env,
          STORE: store,
          REDIS_PORT: String(redisPort),
          EMU_URL: emu.url,
          APPID: appid,
          SECRET: secret,
          OPENID: user.openid,
        };
        const workers = Array.from({ length: WORKERS }, () => fork(self, ['worker'], { env, stdio: 'inherit' }));
        await Promise.all(workers.map((w) => once(w, 'message')));
        const round = async () => {
          const before = emu.tokenRequestCount(appid);
          const t0 = performance.now();
          const rs = await Promise.all(
            workers.map(async (w) => {
              w.send('run');
              const [r] = await once(w, 'message');
              return r;
            }),
          );
          return {
            tokenRequests: emu.tokenRequestCount(appid) - before,
            ok: rs.reduce((a, r) => a + r.ok, 0),
            calls: WORKERS * CALLS,
            ms: performance.now() - t0,
            errors: [...new Set(rs.flatMap((r) => r.errors))],
          };
        };
        const cold = await round();
        emu.invalidateTokens(appid);
        const after = await round();
        results[store] ??= [];
        results[store].push({ cold, after40001: after });
        process.stderr.write(
          `cluster (${store} store): cold ${cold.tokenRequests} token request(s), ${cold.ok}/${cold.calls} ok; ` +
            `after revoke ${after.tokenRequests}, ${after.ok}/${after.calls} ok\n`,
        );
        for (const w of workers) w.send('exit');
        await Promise.all(workers.map((w) => (w.exitCode === null ? once(w, 'exit') : null)));
      }
    }
  } finally {
    await emu.close();
    redisServer.kill('SIGTERM');
    if (redisServer.exitCode === null) await once(redisServer, 'exit');
  }
  process.stdout.write(`${JSON.stringify({ workers: WORKERS, callsPerWorker: CALLS, repeats: REPEATS, results })}\n`);
}

async function waitForRedis(port) {
  const { benchRequire } = await import('./lib/common.mjs');
  const { Redis } = benchRequire('ioredis');
  for (let i = 0; i < 100; i++) {
    const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {});
    try {
      await r.connect();
      await r.flushall();
      await r.quit();
      return;
    } catch {
      r.disconnect();
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  throw new Error('redis-server did not start');
}
