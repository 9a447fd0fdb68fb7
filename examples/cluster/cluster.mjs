#!/usr/bin/env node
// A cluster of workers sharing one access token through Redis.
//
//   npm run build && REDIS_URL=redis://127.0.0.1:6379 node examples/cluster/cluster.mjs
//
// The primary starts the emulator (a local api.weixin.qq.com), seeds a paying user, and forks
// WORKERS processes. Each worker has its own MiniApp client with a RedisTokenStore and fires
// CALLS concurrent auth.getPaidUnionId calls, twice: on a cold cache, then after the emulator
// revoked every token (40001 for everyone). Each round costs one token request in total.
// Environment: REDIS_URL (default redis://127.0.0.1:6379), WORKERS (default 4), CALLS (default 200).
import cluster from 'node:cluster';
import { once } from 'node:events';

const WORKERS = Number(process.env.WORKERS ?? 4);
const CALLS = Number(process.env.CALLS ?? 200);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

if (cluster.isPrimary) {
  const { startEmulator } = await import('@miniapp-server/emulator');
  const emu = await startEmulator();
  const { appid, secret } = emu.defaultApp;
  const user = emu.createUser({ unionid: 'oUnion-example' });
  emu.recordPayment({ openid: user.openid, transaction_id: '4200000000example' });
  const env = {
    EMU_URL: emu.url,
    APPID: appid,
    SECRET: secret,
    OPENID: user.openid,
    TRANSACTION_ID: '4200000000example',
  };

  const workers = Array.from({ length: WORKERS }, () => cluster.fork(env));
  await Promise.all(workers.map((w) => once(w, 'message'))); // { ready }

  let failed = 0;
  async function round(label) {
    const before = emu.tokenRequestCount(appid);
    const results = await Promise.all(
      workers.map(async (w) => {
        w.send('run');
        const [r] = await once(w, 'message');
        return r;
      }),
    );
    const ok = results.reduce((a, r) => a + r.ok, 0);
    const errors = [...new Set(results.flatMap((r) => r.errors))];
    failed += WORKERS * CALLS - ok;
    console.log(
      `${label}: ${WORKERS} workers x ${CALLS} calls: ${ok} succeeded, ` +
        `${emu.tokenRequestCount(appid) - before} token request(s)${errors.length ? `; errors: ${errors.join(' | ')}` : ''}`,
    );
  }

  await round('cold cache');
  emu.invalidateTokens(appid);
  await round('after every token was revoked');

  for (const w of workers) w.send('exit');
  await Promise.all(workers.map((w) => once(w, 'exit')));
  await emu.close();
  process.exitCode = failed ? 1 : 0;
} else {
  const { MiniApp } = await import('@miniapp-server/sdk');
  const { RedisTokenStore } = await import('@miniapp-server/redis');
  const { Redis } = await import('ioredis');
  const env = process.env;

  // Fail fast rather than queue commands for a Redis that is down: the token manager then
  // serves the token it holds in memory (see docs/scaling.md).
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const app = new MiniApp({
    appId: env.APPID,
    appSecret: env.SECRET,
    baseUrl: env.EMU_URL,
    tokenStore: new RedisTokenStore({ redis, keyPrefix: 'miniapp-example:' }),
  });

  process.on('message', async (msg) => {
    if (msg === 'exit') {
      await app.close();
      await redis.quit();
      process.disconnect();
      return;
    }
    const results = await Promise.allSettled(
      Array.from({ length: CALLS }, () =>
        app.auth.getPaidUnionId({ openid: env.OPENID, transaction_id: env.TRANSACTION_ID }),
      ),
    );
    const errors = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason?.message));
    process.send({ ok: results.length - errors.length, errors: [...new Set(errors)].slice(0, 3) });
  });
  redis.once('ready', () => process.send({ ready: true }));
}
