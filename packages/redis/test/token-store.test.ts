import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RedisTokenStore } from '@miniapp-server/redis';
import { Redis } from 'ioredis';
import { RedisServer } from './helpers/redis-server.js';

const HOUR = 3_600_000;
let server: RedisServer;
let redis: Redis;
const logs: string[] = [];
const logger = { warn: (m: string) => logs.push(m), info: (m: string) => logs.push(m) };

before(async () => {
  server = await RedisServer.start();
  redis = new Redis(server.port, '127.0.0.1');
});
after(async () => {
  await redis.quit();
  await server.stop();
});

function token(t: string, fetchedAt = Date.now(), lifeMs = 2 * HOUR) {
  return { token: t, fetchedAt, expiresAt: fetchedAt + lifeMs };
}

describe('RedisTokenStore', () => {
  test('set then get returns the same token; absent key is undefined', async () => {
    const store = new RedisTokenStore({ redis, keyPrefix: 't1:', logger });
    assert.equal(await store.get('stable:wxaaaa'), undefined);
    const v = token('TOKEN-1');
    await store.set('stable:wxaaaa', v);
    assert.deepEqual(await store.get('stable:wxaaaa'), v);
  });

  test('keys carry the appid as a cluster hash tag and separate token kinds', async () => {
    const store = new RedisTokenStore({ redis, keyPrefix: 't2:', logger });
    await store.set('stable:wx1111', token('S'));
    await store.set('classic:wx1111', token('C'));
    await store.set('stable:wx2222', token('S2'));
    const keys = (await redis.keys('t2:*')).sort();
    assert.deepEqual(keys, ['t2:{wx1111}:classic:token', 't2:{wx1111}:stable:token', 't2:{wx2222}:stable:token']);
    assert.equal((await store.get('stable:wx1111'))?.token, 'S');
    assert.equal((await store.get('classic:wx1111'))?.token, 'C');
    assert.equal((await store.get('stable:wx2222'))?.token, 'S2');
  });

  test('braces in a key cannot break out of the hash tag', async () => {
    const store = new RedisTokenStore({ redis, keyPrefix: 't3:', logger });
    await store.set('stable:wx}{evil:x', token('E'));
    const keys = await redis.keys('t3:*');
    assert.equal(keys.length, 1);
    assert.match(keys[0], /^t3:\{[^{}]+\}:stable:token$/);
    assert.equal((await store.get('stable:wx}{evil:x'))?.token, 'E');
  });

  test('different prefixes do not see each other', async () => {
    const a = new RedisTokenStore({ redis, keyPrefix: 'envA:', logger });
    const b = new RedisTokenStore({ redis, keyPrefix: 'envB:', logger });
    await a.set('stable:wx3333', token('A'));
    assert.equal(await b.get('stable:wx3333'), undefined);
  });

  test('the key expires with the token', async () => {
    const store = new RedisTokenStore({ redis, keyPrefix: 't4:', logger });
    await store.set('stable:wx4444', token('T', Date.now(), 7_200_000));
    const pttl = await redis.pttl('t4:{wx4444}:stable:token');
    assert.ok(pttl > 7_000_000 && pttl <= 7_200_000, `pttl ${pttl}`);
    // An already expired token is not stored at all.
    await store.set('stable:wx5555', token('OLD', Date.now() - 10_000, 5_000));
    assert.equal(await store.get('stable:wx5555'), undefined);
  });

  test('a token stamped by a virtual clock hours away still lives for its lifetime', async () => {
    const store = new RedisTokenStore({ redis, keyPrefix: 't4b:', logger });
    await store.set('stable:wx4444', token('V', Date.now() - 10 * HOUR, 7_200_000));
    const pttl = await redis.pttl('t4b:{wx4444}:stable:token');
    assert.ok(pttl > 7_000_000 && pttl <= 7_200_000, `pttl ${pttl}`);
  });

  test('a token fetched earlier never overwrites a newer one', async () => {
    const store = new RedisTokenStore({ redis, keyPrefix: 't5:', logger });
    const now = Date.now();
    await store.set('classic:wx6666', token('NEW', now));
    await store.set('classic:wx6666', token('LATE-OLD', now - 1000));
    assert.equal((await store.get('classic:wx6666'))?.token, 'NEW');
    await store.set('classic:wx6666', token('NEWER', now + 1));
    assert.equal((await store.get('classic:wx6666'))?.token, 'NEWER');
  });

  test('deleteIf deletes only the token it was given', async () => {
    const store = new RedisTokenStore({ redis, keyPrefix: 't6:', logger });
    await store.set('stable:wx7777', token('CURRENT'));
    assert.equal(await store.deleteIf('stable:wx7777', 'STALE'), false);
    assert.equal((await store.get('stable:wx7777'))?.token, 'CURRENT');
    assert.equal(await store.deleteIf('stable:wx7777', 'CURRENT'), true);
    assert.equal(await store.get('stable:wx7777'), undefined);
    assert.equal(await store.deleteIf('stable:wx7777', 'CURRENT'), false);
  });

  test('scripts are reloaded after SCRIPT FLUSH (NOSCRIPT fallback)', async () => {
    const store = new RedisTokenStore({ redis, keyPrefix: 't7:', logger });
    await store.set('stable:wx8888', token('X'));
    await redis.script('FLUSH');
    assert.equal(await store.deleteIf('stable:wx8888', 'X'), true);
  });

  test('a malformed stored value reads as absent', async () => {
    const store = new RedisTokenStore({ redis, keyPrefix: 't8:', logger });
    await redis.hset('t8:{wx9999}:stable:token', 't', 'X', 'e', 'not-a-number', 'f', '1');
    assert.equal(await store.get('stable:wx9999'), undefined);
  });

  test('a command Redis refuses is reported as a failed command, not as an outage', async () => {
    const store = new RedisTokenStore({ redis, keyPrefix: 't9:', logger });
    await redis.set('t9:{wxaaaa}:stable:token', 'a string, not a hash');
    await assert.rejects(store.get('stable:wxaaaa'), (err: Error) => {
      assert.equal(err.name, 'MiniAppError');
      assert.match(err.message, /^Redis token get failed: WRONGTYPE/);
      return true;
    });
  });

  test('rejects a non-ioredis argument clearly', () => {
    assert.throws(() => new RedisTokenStore({ redis: {} as never }), /pass an ioredis client/);
  });
});
