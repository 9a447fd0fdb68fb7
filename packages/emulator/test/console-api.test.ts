// What the console relies on, over plain HTTP: the page and its assets, the live event stream,
// masked secrets in admin views, and the request-log filters and stats.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import { ensureConsoleBuilt } from './console/browser.js';
import { client, start } from './helpers.js';

/** Reads server-sent events from /__emulator/events into `notices`. */
async function listen(emu: EmulatorHandle) {
  const controller = new AbortController();
  const res = await fetch(`${emu.url}/__emulator/events`, { signal: controller.signal });
  const notices: { topic: string; data?: any }[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
          const event = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = event.split('\n').find((l) => l.startsWith('data: '));
          if (data) notices.push(JSON.parse(data.slice(6)));
        }
      }
    } catch {}
  })();
  return {
    res,
    notices,
    /** Resolves with the first notice on `topic` (waiting for it). */
    async next(topic: string, from = 0) {
      for (let i = 0; i < 200; i++) {
        const hit = notices.slice(from).find((n) => n.topic === topic);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no ${topic} notice; got ${notices.map((n) => n.topic).join(', ')}`);
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}

describe('console: served by the emulator', () => {
  let emu: EmulatorHandle;
  before(async () => {
    ensureConsoleBuilt();
    emu = await start({ areas: undefined });
  });
  after(() => emu.close());

  it('serves the page and its bundle at /__emulator/ui, no external URL in them', async () => {
    for (const path of ['/__emulator/ui', '/__emulator/ui/']) {
      const res = await fetch(`${emu.url}${path}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      const html = await res.text();
      assert.match(html, /\/__emulator\/ui\/app\.js/);
      assert.doesNotMatch(html, /https?:\/\//);
    }
    const js = await fetch(`${emu.url}/__emulator/ui/app.js`);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.doesNotMatch(await js.text(), /https?:\/\/(?!www\.w3\.org)/); // only SVG namespaces
    assert.match((await fetch(`${emu.url}/__emulator/ui/app.css`)).headers.get('content-type') ?? '', /text\/css/);
    assert.equal((await fetch(`${emu.url}/__emulator/ui/nope.js`)).status, 404);
    assert.equal((await fetch(`${emu.url}/__emulator/ui/..%2Fpackage.json`)).status, 404);
  });
});

describe('console: admin views and events', () => {
  let emu: EmulatorHandle;
  let c: ReturnType<typeof client>;
  const push = {
    url: 'http://127.0.0.1:9/wx',
    token: 'tok123456',
    mode: 'safe',
    format: 'json',
    encodingAESKey: 'a'.repeat(43),
  };
  before(async () => {
    emu = await start();
    c = client(emu);
  });
  after(() => emu.close());

  it('masks secrets in read views; create, update and the snapshot echo them except to the console', async () => {
    const created = await c.admin('POST', 'apps', { name: 'Shop', push });
    assert.match(created.json.secret, /^[0-9a-f]{32}$/);
    const { appid, secret } = created.json;
    const read = (await c.admin('GET', `apps/${appid}`)).json;
    assert.equal(read.secret, '***');
    assert.deepEqual(read.push, { ...push, token: '***', encodingAESKey: '***' });
    const list = JSON.stringify((await c.admin('GET', 'apps')).json);
    for (const s of [secret, push.token, push.encodingAESKey, emu.defaultApp.secret]) assert.ok(!list.includes(s));

    const user = (await c.admin('POST', 'users', { appid })).json;
    assert.equal(Buffer.from(user.session_key, 'base64').length, 16);
    assert.equal((await c.admin('GET', `users/${user.openid}?appid=${appid}`)).json.session_key, '***');
    assert.ok(!JSON.stringify((await c.admin('GET', 'users')).json).includes(user.session_key));
    assert.equal((await c.admin('GET', 'state')).json.apps[appid].secret, secret);

    const asConsole = await fetch(`${emu.url}/__emulator/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-emulator-console': '1' },
      body: JSON.stringify({ appid }),
    });
    assert.equal((await asConsole.json()).session_key, '***');
    // Tokens are listed without their values.
    const token = (await c.classicToken(appid, secret)).json.access_token;
    const tokens = (await c.admin('GET', `tokens?appid=${appid}`)).json;
    assert.deepEqual(
      tokens.map((t: { kind: string; status: string }) => [t.kind, t.status]),
      [['classic', 'live']],
    );
    assert.ok(!JSON.stringify(tokens).includes(token));
    const snap = await fetch(`${emu.url}/__emulator/state`, { headers: { 'x-emulator-console': '1' } });
    assert.ok(!(await snap.text()).includes(secret));
  });

  it('streams change notices: requests, admin routes, in-process calls, the clock and area events', async () => {
    const feed = await listen(emu);
    assert.match(feed.res.headers.get('content-type') ?? '', /text\/event-stream/);
    try {
      await c.classicToken(emu.defaultApp.appid, 'wrong');
      const req = await feed.next('request');
      assert.equal(req.data.path, '/cgi-bin/token');
      assert.equal(req.data.errcode, 40125);
      assert.equal(req.data.query.secret, '***');

      await c.admin('POST', 'login-codes', {});
      assert.equal((await feed.next('users')).data.method, 'POST');
      const n = feed.notices.length;
      emu.createUser({ nickname: 'in-process' });
      assert.deepEqual((await feed.next('users', n)).data, { method: 'createUser' });
      emu.advanceClock(60);
      await feed.next('clock');
      await c.admin('POST', 'faults', { path: '/wxa/*', kind: 'errcode', errcode: -1 });
      await feed.next('faults');
      const { code, openid } = emu.createLoginCode();
      await c.get('/sns/jscode2session', {
        appid: emu.defaultApp.appid,
        secret: emu.defaultApp.secret,
        js_code: code,
        grant_type: 'authorization_code',
      });
      assert.deepEqual((await feed.next('user.login')).data, { appid: emu.defaultApp.appid, openid });
      assert.ok(!JSON.stringify(feed.notices).includes(emu.defaultApp.secret));
    } finally {
      await feed.close();
    }
  });

  it('filters the request log by errcode and counts per path and errcode', async () => {
    await c.admin('DELETE', 'requests');
    await c.classicToken();
    await c.classicToken(emu.defaultApp.appid, 'wrong');
    await c.classicToken(emu.defaultApp.appid, 'wrong');
    const failed = (await c.admin('GET', 'requests?errcode=40125')).json;
    assert.equal(failed.length, 2);
    assert.ok(failed.every((r: { errcode: number }) => r.errcode === 40125));
    assert.equal((await c.admin('GET', 'requests?errcode=0')).json.length, 1);
    const stats = (await c.admin('GET', 'requests/stats')).json;
    assert.deepEqual(stats.byPath['/cgi-bin/token'], { calls: 3, errors: 2 });
    assert.deepEqual(stats.byErrcode, { '0': 1, '40125': 2 });
    assert.equal(stats.total, 3);
  });
});
