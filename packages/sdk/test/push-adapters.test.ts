// Every adapter with its real framework, over real sockets.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import Koa from 'koa';
import { createSignedPush, decryptMessage, type PushLogger, PushReceiver, parsePush } from '../src/index.js';

const TOKEN = 'adapter-token';
const KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const APPID = 'wx49f0ab532d5d035a';
const quiet: PushLogger = { warn() {}, error() {} };

let n = 0;
function message() {
  n++;
  return {
    ToUserName: 'gh_adapter',
    FromUserName: 'oAdapterUser',
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'text',
    Content: `ping ${n}`,
    MsgId: `9${String(n).padStart(18, '0')}`,
  };
}

function makeReceiver() {
  const receiver = new PushReceiver({ token: TOKEN, appId: APPID, encodingAESKey: KEY, logger: quiet });
  const calls: string[] = [];
  receiver.on('text', (m) => {
    calls.push(m.Content);
    return { ToUserName: m.FromUserName, FromUserName: m.ToUserName, MsgType: 'text', Content: `pong ${m.Content}` };
  });
  return { receiver, calls };
}

/** The checks every adapter must pass. */
async function exercise(base: string, calls: string[], opts: { contentType?: string } = {}) {
  const headers = { 'content-type': opts.contentType ?? 'text/xml' };
  // safe mode, JSON body
  const m1 = message();
  const safe = createSignedPush({
    token: TOKEN,
    encodingAESKey: KEY,
    appId: APPID,
    message: m1,
    format: 'json',
    mode: 'safe',
  });
  let res = await fetch(`${base}${safe.search}`, { method: 'POST', body: safe.body, headers });
  assert.equal(res.status, 200);
  const envelope = parsePush(await res.text()).message;
  const inner = parsePush(decryptMessage({ encodingAESKey: KEY, appId: APPID, encrypt: envelope.Encrypt as string }));
  assert.equal(inner.message.Content, `pong ${m1.Content}`);
  // plain mode, XML body
  const m2 = message();
  const plain = createSignedPush({ token: TOKEN, appId: APPID, message: m2 });
  res = await fetch(`${base}${plain.search}`, { method: 'POST', body: plain.body, headers });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /<Content><!\[CDATA\[pong ping \d+\]\]><\/Content>/);
  // GET echo
  res = await fetch(
    `${base}?signature=${plain.query.signature}&timestamp=${plain.query.timestamp}&nonce=${plain.query.nonce}&echostr=echo-me`,
  );
  assert.deepEqual([res.status, await res.text()], [200, 'echo-me']);
  // refusals
  const before = calls.length;
  res = await fetch(`${base}${plain.search.replace('signature=', 'signature=0')}`, {
    method: 'POST',
    body: plain.body,
    headers,
  });
  assert.equal(res.status, 401);
  res = await fetch(`${base}${plain.search}`, { method: 'POST', body: '<xml><A>', headers });
  assert.equal(res.status, 400);
  res = await fetch(`${base}${plain.search}`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1), headers });
  assert.equal(res.status, 413);
  await res.text();
  res = await fetch(`${base}${plain.search}`, { method: 'PUT', body: plain.body, headers });
  assert.equal(res.status, 405);
  assert.equal(calls.length, before);
  assert.deepEqual(calls.slice(-2), [m1.Content, m2.Content]);
}

const close = (s: Server) =>
  new Promise<void>((r) => {
    s.closeAllConnections();
    s.close(() => r());
  });

describe('Express', () => {
  const servers: Server[] = [];
  after(async () => {
    for (const s of servers) await close(s);
  });

  test('nodeHandler on a route, body untouched', async () => {
    const { receiver, calls } = makeReceiver();
    const app = express();
    app.post('/push', receiver.nodeHandler());
    app.get('/push', receiver.nodeHandler());
    app.put('/push', receiver.nodeHandler());
    const server = app.listen(0);
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    await exercise(`http://127.0.0.1:${(server.address() as AddressInfo).port}/push`, calls);
  });

  test('behind express.raw the raw body is used; behind express.json the error names the mistake', async () => {
    const { receiver, calls } = makeReceiver();
    const app = express();
    app.post('/raw', express.raw({ type: '*/*', limit: '2mb' }), receiver.nodeHandler());
    app.post('/json', express.json(), receiver.nodeHandler());
    const server = app.listen(0);
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const push = createSignedPush({ token: TOKEN, appId: APPID, message: message(), format: 'json' });
    let res = await fetch(`${base}/raw${push.search}`, {
      method: 'POST',
      body: push.body,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 200);
    assert.equal(calls.length, 1);
    res = await fetch(`${base}/json${push.search}`, {
      method: 'POST',
      body: push.body,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 500);
    assert.match(await res.text(), /did you register a body parser before the receiver\?/);
    assert.equal(calls.length, 1);
  });
});

describe('Koa', () => {
  let server: Server;
  let base: string;
  const { receiver, calls } = makeReceiver();
  before(async () => {
    const app = new Koa();
    app.use(receiver.koa());
    server = app.listen(0);
    base = await new Promise<string>((r) =>
      server.once('listening', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)),
    );
  });
  after(() => close(server));

  test('koa() middleware', async () => {
    await exercise(base, calls);
  });

  test('after a body parser that kept rawBody, the raw body is used', async () => {
    const app = new Koa();
    // What koa-bodyparser does: parse, and keep the raw text as ctx.request.rawBody.
    app.use(async (ctx, next) => {
      const chunks: Buffer[] = [];
      for await (const c of ctx.req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      (ctx.request as any).rawBody = raw;
      (ctx.request as any).body = { parsed: true };
      await next();
    });
    app.use(receiver.koa());
    const s = app.listen(0);
    const url = await listen2(s);
    try {
      const push = createSignedPush({ token: TOKEN, appId: APPID, message: message(), format: 'json' });
      const res = await fetch(`${url}${push.search}`, { method: 'POST', body: push.body });
      assert.equal(res.status, 200);
    } finally {
      await close(s);
    }
  });
});

async function listen2(s: Server): Promise<string> {
  if (!s.listening) await new Promise((r) => s.once('listening', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
}

describe('Fastify', () => {
  let app: FastifyInstance;
  let base: string;
  const { receiver, calls } = makeReceiver();
  before(async () => {
    app = Fastify();
    // The rest of the app keeps Fastify's JSON parser; the plugin scope reads raw bytes.
    app.post('/other', async (req) => ({ echoed: req.body }));
    await app.register(receiver.fastify(), { path: '/wechat/push' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(() => app.close());

  test('fastify() plugin with XML, JSON and no content type', async () => {
    await exercise(`${base}/wechat/push`, calls, { contentType: 'application/json' });
    await exercise(`${base}/wechat/push`, calls, { contentType: 'text/xml' });
    const push = createSignedPush({ token: TOKEN, appId: APPID, message: message() });
    const res = await fetch(`${base}/wechat/push${push.search}`, { method: 'POST', body: Buffer.from(push.body) });
    assert.equal(res.status, 200);
    const other = await fetch(`${base}/other`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    assert.deepEqual(await other.json(), { echoed: { a: 1 } });
  });
});

describe('fetch (Request → Response)', () => {
  test('receiver.fetch', async () => {
    const { receiver, calls } = makeReceiver();
    const m = message();
    const push = createSignedPush({ token: TOKEN, encodingAESKey: KEY, appId: APPID, message: m, mode: 'compatible' });
    let res = await receiver.fetch(
      new Request(`https://example.com/api/push${push.search}`, { method: 'POST', body: push.body }),
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /xml/);
    const envelope = parsePush(await res.text()).message;
    assert.ok(typeof envelope.Encrypt === 'string');
    assert.deepEqual(calls, [m.Content]);

    const used = new Request(`https://example.com/api/push${push.search}`, { method: 'POST', body: push.body });
    await used.text();
    res = await receiver.fetch(used);
    assert.equal(res.status, 500);
    assert.match(await res.text(), /already consumed/);

    const big = new Request(`https://example.com/api/push${push.search}`, {
      method: 'POST',
      body: 'x'.repeat(1024 * 1024 + 5),
    });
    assert.equal((await receiver.fetch(big)).status, 413);
    const get = await receiver.fetch(
      new Request(
        `https://example.com/api/push?signature=${push.query.signature}&timestamp=${push.query.timestamp}&nonce=${push.query.nonce}&echostr=e1`,
      ),
    );
    assert.deepEqual([get.status, await get.text()], [200, 'e1']);
    assert.equal(calls.length, 1);
  });
});
