/**
 * The auth family, tokens, errors and retries through the public client against the emulator
 * over real HTTP.
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
  ValidationError,
  sessionSignature,
} from '@miniapp-server/sdk';
import { rejectsWith } from './helpers/errors.js';
import { assertNoSecrets } from './helpers/secrets.js';

let emu: EmulatorHandle;
const clients: MiniApp[] = [];
const errors: unknown[] = [];

function client(extra: Partial<MiniAppOptions> = {}): MiniApp {
  const app = new MiniApp({
    appId: emu.defaultApp.appid,
    appSecret: emu.defaultApp.secret,
    baseUrl: emu.url,
    retryBaseDelayMs: 5,
    ...extra,
  });
  clients.push(app);
  return app;
}

/** rejectsWith, keeping every error for the no-secrets check at the end. */
async function rejects<T extends Error>(p: Promise<unknown>, cls: new (...a: any[]) => T): Promise<T> {
  const e = await rejectsWith(p, cls);
  errors.push(e);
  return e;
}

before(async () => {
  emu = await startEmulator({ port: 0 });
});
after(async () => {
  for (const c of clients) await c.close();
  await emu.close();
});
beforeEach(() => {
  emu.reset();
});

describe('auth.code2Session', () => {
  test('returns openid, session_key and unionid; sends appid+secret, never an access_token', async () => {
    const app = client();
    const user = emu.createUser({ unionid: 'uUnion1' });
    const { code } = emu.createLoginCode({ openid: user.openid });
    const r = await app.auth.code2Session({ js_code: code });
    assert.equal(r.openid, user.openid);
    assert.equal(r.session_key, user.session_key);
    assert.equal(r.unionid, 'uUnion1');
    const log = emu.requests({ path: '/sns/jscode2session' });
    assert.equal(log.length, 1);
    assert.equal(log[0].method, 'GET');
    assert.equal(log[0].query.js_code, code);
    assert.equal(log[0].query.grant_type, 'authorization_code');
    assert.equal(log[0].query.appid, emu.defaultApp.appid);
    assert.ok(!('access_token' in log[0].query));
    assert.equal(emu.tokenRequestCount(), 0, 'login must not fetch a token');
  });

  test('a reused code is 40163, an expired code 40029, and neither is retried', async () => {
    const app = client();
    const { code } = emu.createLoginCode({});
    await app.auth.code2Session({ js_code: code });
    const e1 = await rejects(app.auth.code2Session({ js_code: code }), ApiError);
    assert.equal(e1.errcode, 40163);
    assert.equal(e1.api, 'auth.code2Session');
    assert.ok(e1.rid, 'rid parsed from errmsg');
    const { code: c2 } = emu.createLoginCode({});
    emu.advanceClock(301);
    const e2 = await rejects(app.auth.code2Session({ js_code: c2 }), ApiError);
    assert.equal(e2.errcode, 40029);
    assert.equal(emu.requests({ path: '/sns/jscode2session' }).length, 3);
  });

  test('missing js_code is a ValidationError and nothing is sent', async () => {
    const app = client();
    await rejects(app.auth.code2Session({} as any), ValidationError);
    await rejects(app.auth.code2Session(undefined as any), ValidationError);
    assert.equal(emu.requests({}).length, 0);
  });
});

describe('auth.getPaidUnionId', () => {
  test('works by transaction_id and by mch_id + out_trade_no within 5 minutes of payment', async () => {
    const app = client();
    const user = emu.createUser({ unionid: 'uPaid1' });
    emu.recordPayment({ openid: user.openid, transaction_id: 'T1' });
    emu.recordPayment({ openid: user.openid, mch_id: 'M1', out_trade_no: 'O1' });
    assert.equal((await app.auth.getPaidUnionId({ openid: user.openid, transaction_id: 'T1' })).unionid, 'uPaid1');
    assert.equal(
      (await app.auth.getPaidUnionId({ openid: user.openid, mch_id: 'M1', out_trade_no: 'O1' })).unionid,
      'uPaid1',
    );
    const q = emu.requests({ path: '/wxa/getpaidunionid' }).map((r) => r.query);
    assert.equal(q[0].transaction_id, 'T1');
    assert.equal(q[1].mch_id, 'M1');
    assert.equal(q[1].out_trade_no, 'O1');
    assert.ok(q[0].access_token, 'access_token in the query');
    emu.advanceClock(301);
    const e = await rejects(app.auth.getPaidUnionId({ openid: user.openid, transaction_id: 'T1' }), ApiError);
    assert.equal(e.errcode, 89300);
  });

  test('validation: both forms, or neither, are rejected before sending', async () => {
    const app = client();
    await rejects(app.auth.getPaidUnionId({ openid: 'o', transaction_id: 'T', mch_id: 'M' } as any), ValidationError);
    await rejects(app.auth.getPaidUnionId({ openid: 'o' } as any), ValidationError);
    await rejects(app.auth.getPaidUnionId({ openid: 'o', mch_id: 'M' } as any), ValidationError);
    assert.equal(emu.requests({}).length, 0);
  });
});

describe('checkSessionKey / resetUserSessionKey', () => {
  test('the SDK signs with the session_key text and never sends the key', async () => {
    const app = client();
    const user = emu.createUser({});
    const ok = await app.auth.checkSessionKey({ openid: user.openid, session_key: user.session_key });
    assert.equal(ok.errcode, 0);
    const [logged] = emu.requests({ path: '/wxa/checksession' });
    // The emulator verified sessionSignature(session_key) (it answered ok) and logs it redacted.
    assert.equal(logged.query.signature, '***');
    assert.equal(logged.query.sig_method, 'hmac_sha256');
    assert.match(sessionSignature(user.session_key), /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(logged).includes(user.session_key));
    const bad = await rejects(
      app.auth.checkSessionKey({ openid: user.openid, session_key: 'AAAAAAAAAAAAAAAAAAAAAA==' }),
      ApiError,
    );
    assert.equal(bad.errcode, 87009);
  });

  test('reset returns a new key; the old one then fails checkSessionKey', async () => {
    const app = client();
    const user = emu.createUser({});
    const r = await app.auth.resetUserSessionKey({ openid: user.openid, session_key: user.session_key });
    assert.equal(r.openid, user.openid);
    assert.notEqual(r.session_key, user.session_key);
    await app.auth.checkSessionKey({ openid: user.openid, session_key: r.session_key });
    const e = await rejects(app.auth.checkSessionKey({ openid: user.openid, session_key: user.session_key }), ApiError);
    assert.equal(e.errcode, 87009);
    assertNoSecrets(e, [user.session_key, r.session_key]);
  });
});

describe('phonenumber.getPhoneNumber', () => {
  test('returns phone_info with a string countryCode; a code is single-use', async () => {
    const app = client();
    const { code } = emu.createPhoneCode({ phoneNumber: '13800000000' });
    const r = await app.phonenumber.getPhoneNumber({ code });
    assert.equal(r.phone_info.purePhoneNumber, '13800000000');
    assert.equal(r.phone_info.countryCode, '86');
    assert.equal(r.phone_info.watermark.appid, emu.defaultApp.appid);
    const [logged] = emu.requests({ path: '/wxa/business/getuserphonenumber' });
    assert.equal(logged.method, 'POST');
    assert.deepEqual(logged.body, { code });
    const e = await rejects(app.phonenumber.getPhoneNumber({ code }), ApiError);
    assert.equal(e.errcode, 40029);
  });
});

describe('access tokens', () => {
  test('1000 concurrent calls on a cold cache make exactly 1 token request', async () => {
    const app = client();
    const user = emu.createUser({});
    const calls = Array.from({ length: 1000 }, () =>
      app.auth.checkSessionKey({ openid: user.openid, session_key: user.session_key }),
    );
    const results = await Promise.all(calls);
    assert.equal(results.length, 1000);
    assert.equal(emu.tokenRequestCount(), 1);
  });

  test('a 40001 storm (all tokens invalidated) → exactly 1 refresh and every call succeeds', async () => {
    const app = client();
    const user = emu.createUser({});
    const check = () => app.auth.checkSessionKey({ openid: user.openid, session_key: user.session_key });
    await check();
    assert.equal(emu.tokenRequestCount(), 1);
    emu.invalidateTokens();
    const results = await Promise.allSettled(Array.from({ length: 500 }, check));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 500);
    assert.equal(emu.tokenRequestCount(), 2);
    const rejected = emu.requests({ path: '/wxa/checksession' }).filter((r) => r.errcode === 40001).length;
    assert.ok(rejected >= 1, 'the storm really happened');
  });

  test('invalidate-if-same: a newer token in a shared store survives a stale 40001', async () => {
    const store = new MemoryTokenStore();
    const a = client({ tokenStore: store });
    const b = client({ tokenStore: store });
    const user = emu.createUser({});
    const check = (app: MiniApp) => app.auth.checkSessionKey({ openid: user.openid, session_key: user.session_key });
    await check(a);
    await check(b); // b adopts a's token from the store
    assert.equal(emu.tokenRequestCount(), 1);
    emu.invalidateTokens();
    await check(a); // 40001 → a refreshes: token 2 in the store
    assert.equal(emu.tokenRequestCount(), 2);
    await check(b); // b still holds token 1 → 40001 → must not delete token 2, just re-read it
    assert.equal(emu.tokenRequestCount(), 2);
    assert.equal(await a.accessToken(), await b.accessToken());
  });

  test('classic mode uses GET /cgi-bin/token; stable mode POSTs JSON to /cgi-bin/stable_token', async () => {
    await client({ tokenMode: 'classic' }).accessToken();
    await client({ tokenMode: 'stable' }).accessToken();
    const classic = emu.requests({ path: '/cgi-bin/token' });
    const stable = emu.requests({ path: '/cgi-bin/stable_token' });
    assert.equal(classic.length, 1);
    assert.equal(classic[0].method, 'GET');
    assert.equal(classic[0].query.grant_type, 'client_credential');
    assert.equal(stable.length, 1);
    assert.equal(stable[0].method, 'POST');
    assert.equal((stable[0].body as any).grant_type, 'client_credential');
    assert.equal((stable[0].body as any).appid, emu.defaultApp.appid);
    assert.equal((stable[0].body as any).force_refresh, undefined);
    assert.equal((stable[0].body as any).secret, '***', 'the emulator log redacts the secret');
  });

  test('stable mode: when WeChat hands back the very token that failed, force_refresh once', async () => {
    const app = client();
    const user = emu.createUser({});
    const t1 = await app.accessToken();
    // The token is still valid at WeChat, but a business call is refused once with 40001.
    emu.addFault({ path: '/wxa/checksession', kind: 'errcode', errcode: 40001, count: 1 });
    await app.auth.checkSessionKey({ openid: user.openid, session_key: user.session_key });
    const t2 = await app.accessToken();
    assert.notEqual(t2, t1);
    const bodies = emu.requests({ path: '/cgi-bin/stable_token' }).map((r) => (r.body as any).force_refresh);
    assert.deepEqual(bodies, [undefined, undefined, true]);
  });

  test('forceRefresh asks for a new token (stable: force_refresh)', async () => {
    const app = client();
    const t1 = await app.accessToken();
    const t2 = await app.accessToken({ forceRefresh: true });
    assert.notEqual(t1, t2);
    assert.equal(await app.accessToken(), t2);
  });

  test('refresh-ahead: with < 5 minutes left, the old token is served while one background refresh runs', async () => {
    let now = Date.now();
    const app = client({ clock: { now: () => now }, tokenMode: 'classic' });
    const t1 = await app.accessToken();
    now += 7000 * 1000; // 200 s left of 7200
    emu.advanceClock(7000);
    const served = await Promise.all([app.accessToken(), app.accessToken(), app.accessToken()]);
    assert.deepEqual(served, [t1, t1, t1]);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(emu.tokenRequestCount(), 2, 'one background refresh');
    const t2 = await app.accessToken();
    assert.notEqual(t2, t1);
    now += 7300 * 1000; // both expired locally: the caller waits for a fresh one
    emu.advanceClock(7300);
    const t3 = await app.accessToken();
    assert.notEqual(t3, t2);
    assert.equal(emu.tokenRequestCount(), 3);
  });

  test('a custom accessToken source is used and told which token failed', async () => {
    const seen: Array<string | undefined> = [];
    const central = client();
    const app = client({
      appSecret: undefined,
      accessToken: async ({ failedToken }) => {
        seen.push(failedToken);
        return central.accessToken({ forceRefresh: !!failedToken });
      },
    });
    const user = emu.createUser({});
    emu.addFault({ path: '/wxa/checksession', kind: 'errcode', errcode: 42001, count: 1 });
    await app.auth.checkSessionKey({ openid: user.openid, session_key: user.session_key });
    assert.equal(seen.length, 2);
    assert.equal(seen[0], undefined);
    assert.equal(typeof seen[1], 'string');
  });

  test('a wrong secret fails clearly, without leaking the secret', async () => {
    const secret = 'ffffffffffffffffffffffffffff0001';
    const app = client({ appSecret: secret });
    const user = emu.createUser({});
    const e = await rejects(app.auth.checkSessionKey({ openid: user.openid, session_key: user.session_key }), ApiError);
    assert.equal(e.api, 'auth.getStableAccessToken');
    assertNoSecrets(e, [secret]);
  });
});

describe('errors and retries', () => {
  test('errcode -1 on an idempotent endpoint is retried with backoff', async () => {
    const app = client();
    const user = emu.createUser({});
    emu.addFault({ path: '/wxa/checksession', kind: 'errcode', errcode: -1, count: 2 });
    await app.auth.checkSessionKey({ openid: user.openid, session_key: user.session_key });
    assert.equal(emu.requests({ path: '/wxa/checksession' }).length, 3);
  });

  test('HTTP 5xx on an idempotent endpoint is retried, up to maxRetries, then HttpError', async () => {
    const app = client({ maxRetries: 1 });
    const user = emu.createUser({});
    emu.addFault({ path: '/wxa/checksession', kind: 'http', status: 503 });
    const e = await rejects(
      app.auth.checkSessionKey({ openid: user.openid, session_key: user.session_key }),
      HttpError,
    );
    assert.equal(e.status, 503);
    assert.equal(emu.requests({ path: '/wxa/checksession' }).length, 2);
  });

  test('a non-idempotent call is never retried once it may have reached WeChat', async () => {
    const app = client();
    const { code } = emu.createPhoneCode({ phoneNumber: '13800000001' });
    emu.addFault({ path: '/wxa/business/getuserphonenumber', kind: 'reset', count: 1 });
    const e = await rejects(app.phonenumber.getPhoneNumber({ code }), NetworkError);
    assert.equal(e.sent, true);
    emu.clearFaults();
    emu.addFault({ path: '/wxa/business/getuserphonenumber', kind: 'errcode', errcode: -1, count: 1 });
    const e2 = await rejects(app.phonenumber.getPhoneNumber({ code }), ApiError);
    assert.equal(e2.errcode, -1);
    assert.equal(emu.requests({ path: '/wxa/business/getuserphonenumber' }).length, 2);
  });

  test('a connection refused before sending is retried even for non-idempotent calls, then NetworkError', async () => {
    const dead = await startEmulator({ port: 0 });
    const url = dead.url;
    await dead.close();
    const app = new MiniApp({
      appId: 'wx1',
      appSecret: 's'.repeat(32),
      baseUrl: url,
      retryBaseDelayMs: 1,
      maxRetries: 2,
    });
    clients.push(app);
    const e = await rejects(app.auth.code2Session({ js_code: 'x' }), NetworkError);
    assert.equal(e.sent, false);
    assert.equal(e.code, 'ECONNREFUSED');
  });

  test('the connection pool is made with the first request: bad `connections` still fail at construction, and a client closed before any request fails its calls', async () => {
    const options = { appId: emu.defaultApp.appid, appSecret: emu.defaultApp.secret, baseUrl: emu.url };
    for (const connections of [-1, Number.NaN, '8' as any]) {
      assert.throws(() => new MiniApp({ ...options, connections }), ValidationError);
    }
    const app = new MiniApp({ ...options, maxRetries: 0 });
    await app.close();
    const e = await rejects(app.accessToken(), NetworkError);
    assert.equal(e.code, 'UND_ERR_CLOSED');
    assert.equal(emu.requests({}).length, 0);
  });

  test('a slow answer is a TimeoutError (per-call timeoutMs)', async () => {
    const app = client({ maxRetries: 0 });
    await app.accessToken();
    const user = emu.createUser({});
    emu.addFault({ path: '/wxa/checksession', kind: 'latency', ms: 400, count: 1 });
    const e = await rejects(
      app.auth.checkSessionKey({ openid: user.openid, session_key: user.session_key }, { timeoutMs: 50 }),
      TimeoutError,
    );
    assert.equal(e.timeoutMs, 50);
  });

  test('an AbortSignal cancels a call', async () => {
    const app = client({ maxRetries: 0 });
    await app.accessToken();
    const user = emu.createUser({});
    emu.addFault({ path: '/wxa/checksession', kind: 'latency', ms: 400, count: 1 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(
      app.auth.checkSessionKey({ openid: user.openid, session_key: user.session_key }, { signal: ac.signal }),
    );
  });

  test('app.request reaches paths outside the table through the same executor', async () => {
    const app = client();
    const user = emu.createUser({ unionid: 'uRaw' });
    emu.recordPayment({ openid: user.openid, transaction_id: 'TR' });
    const r = await app.request({
      method: 'GET',
      path: '/wxa/getpaidunionid',
      query: { openid: user.openid, transaction_id: 'TR' },
    });
    assert.equal(r.unionid, 'uRaw');
    const e = await rejects(
      app.request({ method: 'POST', path: '/wxa/no_such_api', body: { a: 1 } }),
      MiniAppErrorLike(),
    );
    assert.ok(e);
  });

  test('app.call reaches any table endpoint by official name; unknown names are ValidationErrors', async () => {
    const app = client();
    const user = emu.createUser({});
    const r = await app.call('auth.checkSessionKey', { openid: user.openid, session_key: user.session_key });
    assert.equal(r.errcode, 0);
    assert.throws(() => app.call('auth.nope', {}), ValidationError);
  });

  test('app.decryptData checks the watermark against its own appid', async () => {
    const app = new MiniApp({ appId: 'wx4f4bc4dec97d474b', appSecret: 'x'.repeat(32) });
    clients.push(app);
    const { readFileSync } = await import('node:fs');
    const v = JSON.parse(readFileSync(new URL('./fixtures/vectors.json', import.meta.url), 'utf8')).open_data[0];
    const out = app.decryptData({ sessionKey: v.session_key, encryptedData: v.encrypted_data, iv: v.iv });
    assert.equal((out as any).openId, JSON.parse(v.plaintext).openId);
  });

  test('no error produced in this file carries the appsecret, a token or a session_key', async () => {
    const app = client();
    const token = await app.accessToken();
    assert.ok(errors.length > 10);
    for (const e of errors) assertNoSecrets(e, [emu.defaultApp.secret, token]);
  });
});

function MiniAppErrorLike() {
  return Error as unknown as new (
    ...a: any[]
  ) => Error;
}
