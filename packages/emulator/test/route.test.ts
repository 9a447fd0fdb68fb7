// ctx.route() and the rest of the AreaContext contract, exercised through a test-only area module.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AreaModule, type EmulatorHandle, WxError } from '@miniapp-server/emulator';
import { RID, client, start } from './helpers.js';

const closed: string[] = [];

interface Seen {
  pushes: unknown[];
  events: unknown[];
}

const probe: AreaModule = {
  name: 'probe',
  register(ctx) {
    const seen = ctx.slice<Seen>('probe', () => ({ pushes: [], events: [] }));
    const counter = ctx.slice('probe-map', () => new Map<string, number>());
    ctx.on('probe.event', (p) => ctx.slice<Seen>('probe', () => ({ pushes: [], events: [] })).events.push(p));
    ctx.route({
      method: 'POST',
      path: '/probe/json',
      auth: 'access_token',
      body: 'json',
      handler: (r) => ({ got: r.body, app: r.app.appid }),
    });
    ctx.route({ method: 'POST', path: '/probe/form', auth: 'none', body: 'form', handler: (r) => ({ got: r.body }) });
    ctx.route({
      method: 'POST',
      path: '/probe/either',
      auth: 'none',
      body: 'json-or-form',
      handler: (r) => ({ got: r.body }),
    });
    ctx.route({
      method: 'POST',
      path: '/probe/upload',
      auth: 'none',
      body: 'multipart',
      handler: (r) => ({
        got: r.body,
        files: r.files.map((f) => ({ field: f.field, filename: f.filename, type: f.contentType, size: f.data.length })),
      }),
    });
    ctx.route({
      method: 'GET',
      path: '/probe/image',
      auth: 'none',
      handler: (r) => ({
        binary: Buffer.from([0xff, 0xd8, 0xff, Number(r.query.n ?? 0)]),
        contentType: 'image/jpeg',
        headers: { 'x-probe': '1' },
      }),
    });
    ctx.route({
      method: 'GET',
      path: '/probe/fail',
      auth: 'none',
      handler: (r) => {
        if (r.query.kind === 'wx') throw new WxError(40097, 'invalid args', { hint: 'x' });
        throw new Error('boom');
      },
    });
    ctx.route({
      method: 'GET',
      path: '/probe/count',
      auth: 'none',
      handler: (r) => {
        const key = r.query.k ?? '';
        counter.set(key, (counter.get(key) ?? 0) + 1);
        return { n: counter.get(key) };
      },
    });
    ctx.route({ method: 'POST', path: '/probe/count', auth: 'none', handler: () => ({ post: true }) });
    ctx.route({
      method: 'GET',
      path: '/probe/push',
      auth: 'none',
      handler: async (r) => {
        ctx.emit('probe.event', { q: r.query.q });
        const out = await ctx.push(r.query.appid ?? '', { MsgType: 'event', Event: 'probe' });
        return { delivered: out ?? null, user: ctx.getUser(r.query.appid ?? '', r.query.openid ?? '')?.openid ?? null };
      },
    });
    ctx.admin({
      method: 'GET',
      path: 'probe/seen/:kind',
      handler: ({ params }) => (params.kind === 'events' ? seen.events : seen.pushes),
    });
    ctx.onClose?.(() => {
      closed.push('probe');
    });
    return {
      installPush: () =>
        ctx.providePush(async (appid, message) => {
          ctx.slice<Seen>('probe', () => ({ pushes: [], events: [] })).pushes.push({ appid, message });
          return { status: 'delivered' };
        }),
      count: (k: string) => counter.get(k) ?? 0,
    };
  },
};

let emu: EmulatorHandle;
let c: ReturnType<typeof client>;
let token: string;
before(async () => {
  emu = await start({ areas: [probe] });
  c = client(emu);
  token = await c.token();
});
after(() => emu.close());

describe('ctx.route strictness', () => {
  it('unknown path → HTTP 404 with a WeChat-style JSON body', async () => {
    const r = await c.get('/cgi-bin/no/such/api');
    assert.equal(r.status, 404);
    assert.equal(r.contentType, 'application/json; encoding=utf-8');
    assert.equal(typeof r.json.errcode, 'number');
    assert.match(r.json.errmsg, RID);
  });

  it('wrong method → 43002 (require POST) / 43001 (require GET) with HTTP 200', async () => {
    const a = await c.get('/probe/json', { access_token: token });
    assert.equal(a.status, 200);
    assert.equal(a.json.errcode, 43002);
    const b = await c.post('/probe/image', {});
    assert.equal(b.json.errcode, 43001);
    assert.equal((await c.post('/probe/image', {}, { method: 'PUT' })).json.errcode, 43001);
    assert.deepEqual(
      (await c.post('/probe/count', '')).json,
      { errcode: 0, errmsg: 'ok', post: true },
      'GET and POST on one path',
    );
  });

  it('checks the token before parsing the body', async () => {
    assert.equal((await c.post('/probe/json', '{bad')).json.errcode, 41001);
    assert.equal((await c.post('/probe/json', '{bad', { query: { access_token: 'nope' } })).json.errcode, 40001);
  });

  it('JSON bodies: any content type, 44002 empty, 47001 malformed; success gets errcode 0 / errmsg ok', async () => {
    const q = { access_token: token };
    for (const type of [
      'application/json',
      'text/plain',
      'application/octet-stream',
      'application/json; charset=gbk',
    ]) {
      const r = await c.post('/probe/json', '{"a":1}', { query: q, headers: { 'content-type': type } });
      assert.deepEqual(r.json, { errcode: 0, errmsg: 'ok', got: { a: 1 }, app: emu.defaultApp.appid }, type);
    }
    assert.deepEqual((await c.post('/probe/json', '{"a":1}', { query: q, headers: {} })).json.got, { a: 1 });
    assert.equal((await c.post('/probe/json', '', { query: q })).json.errcode, 44002);
    assert.equal((await c.post('/probe/json', '  ', { query: q })).json.errcode, 44002);
    const bad = await c.post('/probe/json', '{"a":', { query: q, headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 200);
    assert.equal(bad.json.errcode, 47001);
    assert.match(bad.json.errmsg, RID);
    assert.equal(
      (
        await c.post('/probe/json', 'a=1', {
          query: q,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).json.errcode,
      47001,
    );
  });

  it('form and json-or-form bodies', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    assert.deepEqual((await c.post('/probe/form', 'a=1&b=%E4%BD%A0', { headers: form })).json.got, { a: '1', b: '你' });
    assert.deepEqual((await c.post('/probe/either', 'a=1', { headers: form })).json.got, { a: '1' });
    assert.deepEqual((await c.post('/probe/either', { a: 2 })).json.got, { a: 2 });
    assert.equal(
      (await c.post('/probe/either', '{x', { headers: { 'content-type': 'application/json' } })).json.errcode,
      47001,
    );
  });

  it('multipart bodies: fields + files in memory; non-multipart allowed; >10 MB → 40006', async () => {
    const fd = new FormData();
    fd.append('type', 'photo');
    fd.append('img', new Blob([Buffer.alloc(1234, 7)], { type: 'image/png' }), 'a.png');
    const r = await c.post('/probe/upload', fd);
    assert.deepEqual(r.json.got, { type: 'photo' });
    assert.deepEqual(r.json.files, [{ field: 'img', filename: 'a.png', type: 'image/png', size: 1234 }]);
    assert.deepEqual((await c.post('/probe/upload', '')).json.files, []);
    const big = new FormData();
    big.append('img', new Blob([Buffer.alloc(10 * 1024 * 1024 + 1)]), 'big.png');
    assert.equal((await c.post('/probe/upload', big)).json.errcode, 40006);
    const log = emu.requests({ path: '/probe/upload', limit: 3 });
    assert.deepEqual(log[0]?.files, [{ field: 'img', filename: 'a.png', contentType: 'image/png', size: 1234 }]);
  });

  it('binary results are sent with their content type and headers', async () => {
    const res = await fetch(`${emu.url}/probe/image?n=9`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.equal(res.headers.get('x-probe'), '1');
    assert.deepEqual([...Buffer.from(await res.arrayBuffer())], [0xff, 0xd8, 0xff, 9]);
  });

  it('WxError → HTTP 200 {errcode, errmsg+rid, ...extra}; other errors → -1', async () => {
    const wx = await c.get('/probe/fail', { kind: 'wx' });
    assert.equal(wx.status, 200);
    assert.equal(wx.json.errcode, 40097);
    assert.match(wx.json.errmsg, /^invalid args rid: /);
    assert.equal(wx.json.hint, 'x');
    const boom = await c.get('/probe/fail');
    assert.equal(boom.status, 200);
    assert.equal(boom.json.errcode, -1);
    assert.ok(!boom.text.includes('boom'));
  });
});

describe('AreaContext services', () => {
  it('push resolves undefined without a provider or push config, forwards otherwise; on/emit reach listeners', async () => {
    const appid = emu.defaultApp.appid;
    assert.equal((await c.get('/probe/push', { appid })).json.delivered, null);
    emu.probe.installPush();
    assert.equal((await c.get('/probe/push', { appid })).json.delivered, null, 'no push config yet');
    emu.updateApp(appid, { push: { url: 'http://127.0.0.1:1/push', token: 'tok', mode: 'plain', format: 'json' } });
    assert.deepEqual((await c.get('/probe/push', { appid, q: 'x' })).json.delivered, { status: 'delivered' });
    const seen = await c.admin('GET', 'probe/seen/pushes');
    assert.deepEqual(seen.json, [{ appid, message: { MsgType: 'event', Event: 'probe' } }]);
    const events = await c.admin('GET', 'probe/seen/events');
    assert.deepEqual(events.json.at(-1), { q: 'x' });
  });

  it("slices (including Maps) go through export/import and reset, keeping the area's reference", async () => {
    await c.get('/probe/count', { k: 'a' });
    await c.get('/probe/count', { k: 'a' });
    assert.equal(emu.probe.count('a'), 2);
    const snap = JSON.parse(JSON.stringify(emu.exportState()));
    assert.deepEqual(snap.slices['probe-map'], { $map: [['a', 2]] });
    emu.reset();
    assert.equal(emu.probe.count('a'), 0);
    assert.equal((await c.get('/probe/count', { k: 'a' })).json.n, 1);
    emu.importState(snap);
    assert.equal(emu.probe.count('a'), 2);
    assert.equal((await c.get('/probe/count', { k: 'a' })).json.n, 3);
    assert.ok(emu.areas.probe, 'area handles are also under handle.areas');
  });

  it('runs onClose hooks when the emulator closes', async () => {
    const other = await start({ areas: [probe] });
    const before = closed.length;
    await other.close();
    assert.equal(closed.length, before + 1);
  });

  it('lists the mounted routes', async () => {
    const routes = (await c.admin('GET', 'routes')).json as { method: string; path: string }[];
    for (const p of [
      '/cgi-bin/token',
      '/cgi-bin/stable_token',
      '/sns/jscode2session',
      '/wxa/checksession',
      '/wxa/resetusersessionkey',
      '/wxa/getpaidunionid',
      '/wxa/business/getuserphonenumber',
      '/probe/json',
    ])
      assert.ok(
        routes.some((r) => r.path === p),
        p,
      );
  });
});
