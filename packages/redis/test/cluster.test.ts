// The cluster proof: N worker processes, each with its own MiniApp client, share one Redis token
// store against the emulator. Cold start and a cluster-wide 40001 must each cost exactly one
// token request; a Redis outage must not break calls nor crash anything, and coordination must
// come back with Redis.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
import { createSignedPush } from '@miniapp-server/sdk';
import { RedisServer } from './helpers/redis-server.js';

const WORKERS = 4;
const CALLS = 250; // concurrent calls per worker per burst
const workerScript = fileURLToPath(new URL('./helpers/cluster-worker.ts', import.meta.url));

interface Worker {
  proc: ChildProcess;
  output: string;
  problems: string[];
  pending: Map<number, (m: any) => void>;
}

let redisServer: RedisServer;
let emu: EmulatorHandle;
let appid: string;
const workers: Worker[] = [];
let nextId = 1;
const handled: { worker: string; msgId: string; ok: boolean }[] = [];
const PUSH_TOKEN = 'clusterProofToken';
const PUSH_AES_KEY = randomBytes(32).toString('base64').slice(0, 43);
let openid: string;

function ask(w: Worker, msg: Record<string, unknown>): Promise<any> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    w.pending.set(id, resolve);
    w.proc.send({ ...msg, id }, (err) => err && reject(err));
  });
}

async function burstAll(): Promise<{ ok: number; failed: number; errors: string[] }> {
  const results = await Promise.all(workers.map((w) => ask(w, { cmd: 'burst', calls: CALLS })));
  return {
    ok: results.reduce((a, r) => a + r.ok, 0),
    failed: results.reduce((a, r) => a + r.failed, 0),
    errors: results.flatMap((r) => r.errors),
  };
}

const tokenRequests = () => emu.tokenRequestCount(appid);

function assertHealthy(): void {
  for (const [i, w] of workers.entries()) {
    assert.deepEqual(w.problems, [], `worker ${i} reported unhandled errors`);
    assert.equal(w.proc.exitCode, null, `worker ${i} is still running (output: ${w.output.slice(-2000)})`);
  }
}

before(async () => {
  redisServer = await RedisServer.start();
  emu = await startEmulator({ port: 0 });
  appid = emu.defaultApp.appid;
  const user = emu.createUser({ unionid: 'oUnion-cluster-proof' });
  openid = user.openid;
  emu.recordPayment({ openid: user.openid, transaction_id: '4200000000cluster' });
  const env = {
    ...process.env,
    REDIS_PORT: String(redisServer.port),
    EMU_URL: emu.url,
    APPID: appid,
    SECRET: emu.defaultApp.secret,
    OPENID: user.openid,
    UNIONID: 'oUnion-cluster-proof',
    TRANSACTION_ID: '4200000000cluster',
    TOKEN_MODE: 'stable',
    PUSH_TOKEN,
    PUSH_AES_KEY,
  };
  const ready: Promise<unknown>[] = [];
  for (let i = 0; i < WORKERS; i++) {
    const proc = spawn(process.execPath, ['--conditions=@miniapp-server/source', '--import', 'tsx', workerScript], {
      env: { ...env, WORKER_INDEX: String(i) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const w: Worker = { proc, output: '', problems: [], pending: new Map() };
    proc.stdout?.on('data', (d) => {
      w.output += d;
    });
    proc.stderr?.on('data', (d) => {
      w.output += d;
    });
    ready.push(
      new Promise<void>((resolve, reject) => {
        proc.on('message', (m: any) => {
          if (m.type === 'ready') resolve();
          else if (m.type === 'handled') handled.push({ worker: m.worker, msgId: m.msgId, ok: m.ok });
          else if (m.type === 'problem') w.problems.push(`${m.kind}: ${m.message}`);
          else if (m.id !== undefined) {
            w.pending.get(m.id)?.(m);
            w.pending.delete(m.id);
          }
        });
        proc.once('exit', (code) => reject(new Error(`worker exited (${code}) before ready: ${w.output}`)));
      }),
    );
    workers.push(w);
  }
  await Promise.all(ready);
});

after(async () => {
  await Promise.all(
    workers.map(async (w) => {
      if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
      const exited = once(w.proc, 'exit');
      if (w.proc.connected) await ask(w, { cmd: 'exit' }).catch(() => {});
      // A worker that does not leave on its own is stopped: the runner must exit.
      const timer = setTimeout(() => w.proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }),
  );
  await emu?.close();
  await redisServer?.stop();
});

describe(`${WORKERS} workers x ${CALLS} concurrent calls sharing RedisTokenStore`, () => {
  test('cold cache: exactly one token request across the cluster', async (t) => {
    assert.equal(tokenRequests(), 0);
    const r = await burstAll();
    assert.deepEqual(r.errors, []);
    assert.equal(r.ok, WORKERS * CALLS);
    t.diagnostic(`cold: ${r.ok} calls, ${tokenRequests()} token request(s)`);
    assert.equal(tokenRequests(), 1);
    assertHealthy();
  });

  test('every token invalidated (40001 for everyone): exactly one refresh, every call succeeds', async (t) => {
    const before = tokenRequests();
    assert.ok(emu.invalidateTokens(appid).invalidated >= 1);
    const r = await burstAll();
    assert.deepEqual(r.errors, []);
    assert.equal(r.ok, WORKERS * CALLS);
    t.diagnostic(`after invalidation: ${r.ok} calls, ${tokenRequests() - before} token request(s)`);
    assert.equal(tokenRequests() - before, 1);
    assertHealthy();
  });

  function signedText(msgId: string, content: string) {
    return createSignedPush({
      token: PUSH_TOKEN,
      encodingAESKey: PUSH_AES_KEY,
      appId: appid,
      mode: 'safe',
      message: {
        ToUserName: 'gh_cluster_proof',
        FromUserName: openid,
        CreateTime: Math.floor(Date.now() / 1000),
        MsgType: 'text',
        Content: content,
        MsgId: msgId,
      },
    });
  }

  test('a push delivered to every worker (retries and concurrent copies) runs its handler once', async () => {
    const push = signedText('24000000000000000001', 'hello');
    // WeChat's retries landing on other workers, one after the other...
    for (const w of workers) assert.equal((await ask(w, { cmd: 'push', push })).status, 200);
    // ...and copies arriving at the same time.
    const concurrent = await Promise.all(workers.map((w) => ask(w, { cmd: 'push', push })));
    assert.deepEqual(
      concurrent.map((r) => r.status),
      workers.map(() => 200),
    );
    const runs = handled.filter((h) => h.msgId === '24000000000000000001');
    assert.equal(runs.length, 1, JSON.stringify(runs));
    assertHealthy();
  });

  test('a handler that fails releases the claim: the retry on another worker runs it, then no more', async () => {
    const push = signedText('24000000000000000002', 'fail-on-worker-0');
    assert.equal((await ask(workers[0], { cmd: 'push', push })).status, 500);
    assert.equal((await ask(workers[1], { cmd: 'push', push })).status, 200);
    assert.equal((await ask(workers[2], { cmd: 'push', push })).status, 200);
    const runs = handled.filter((h) => h.msgId === '24000000000000000002');
    assert.deepEqual(
      runs.map((r) => [r.worker, r.ok]),
      [
        ['0', false],
        ['1', true],
      ],
    );
    assertHealthy();
  });

  test('redis-server stopped and restarted mid-run: calls keep working, nothing crashes, sharing resumes', async (t) => {
    const start = tokenRequests();
    await redisServer.stop();

    // Redis down, token still valid: served from each process's memory, no new token request.
    let r = await burstAll();
    assert.deepEqual(r.errors, []);
    assert.equal(r.ok, WORKERS * CALLS);
    assert.equal(tokenRequests(), start);

    // Redis down and the token revoked: each process refreshes on its own (no coordination is
    // possible), at most one request per process, and every call still succeeds.
    emu.invalidateTokens(appid);
    r = await burstAll();
    assert.deepEqual(r.errors, []);
    assert.equal(r.ok, WORKERS * CALLS);
    const duringOutage = tokenRequests() - start;
    t.diagnostic(`Redis down + invalidation: ${r.ok} calls, ${duringOutage} token request(s)`);
    assert.ok(duringOutage >= 1 && duringOutage <= WORKERS, `${duringOutage} token requests during the outage`);

    const statuses = await Promise.all(workers.map((w) => ask(w, { cmd: 'status' })));
    for (const s of statuses) {
      assert.ok(
        s.warnings.some((m: string) => m.includes('Redis unavailable')),
        `worker logged the outage clearly: ${JSON.stringify(s.warnings.slice(0, 3))}`,
      );
    }

    // Redis back (empty: no persistence). The same ioredis clients reconnect by themselves.
    await redisServer.start();
    for (const w of workers) {
      while ((await ask(w, { cmd: 'status' })).redis !== 'ready') await sleep(100);
    }
    const afterRestart = tokenRequests();
    emu.invalidateTokens(appid);
    r = await burstAll();
    assert.deepEqual(r.errors, []);
    assert.equal(r.ok, WORKERS * CALLS);
    t.diagnostic(`Redis back + invalidation: ${r.ok} calls, ${tokenRequests() - afterRestart} token request(s)`);
    assert.equal(tokenRequests() - afterRestart, 1, 'one refresh across the cluster once Redis is back');
    assertHealthy();
  });
});
