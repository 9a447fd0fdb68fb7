/**
 * The access token under faults, through the public client against the emulator: token fetches
 * retried and shared, forced refreshes rationed, the stored token kept until a new one is in hand,
 * the token WeChat confirms replayed once, and errors that say which stage failed.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
import {
  ApiError,
  HttpError,
  MemoryTokenStore,
  MiniApp,
  type MiniAppOptions,
  NetworkError,
  TimeoutError,
} from '@miniapp-server/sdk';
import { rejectsWith } from './helpers/errors.js';

let emu: EmulatorHandle;
const clients: MiniApp[] = [];

function client(extra: Partial<MiniAppOptions> = {}): MiniApp {
  const app = new MiniApp({
    appId: emu.defaultApp.appid,
    appSecret: emu.defaultApp.secret,
    baseUrl: emu.url,
    retryBaseDelayMs: 2,
    timeoutMs: 1000,
    ...extra,
  });
  clients.push(app);
  return app;
}

const stableRequests = () => emu.requests({ path: '/cgi-bin/stable_token' });
const forces = () => stableRequests().map((r) => (r.body as { force_refresh?: boolean }).force_refresh === true);

before(async () => {
  emu = await startEmulator({ port: 0 });
});
after(async () => {
  for (const c of clients) await c.close();
  await emu.close();
});
beforeEach(() => emu.reset());

function check(app: MiniApp, user: { openid: string; session_key: string }) {
  return app.auth.checkSessionKey({ openid: user.openid, session_key: user.session_key });
}

describe('token fetches under faults', () => {
  const transient = [
    { kind: 'reset' as const },
    { kind: 'http' as const, status: 503 },
    { kind: 'errcode' as const, errcode: -1 },
    { kind: 'latency' as const, ms: 3500 }, // past the 2 s timeout of this test (undici's timers are ~1 s coarse)
  ];
  for (const fault of transient) {
    test(`a ${fault.kind} on the token endpoint is retried, and 50 waiting calls share the retried fetch`, async () => {
      const app = client(fault.kind === 'latency' ? { timeoutMs: 2000 } : {});
      const user = emu.createUser({});
      emu.addFault({ path: '/cgi-bin/stable_token', count: 1, ...fault });
      const results = await Promise.all(Array.from({ length: 50 }, () => check(app, user)));
      assert.equal(results.length, 50);
      // A request held by a latency fault is logged once it is handled: wait for it, so it
      // neither escapes this test nor lands in the next one's log.
      for (let i = 0; i < 60 && !stableRequests().some((r) => r.faultLatencyMs); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(stableRequests().length, 2, 'one faulted attempt, one retry, shared by all 50 calls');
    });
  }

  test('a forced refresh that may have reached WeChat is not retried (each force is rationed)', async () => {
    const app = client();
    await app.accessToken();
    emu.clearRequests();
    emu.addFault({ path: '/cgi-bin/stable_token', kind: 'http', status: 502, count: 1 });
    const e = await rejectsWith(app.accessToken({ forceRefresh: true }), HttpError);
    assert.equal(e.api, 'auth.getStableAccessToken');
    emu.addFault({ path: '/cgi-bin/stable_token', kind: 'reset', count: 1 });
    await rejectsWith(app.accessToken({ forceRefresh: true }), NetworkError);
    assert.deepEqual(forces(), [true, true], 'one attempt per forced refresh');
  });

  test('when the replacement fetch fails, the stored token is kept, the error says stage "token", and the next call recovers', async () => {
    const store = new MemoryTokenStore();
    const app = client({ tokenStore: store, maxRetries: 1 });
    const user = emu.createUser({});
    const t1 = await app.accessToken();
    emu.addFault({ path: '/wxa/checksession', kind: 'errcode', errcode: 40001, count: 1 });
    emu.addFault({ path: '/cgi-bin/stable_token', kind: 'http', status: 500, count: 2 });
    const e = await rejectsWith(check(app, user), HttpError);
    assert.equal(e.stage, 'token');
    assert.equal(e.api, 'auth.getStableAccessToken');
    assert.equal(
      (await store.get(`stable:${emu.defaultApp.appid}`))?.token,
      t1,
      'not deleted before a new one is in hand',
    );
    await check(app, user);
    assert.equal(await app.accessToken(), t1, 'WeChat still hands out t1: it is used again');
  });

  test('40001 for a token WeChat still confirms: ask, force (within 30 s: same token), replay once with it — 2 token requests', async () => {
    const app = client();
    const user = emu.createUser({});
    const t1 = await app.accessToken({ forceRefresh: true }); // a force just happened: the next one cannot change the token
    emu.clearRequests();
    emu.addFault({ path: '/wxa/checksession', kind: 'errcode', errcode: 40001, count: 1 });
    const results = await Promise.all(Array.from({ length: 20 }, () => check(app, user)));
    assert.equal(results.length, 20);
    assert.deepEqual(forces(), [false, true], 'asked once, forced once, for the whole 40001 event');
    assert.equal(await app.accessToken(), t1);
    assert.equal(emu.requests({ path: '/wxa/checksession' }).filter((r) => r.errcode === 40001).length, 1);
  });

  test('a force that fails after stable_token confirmed the rejected token does not fail the call (45009: forces used up)', async () => {
    const app = client();
    const user = emu.createUser({});
    for (let i = 0; i < 20; i++) {
      emu.advanceClock(31); // forces at least 30 s apart each refresh (and count)
      await app.accessToken({ forceRefresh: true });
    }
    emu.advanceClock(31);
    const current = await app.accessToken();
    emu.clearRequests();
    emu.addFault({ path: '/wxa/checksession', kind: 'errcode', errcode: 40001, count: 1 });
    await check(app, user);
    assert.deepEqual(forces(), [false, true]);
    assert.equal(emu.requests({ path: '/cgi-bin/stable_token' })[1]?.errcode, 45009, 'the force was refused');
    assert.equal(await app.accessToken(), current);
  });

  test('a refresh-ahead in flight that brings back the rejected token counts as the first ask', async () => {
    let now = Date.now();
    const app = client({ clock: { now: () => now } });
    const user = emu.createUser({});
    const t1 = await app.accessToken();
    now += 7000 * 1000; // 200 s left: the next call starts a background refresh
    emu.addFault({ path: '/cgi-bin/stable_token', kind: 'latency', ms: 100, count: 1 });
    emu.addFault({ path: '/wxa/checksession', kind: 'errcode', errcode: 40001, count: 1 });
    emu.clearRequests();
    await check(app, user); // served t1, background ask in flight; 40001 joins it, then forces
    assert.deepEqual(forces(), [false, true]);
    assert.notEqual(await app.accessToken(), t1);
  });
});

describe('errors tell the stage and whether a call may have reached WeChat', () => {
  test("the call's own failure is stage 'call'", async () => {
    const app = client({ maxRetries: 0 });
    const user = emu.createUser({});
    await app.accessToken();
    emu.addFault({ path: '/wxa/checksession', kind: 'http', status: 502, count: 1 });
    const e = await rejectsWith(check(app, user), HttpError);
    assert.equal(e.stage, 'call');
    assert.equal(e.api, 'auth.checkSessionKey');
  });

  test('a timed-out send has sent=true and is never retried; a timed-out read is retried', async () => {
    // 800 ms: the transport's precise timer (undici's own is ~1 s coarse); faults hold 1.5 s.
    const app = client({ timeoutMs: 800 });
    const user = emu.createUser({});
    await emu.messages.userMessage({ openid: user.openid });
    await app.accessToken();
    emu.clearRequests();
    const held = (path: string) => emu.requests({ path }).filter((r) => r.faultLatencyMs).length;
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 50 && !cond(); i++) await new Promise((r) => setTimeout(r, 100));
    };
    emu.addFault({ path: '/cgi-bin/message/custom/send', kind: 'latency', ms: 1500, count: 1 });
    const e = await rejectsWith(
      app.customerServiceMessage.send({ touser: user.openid, msgtype: 'text', text: { content: 'once' } }),
      TimeoutError,
    );
    assert.equal(e.sent, true);
    assert.equal(e.stage, 'call');
    await until(() => held('/cgi-bin/message/custom/send') === 1);
    assert.equal(emu.requests({ path: '/cgi-bin/message/custom/send' }).length, 1, 'not retried');
    // The ambiguous send did reach WeChat: the user got it once.
    assert.equal(emu.messages.inbox({ openid: user.openid }).length, 1);
    emu.addFault({ path: '/wxa/checksession', kind: 'latency', ms: 1500, count: 1 });
    await check(app, user);
    await until(() => held('/wxa/checksession') === 1);
    assert.equal(emu.requests({ path: '/wxa/checksession' }).length, 2, 'the timed-out read was retried once');
  });

  test('an errcode the token endpoint answers for bad credentials is not retried and is stage "token"', async () => {
    const app = client({ appSecret: 'f'.repeat(32) });
    const user = emu.createUser({});
    const e = await rejectsWith(check(app, user), ApiError);
    assert.equal(e.stage, 'token');
    assert.equal(stableRequests().length, 1);
  });
});
