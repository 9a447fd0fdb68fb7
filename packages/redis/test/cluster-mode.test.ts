// The stores through an ioredis Cluster client against a real three-primary Redis Cluster:
// hash-tagged keys keep each app's token and lock in one slot, scripts route by key, and
// different apps spread over the nodes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RedisDedupeStore, RedisTokenStore } from '@miniapp-server/redis';
import { Cluster } from 'ioredis';
import { RedisClusterServers } from './helpers/redis-cluster.js';

let servers: RedisClusterServers;
let cluster: Cluster;
const logger = { warn: () => {} };

before(async () => {
  servers = await RedisClusterServers.start();
  cluster = new Cluster([{ host: '127.0.0.1', port: servers.nodes[0].port }]);
  await new Promise<void>((resolve, reject) => {
    cluster.once('ready', resolve);
    cluster.once('error', reject);
  });
});
after(async () => {
  await cluster.quit();
  await servers.stop();
});

describe('Redis Cluster', () => {
  test('token and lock of one app share a slot; many apps work across the nodes', async () => {
    const store = new RedisTokenStore({ redis: cluster, logger });
    const apps = Array.from({ length: 12 }, (_, i) => `wx${String(i).padStart(16, '0')}`);
    const slots = new Set<number>();
    for (const appid of apps) {
      const key = `stable:${appid}`;
      const now = Date.now();
      await store.set(key, { token: `T-${appid}`, fetchedAt: now, expiresAt: now + 7_200_000 });
      assert.equal((await store.get(key))?.token, `T-${appid}`);
      const tokenSlot = await cluster.cluster('KEYSLOT', `miniapp:{${appid}}:stable:token`);
      const lockSlot = await cluster.cluster('KEYSLOT', `miniapp:{${appid}}:stable:lock`);
      assert.equal(tokenSlot, lockSlot);
      slots.add(Number(tokenSlot));
      const release = await store.lock.acquire(key, 5000);
      assert.ok(release);
      assert.equal(await store.lock.acquire(key, 5000), undefined);
      await release();
      assert.equal(await store.deleteIf(key, 'other'), false);
      assert.equal(await store.deleteIf(key, `T-${appid}`), true);
    }
    assert.ok(slots.size > 1);
  });

  test('push dedupe through the cluster client', async () => {
    const dedupe = new RedisDedupeStore({ redis: cluster, logger });
    assert.equal(await dedupe.claim('miniapp:push:wx1:msg:1', 60), true);
    assert.equal(await dedupe.claim('miniapp:push:wx1:msg:1', 60), false);
    await dedupe.release('miniapp:push:wx1:msg:1');
    assert.equal(await dedupe.claim('miniapp:push:wx1:msg:1', 60), true);
  });
});
