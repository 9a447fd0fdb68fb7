import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RedisDedupeStore } from '@miniapp-server/redis';
import { Redis } from 'ioredis';
import { RedisServer } from './helpers/redis-server.js';

let server: RedisServer;
let redis: Redis;
let redis2: Redis;
const logger = { warn: () => {} };

before(async () => {
  server = await RedisServer.start();
  redis = new Redis(server.port, '127.0.0.1');
  redis2 = new Redis(server.port, '127.0.0.1');
});
after(async () => {
  await redis.quit();
  await redis2.quit();
  await server.stop();
});

describe('RedisDedupeStore', () => {
  test('a key is claimed once across connections; release frees it', async () => {
    const a = new RedisDedupeStore({ redis, logger });
    const b = new RedisDedupeStore({ redis: redis2, logger });
    assert.equal(await a.claim('wx1:msg:1', 60), true);
    assert.equal(await b.claim('wx1:msg:1', 60), false);
    assert.equal(await a.claim('wx1:msg:1', 60), false);
    await b.release('wx1:msg:1');
    assert.equal(await a.claim('wx1:msg:1', 60), true);
  });

  test('concurrent claims of one key: exactly one true', async () => {
    const stores = [new RedisDedupeStore({ redis, logger }), new RedisDedupeStore({ redis: redis2, logger })];
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => stores[i % 2].claim('race', 60)));
    assert.equal(results.filter(Boolean).length, 1);
  });

  test('the key expires after the receiver TTL, or the configured override', async () => {
    const byReceiver = new RedisDedupeStore({ redis, keyPrefix: 'd1:', logger });
    await byReceiver.claim('k', 90);
    const ttl1 = await redis.ttl('d1:dedupe:k');
    assert.ok(ttl1 > 80 && ttl1 <= 90, `ttl ${ttl1}`);
    const fixed = new RedisDedupeStore({ redis, keyPrefix: 'd2:', ttlSeconds: 600, logger });
    await fixed.claim('k', 90);
    const ttl2 = await redis.ttl('d2:dedupe:k');
    assert.ok(ttl2 > 590 && ttl2 <= 600, `ttl ${ttl2}`);
  });

  test('rejects a nonsensical TTL', () => {
    assert.throws(() => new RedisDedupeStore({ redis, ttlSeconds: 0 }), /ttlSeconds/);
  });
});
