import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { RedisDedupeStore, RedisTokenStore } from '@miniapp-server/redis';
import { Redis } from 'ioredis';
import { RedisServer } from './helpers/redis-server.js';

const problems: unknown[] = [];
const onProblem = (e: unknown) => problems.push(e);
process.on('unhandledRejection', onProblem);
process.on('uncaughtException', onProblem);

let server: RedisServer;
let redis: Redis;
let silent: Server;
const silentSockets = new Set<Socket>();
const logs: string[] = [];
const logger = { warn: (m: string) => logs.push(`warn ${m}`), info: (m: string) => logs.push(`info ${m}`) };

before(async () => {
  server = await RedisServer.start();
  // Default ioredis options on purpose (offline queue on, 20 retries per request): the store
  // must fail fast anyway.
  redis = new Redis(server.port, '127.0.0.1');
  // A "Redis" that accepts connections and never answers (a black-holed network path).
  silent = createServer((s) => {
    silentSockets.add(s);
    s.on('close', () => silentSockets.delete(s));
  });
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
});
after(async () => {
  redis.disconnect();
  await server.stop();
  for (const s of silentSockets) s.destroy();
  silent.close();
  process.off('unhandledRejection', onProblem);
  process.off('uncaughtException', onProblem);
});

describe('Redis outage', () => {
  test('stop and restart redis-server: clear errors meanwhile, then the same client works again', async () => {
    const store = new RedisTokenStore({ redis, keyPrefix: 'o1:', logger });
    const dedupe = new RedisDedupeStore({ redis, keyPrefix: 'o1:', logger });
    const v = { token: 'T1', fetchedAt: Date.now(), expiresAt: Date.now() + 7_200_000 };
    await store.set('stable:wxo', v);

    await server.stop();
    while (redis.status === 'ready') await sleep(10);

    const ops: [string, () => Promise<unknown>][] = [
      ['get', () => store.get('stable:wxo')],
      ['set', () => store.set('stable:wxo', v)],
      ['deleteIf', () => store.deleteIf('stable:wxo', 'T1')],
      ['lock', () => store.lock.acquire('stable:wxo', 5000)],
      ['claim', () => dedupe.claim('m1', 60)],
      ['release', () => dedupe.release('m1')],
    ];
    for (const [name, op] of ops) {
      await assert.rejects(op(), (err: Error) => {
        assert.equal(err.name, 'MiniAppError', name);
        assert.match(err.message, /^Redis unavailable: /, name);
        return true;
      });
    }
    // Logged once, when ioredis reports the first failed reconnect (a clean close has no error).
    while (!logs.some((m) => m.startsWith('warn') && m.includes('Redis unavailable'))) await sleep(20);
    assert.equal(logs.filter((m) => m.startsWith('warn')).length, 1, 'one warning per outage, not one per retry');

    await server.start();
    // ioredis reconnects by itself (its retryStrategy backs off up to 2 s); poll until it does.
    let back: unknown;
    while (back === undefined) {
      back = await store.get('stable:wxo').catch(() => undefined);
      if (back === undefined) await sleep(100);
      // The restarted server has no data (no persistence): write it back once connected.
      if (back === undefined && (redis.status as string) === 'ready') await store.set('stable:wxo', v).catch(() => {});
    }
    assert.equal((back as { token: string }).token, 'T1');
    assert.equal(await dedupe.claim('m2', 60), true);
    const release = await store.lock.acquire('stable:wxo', 5000);
    assert.ok(release);
    await release();
    assert.ok(
      logs.some((m) => m.startsWith('info') && m.includes('back')),
      'recovery logged',
    );
    assert.deepEqual(problems, []);
  });

  test('a server that never answers: operations give up after commandTimeoutMs', async () => {
    const port = (silent.address() as { port: number }).port;
    const stuck = new Redis(port, '127.0.0.1');
    try {
      const store = new RedisTokenStore({ redis: stuck, commandTimeoutMs: 200, logger });
      await assert.rejects(
        store.get('stable:wxs'),
        /^MiniAppError: Redis unavailable: no reply to token get within 200 ms/,
      );
      await assert.rejects(store.lock.acquire('stable:wxs', 5000), /Redis unavailable/);
    } finally {
      stuck.disconnect();
    }
    assert.deepEqual(problems, []);
  });

  test('a Redis that was never reachable: errors name the cause', async () => {
    const nowhere = await RedisServer.start();
    const port = nowhere.port;
    await nowhere.stop();
    const down = new Redis(port, '127.0.0.1');
    try {
      const store = new RedisTokenStore({ redis: down, logger });
      while (down.status !== 'reconnecting') await sleep(10);
      await assert.rejects(store.get('stable:wxn'), (err: Error) => {
        assert.match(err.message, /Redis unavailable: connection is reconnecting/);
        assert.match(err.message, /ECONNREFUSED/);
        return true;
      });
    } finally {
      down.disconnect();
    }
    assert.deepEqual(problems, []);
  });
});
