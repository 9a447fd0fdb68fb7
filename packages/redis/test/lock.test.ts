import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { RedisTokenStore } from '@miniapp-server/redis';
import { Redis } from 'ioredis';
import { RedisServer } from './helpers/redis-server.js';

let server: RedisServer;
const clients: Redis[] = [];
const logs: string[] = [];
const logger = { warn: (m: string) => logs.push(m), info: (m: string) => logs.push(m) };

function client(): Redis {
  const c = new Redis(server.port, '127.0.0.1');
  clients.push(c);
  return c;
}

before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  for (const c of clients) if (c.status !== 'end') await c.quit().catch(() => c.disconnect());
  await server.stop();
});

describe('RedisTokenLock', () => {
  test('one holder at a time across clients; release lets the next one in', async () => {
    const a = new RedisTokenStore({ redis: client(), keyPrefix: 'l1:', logger });
    const b = new RedisTokenStore({ redis: client(), keyPrefix: 'l1:', logger });
    const releaseA = await a.lock.acquire('stable:wx1', 10_000);
    assert.ok(releaseA);
    assert.equal(await b.lock.acquire('stable:wx1', 10_000), undefined);
    // Other apps and kinds have their own lock.
    const other = await b.lock.acquire('classic:wx1', 10_000);
    assert.ok(other);
    await other();
    await releaseA();
    await releaseA(); // idempotent
    const releaseB = await b.lock.acquire('stable:wx1', 10_000);
    assert.ok(releaseB);
    await releaseB();
  });

  test('many concurrent acquirers on several connections: exactly one wins', async () => {
    const stores = Array.from({ length: 5 }, () => new RedisTokenStore({ redis: client(), keyPrefix: 'l2:', logger }));
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => stores[i % stores.length].lock.acquire('stable:wxrace', 10_000)),
    );
    const winners = results.filter((r) => r !== undefined);
    assert.equal(winners.length, 1);
    await winners[0]!();
  });

  test('release never deletes a lock someone else now owns (compare-and-delete)', async () => {
    const redis = client();
    const store = new RedisTokenStore({ redis, keyPrefix: 'l3:', logger });
    const release = await store.lock.acquire('stable:wx3', 10_000);
    assert.ok(release);
    // Simulate: our lease ran out and another process took the lock.
    await redis.set('l3:{wx3}:stable:lock', 'someone-else', 'PX', 10_000);
    await release();
    assert.equal(await redis.get('l3:{wx3}:stable:lock'), 'someone-else');
  });

  test('the lease is renewed while held, so a slow fetch keeps the lock', async () => {
    const redis = client();
    const store = new RedisTokenStore({ redis, keyPrefix: 'l4:', logger });
    // Renewal every 200 ms keeps a 600 ms lease alive for 1.5 s (2.5 leases).
    const release = await store.lock.acquire('stable:wx4', 600);
    assert.ok(release);
    await sleep(1500);
    assert.ok(await redis.get('l4:{wx4}:stable:lock'), 'lock still held after several lease lengths');
    await release();
    assert.equal(await redis.get('l4:{wx4}:stable:lock'), null);
  });

  test('a holder that dies loses the lock once its lease runs out', async () => {
    const dying = client();
    const holder = new RedisTokenStore({ redis: dying, keyPrefix: 'l5:', logger });
    const other = new RedisTokenStore({ redis: client(), keyPrefix: 'l5:', logger });
    assert.ok(await holder.lock.acquire('stable:wx5', 200));
    dying.disconnect(); // renewals now fail fast; nobody releases
    let got: (() => Promise<void>) | undefined;
    while (!got) {
      got = await other.lock.acquire('stable:wx5', 10_000);
      if (!got) await sleep(50);
    }
    await got();
  });

  test('holding beyond maxLockHoldMs stops renewal and lets the lease lapse', async () => {
    // Lease 1 s, renewal every 333 ms, hold limit 200 ms: the first renewal tick already finds
    // the limit passed, long before the lease could lapse on its own under a loaded CPU.
    const store = new RedisTokenStore({ redis: client(), keyPrefix: 'l6:', logger, maxLockHoldMs: 200 });
    const redis = client();
    assert.ok(await store.lock.acquire('stable:wx6', 1000));
    while ((await redis.get('l6:{wx6}:stable:lock')) !== null) await sleep(50);
    assert.ok(logs.some((m) => m.includes('l6:{wx6}:stable:lock') && m.includes('no longer renewing')));
    assert.ok(!logs.some((m) => m.includes('l6:{wx6}:stable:lock') && m.includes('was lost')));
  });
});
