// The admin API over HTTP, the request log, fault injection, reset and export/import.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEFAULT_APP, type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
import { RID, T0, client, start } from './helpers.js';

let emu: EmulatorHandle;
let c: ReturnType<typeof client>;
before(async () => {
  emu = await start();
  c = client(emu);
});
after(() => emu.close());
beforeEach(() => {
  emu.reset();
  emu.setClock(T0);
});

describe('start', () => {
  it('seeds a default app and a demo user; runs with zero config on real time', async () => {
    const plain = await startEmulator({ areas: [] });
    try {
      assert.match(plain.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(plain.defaultApp.appid, DEFAULT_APP.appid);
      assert.match(plain.defaultApp.appid, /^wx[0-9a-f]{16}$/);
      assert.match(plain.defaultApp.originalId, /^gh_[0-9a-f]{12}$/);
      assert.ok(Math.abs(plain.getClock().now - Date.now() / 1000) < 60);
      assert.equal(plain.listUsers().length, 1);
      assert.ok(plain.listUsers()[0]?.unionid);
    } finally {
      await plain.close();
    }
  });

  it('logs (when asked) without secrets', async () => {
    let out = '';
    const stream = new Writable({
      write(chunk, _enc, cb) {
        out += chunk;
        cb();
      },
    });
    const e2 = await startEmulator({ areas: [], logger: { level: 'info', stream } });
    try {
      const token = (await client(e2).classicToken()).json.access_token;
      await client(e2).get('/wxa/checksession', {
        access_token: token,
        openid: 'x',
        sig_method: 'hmac_sha256',
        signature: 'x',
      });
      assert.match(out, /\/cgi-bin\/token/);
      assert.ok(!out.includes(e2.defaultApp.secret));
      assert.ok(!out.includes(token));
    } finally {
      await e2.close();
    }
  });

  it('accepts apps; the first is the default app', async () => {
    const e2 = await startEmulator({ areas: [], apps: [{ appid: 'wx1111111111111111', secret: 's'.repeat(32) }, {}] });
    try {
      assert.equal(e2.defaultApp.appid, 'wx1111111111111111');
      assert.equal(e2.listApps().length, 2);
      const r = await client(e2).classicToken();
      assert.ok(r.json.access_token);
    } finally {
      await e2.close();
    }
  });
});

describe('admin API', () => {
  it('apps: list, create, get, update pages and push, validation and 404', async () => {
    assert.deepEqual(
      (await c.admin('GET', 'apps')).json.map((a: { appid: string }) => a.appid),
      [emu.defaultApp.appid],
    );
    const created = await c.admin('POST', 'apps', { name: 'Shop', pages: ['pages/index/index'] });
    assert.equal(created.status, 200);
    assert.match(created.json.appid, /^wx[0-9a-f]{16}$/);
    assert.match(created.json.secret, /^[0-9a-f]{32}$/);
    assert.equal((await c.admin('POST', 'apps', { appid: created.json.appid })).status, 409);
    const push = {
      url: 'http://127.0.0.1:9/wx',
      token: 't',
      mode: 'safe',
      format: 'json',
      encodingAESKey: 'a'.repeat(43),
    };
    const updated = await c.admin('PUT', `apps/${created.json.appid}`, { pages: ['pages/a/a'], push });
    assert.deepEqual(updated.json.pages, ['pages/a/a']);
    assert.deepEqual(updated.json.push, push);
    assert.equal(
      (await c.admin('PUT', `apps/${created.json.appid}`, { push: { ...push, encodingAESKey: 'short' } })).status,
      400,
    );
    assert.equal((await c.admin('PUT', `apps/${created.json.appid}`, { push: null })).json.push, undefined);
    assert.equal((await c.admin('GET', 'apps/wxnope')).status, 404);
    assert.equal((await c.admin('POST', 'apps', 'a string')).status, 400);
    const raw = await fetch(`${emu.url}/__emulator/apps`, { method: 'POST', body: '{not json' });
    assert.equal(raw.status, 400);
    assert.match((await raw.json()).error, /JSON/);
  });

  it('users, login codes, phone codes and payments over HTTP', async () => {
    const u = (await c.admin('POST', 'users', { unionid: 'un1', nickname: 'Ann' })).json;
    assert.match(u.openid, /^o.{27}$/);
    assert.equal(Buffer.from(u.session_key, 'base64').length, 16);
    assert.equal((await c.admin('GET', `users/${u.openid}`)).json.nickname, 'Ann');
    assert.equal((await c.admin('GET', 'users/onobody')).status, 404);
    assert.equal((await c.admin('GET', `users?appid=${emu.defaultApp.appid}`)).json.length, 2);
    assert.equal((await c.admin('POST', 'users', { openid: u.openid })).status, 409);
    assert.equal((await c.admin('POST', 'users', { appid: 'wxnope' })).status, 404);

    const code = (await c.admin('POST', 'login-codes', { openid: u.openid })).json;
    assert.equal(code.expires_at, T0 + 300);
    const login = await c.get('/sns/jscode2session', {
      appid: emu.defaultApp.appid,
      secret: emu.defaultApp.secret,
      js_code: code.code,
      grant_type: 'authorization_code',
    });
    assert.equal(login.json.unionid, 'un1');

    const phone = (await c.admin('POST', 'phone-codes', { phoneNumber: '13900000000' })).json;
    assert.ok(phone.code);
    assert.equal((await c.admin('POST', 'phone-codes', { phoneNumber: '+86 139' })).status, 400);

    const pay = await c.admin('POST', 'payments', { openid: u.openid, transaction_id: 'TX' });
    assert.equal(pay.json.paid_at, T0);
    assert.equal((await c.admin('POST', 'payments', { openid: u.openid })).status, 400);
    assert.equal((await c.admin('GET', 'payments')).json.length, 1);
  });

  it('clock: get, advance, set', async () => {
    assert.equal((await c.admin('GET', 'clock')).json.now, T0);
    assert.equal((await c.admin('POST', 'clock/advance', { seconds: 90 })).json.now, T0 + 90);
    const set = (await c.admin('POST', 'clock/set', { time: '2030-01-01T00:00:00Z' })).json;
    assert.equal(set.iso, '2030-01-01T00:00:00.000Z');
    assert.equal((await c.admin('POST', 'clock/advance', { seconds: 'x' })).status, 400);
  });

  it('request log: redacted, filterable by path, clearable', async () => {
    await c.stableToken();
    await c.classicToken();
    await c.get('/nope');
    const all = (await c.admin('GET', 'requests')).json;
    assert.equal(all.length, 3);
    const stable = all[0];
    assert.equal(stable.method, 'POST');
    assert.equal(stable.path, '/cgi-bin/stable_token');
    assert.equal(stable.body.secret, '***');
    assert.equal(stable.body.appid, emu.defaultApp.appid);
    assert.equal(stable.appid, emu.defaultApp.appid);
    assert.equal(stable.time, T0 * 1000);
    assert.equal(all[1].query.secret, '***');
    assert.equal(all[2].status, 404);
    assert.ok(!JSON.stringify(all).includes(emu.defaultApp.secret));
    assert.equal((await c.admin('GET', 'requests?path=/cgi-bin/token')).json.length, 1);
    assert.equal((await c.admin('GET', 'requests?path=/cgi-bin/*&limit=1')).json[0].path, '/cgi-bin/token');
    assert.equal((await c.admin('DELETE', 'requests')).status, 200);
    assert.deepEqual((await c.admin('GET', 'requests')).json, []);
    assert.equal(emu.tokenRequestCount(), 0);
  });

  it('reset: back to the seeded state', async () => {
    emu.createApp({});
    emu.createUser({});
    const t = await c.token();
    emu.reset();
    assert.equal(emu.listApps().length, 1);
    assert.equal(emu.listUsers().length, 1);
    const r = await c.get('/wxa/checksession', {
      access_token: t,
      openid: 'x',
      sig_method: 'hmac_sha256',
      signature: 'x',
    });
    assert.equal(r.json.errcode, 40001);
  });
});

describe('fault injection', () => {
  it('connection reset', async () => {
    emu.addFault({ path: '/cgi-bin/token', kind: 'reset', count: 1 });
    await assert.rejects(c.classicToken());
    assert.ok((await c.classicToken()).json.access_token, 'count 1: the next call passes');
    assert.equal(emu.requests({ path: '/cgi-bin/token' })[0]?.status, 0);
  });

  it('HTTP 5xx with the given status', async () => {
    const f = (await c.admin('POST', 'faults', { path: '/cgi-bin/*', kind: 'http', status: 503 })).json;
    const r = await c.classicToken();
    assert.equal(r.status, 503);
    assert.equal(emu.listFaults()[0]?.fired, 1);
    assert.equal((await c.admin('DELETE', `faults/${f.id}`)).status, 200);
    assert.equal((await c.classicToken()).status, 200);
    assert.equal((await c.admin('DELETE', `faults/${f.id}`)).status, 404);
  });

  it('errcode -1 and 40001 as HTTP 200 WeChat bodies, with a count limit', async () => {
    emu.addFault({ path: '/wxa/checksession', kind: 'errcode', errcode: 40001, count: 2 });
    const token = await c.token();
    const q = { access_token: token, openid: 'x', sig_method: 'hmac_sha256', signature: 'x' };
    for (let i = 0; i < 2; i++) {
      const r = await c.get('/wxa/checksession', q);
      assert.equal(r.status, 200);
      assert.equal(r.json.errcode, 40001);
      assert.match(r.json.errmsg, RID);
    }
    assert.equal((await c.get('/wxa/checksession', q)).json.errcode, 40003, 'retired after 2');
    assert.deepEqual(emu.listFaults(), []);
    emu.addFault({ path: '*', method: 'GET', kind: 'errcode' });
    assert.equal((await c.classicToken()).json.errcode, -1);
    assert.equal((await c.stableToken()).json.access_token !== undefined, true, 'method filter: POST passes');
  });

  it('latency and rate: rate 0 never fires, latency leaves the answer intact', async () => {
    emu.addFault({ path: '/cgi-bin/token', kind: 'http', status: 500, rate: 0 });
    emu.addFault({ path: '/cgi-bin/token', kind: 'latency', ms: 20 });
    const r = await c.classicToken();
    assert.equal(r.status, 200);
    assert.ok(r.json.access_token);
    const faults = emu.listFaults();
    assert.deepEqual(
      faults.map((f) => [f.kind, f.fired]),
      [
        ['http', 0],
        ['latency', 1],
      ],
    );
  });

  it('rejects invalid fault specs with 400', async () => {
    for (const bad of [
      { path: '/x', kind: 'explode' },
      { path: '/x', kind: 'http', rate: 2 },
      { kind: 'reset' },
      { path: '/x', kind: 'latency' },
    ])
      assert.equal((await c.admin('POST', 'faults', bad)).status, 400, JSON.stringify(bad));
    assert.equal((await c.admin('DELETE', 'faults')).status, 200);
  });
});

describe('exportState / importState', () => {
  it('round-trips apps, users, codes, payments, tokens and the clock into a fresh emulator', async () => {
    const app = emu.createApp({ name: 'Exported' });
    const user = emu.createUser({ appid: app.appid, unionid: 'u-exp' });
    const code = emu.createLoginCode({ appid: app.appid, openid: user.openid });
    emu.recordPayment({ appid: app.appid, openid: user.openid, transaction_id: 'EXP' });
    const token = (await c.classicToken(app.appid, app.secret)).json.access_token;
    emu.advanceClock(10);
    const snap = (await c.admin('GET', 'state')).json;

    const other = await start({ clock: { start: 1, frozen: true } });
    try {
      const oc = client(other);
      assert.equal((await oc.admin('PUT', 'state', snap)).status, 200);
      assert.equal(other.getClock().now, T0 + 10);
      assert.deepEqual(other.getUser(user.openid, app.appid), emu.getUser(user.openid, app.appid));
      const paid = await oc.get('/wxa/getpaidunionid', {
        access_token: token,
        openid: user.openid,
        transaction_id: 'EXP',
      });
      assert.equal(paid.json.unionid, 'u-exp', 'the token and the payment survived');
      const login = await oc.get('/sns/jscode2session', {
        appid: app.appid,
        secret: app.secret,
        js_code: code.code,
        grant_type: 'authorization_code',
      });
      assert.equal(login.json.openid, user.openid);
      assert.deepEqual(JSON.parse(JSON.stringify(other.exportState())).apps, snap.apps);
      assert.equal((await oc.admin('PUT', 'state', { version: 99 })).status, 400);
    } finally {
      await other.close();
    }
  });
});
