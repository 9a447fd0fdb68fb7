import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  createSignedPush,
  decryptMessage,
  encryptMessage,
  MemoryDedupeStore,
  msgSignature,
  type PushLogger,
  PushReceiver,
  type PushReceiverOptions,
  parsePush,
  serialisePush,
  signature,
  ValidationError,
} from '../src/index.js';

const TOKEN = 'push-token';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wxb11529c136998cb6';
const modes = ['plain', 'compatible', 'safe'] as const;
const formats = ['xml', 'json'] as const;

function textMessage(n: number) {
  return {
    ToUserName: 'gh_0123456789ab',
    FromUserName: 'oUser123',
    CreateTime: 1700000000 + n,
    MsgType: 'text',
    Content: `你好 ${n}`,
    MsgId: `2345678901234567${String(n).padStart(3, '0')}`,
  };
}

class Recorder implements PushLogger {
  lines: string[] = [];
  debug = (m: string) => void this.lines.push(`debug ${m}`);
  info = (m: string) => void this.lines.push(`info ${m}`);
  warn = (m: string) => void this.lines.push(`warn ${m}`);
  error = (m: string) => void this.lines.push(`error ${m}`);
}

/** A receiver behind node's http server, as in production. */
async function serve(options: Partial<PushReceiverOptions> = {}) {
  const logger = new Recorder();
  const receiver = new PushReceiver({ token: TOKEN, appId: APPID, encodingAESKey: KEY, logger, ...options });
  const server: Server = createServer(receiver.nodeHandler());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
  const post = async (search: string, body: string, method = 'POST') => {
    const res = await fetch(`${base}${search}`, { method, body, headers: { 'content-type': 'text/plain' } });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
  };
  return { receiver, server, base, post, logger };
}

describe('PushReceiver over node http', () => {
  let ctx: Awaited<ReturnType<typeof serve>>;
  let seen: Array<{ message: any; encrypted: boolean; format: string }> = [];
  before(async () => {
    ctx = await serve();
    ctx.receiver.on('text', (message, c) => {
      seen.push({ message, encrypted: c.encrypted, format: c.format });
      if (message.Content.endsWith('reply')) {
        return { ToUserName: message.FromUserName, FromUserName: message.ToUserName, MsgType: 'text', Content: '收到' };
      }
    });
  });
  after(() => new Promise<void>((r) => ctx.server.close(() => r())));
  beforeEach(() => {
    seen = [];
  });

  test('GET verifies the URL with the plain signature and echoes echostr raw', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const sig = signature(TOKEN, timestamp, '42');
    let res = await fetch(`${ctx.base}?signature=${sig}&timestamp=${timestamp}&nonce=42&echostr=abc%2B123`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'abc+123');
    res = await fetch(`${ctx.base}?signature=${sig}&timestamp=${timestamp}&nonce=43&echostr=abc`);
    assert.equal(res.status, 401);
    res = await fetch(`${ctx.base}?timestamp=${timestamp}&nonce=42&echostr=abc`);
    assert.equal(res.status, 401);
  });

  for (const mode of modes) {
    for (const format of formats) {
      test(`${mode} mode, ${format}: handler sees the normalised message and the reply is in kind`, async () => {
        const message = { ...textMessage(modes.indexOf(mode) * 10 + formats.indexOf(format)), Content: 'please reply' };
        const push = createSignedPush({ token: TOKEN, encodingAESKey: KEY, appId: APPID, message, format, mode });
        if (mode === 'safe') assert.ok(!push.body.includes('please reply'));
        const res = await ctx.post(push.search, push.body);
        assert.equal(res.status, 200, res.text);
        assert.equal(seen.length, 1);
        assert.deepEqual(seen[0].message, message);
        assert.equal(seen[0].encrypted, mode !== 'plain');
        assert.equal(seen[0].format, format);
        assert.ok(res.type.includes(format), res.type);
        const { message: reply } = parsePush(res.text);
        let inner = reply;
        if (mode !== 'plain') {
          // Check the reply with the published algorithm, independently of the receiver.
          assert.deepEqual(Object.keys(reply).sort(), ['Encrypt', 'MsgSignature', 'Nonce', 'TimeStamp']);
          assert.equal(typeof reply.TimeStamp, 'number');
          assert.equal(reply.Nonce, push.query.nonce);
          assert.equal(
            reply.MsgSignature,
            msgSignature(TOKEN, reply.TimeStamp as number, reply.Nonce as string, reply.Encrypt as string),
          );
          inner = parsePush(
            decryptMessage({ encodingAESKey: KEY, appId: APPID, encrypt: reply.Encrypt as string }),
          ).message;
        }
        assert.deepEqual(inner, {
          ToUserName: 'oUser123',
          FromUserName: 'gh_0123456789ab',
          MsgType: 'text',
          Content: '收到',
        });
      });
    }
  }

  test('nothing returned → success; unknown names reach no handler and still answer success', async () => {
    const push = createSignedPush({ token: TOKEN, appId: APPID, message: textMessage(100), format: 'json' });
    assert.deepEqual(await ctx.post(push.search, push.body).then((r) => [r.status, r.text]), [200, 'success']);
    const video = createSignedPush({ token: TOKEN, appId: APPID, message: { ...textMessage(101), MsgType: 'video' } });
    assert.deepEqual(await ctx.post(video.search, video.body).then((r) => [r.status, r.text]), [200, 'success']);
    assert.equal(seen.length, 1);
  });

  test('a retried push runs the handler once', async () => {
    const push = createSignedPush({
      token: TOKEN,
      encodingAESKey: KEY,
      appId: APPID,
      message: textMessage(200),
      mode: 'safe',
    });
    for (let i = 0; i < 3; i++) assert.equal((await ctx.post(push.search, push.body)).text, 'success');
    // Same message, re-signed and re-encrypted as WeChat does on a retry.
    const again = createSignedPush({
      token: TOKEN,
      encodingAESKey: KEY,
      appId: APPID,
      message: textMessage(200),
      format: 'json',
      mode: 'safe',
    });
    assert.equal((await ctx.post(again.search, again.body)).status, 200);
    assert.equal(seen.length, 1);
  });

  test('forged, altered, replayed, oversized, garbled and wrong-method requests never reach a handler', async () => {
    const message = textMessage(300);
    const plain = createSignedPush({ token: TOKEN, appId: APPID, message });
    const safe = createSignedPush({
      token: TOKEN,
      encodingAESKey: KEY,
      appId: APPID,
      message,
      mode: 'safe',
      format: 'json',
    });
    const forged = createSignedPush({ token: 'wrong-token', appId: APPID, message });
    const otherApp = createSignedPush({
      token: TOKEN,
      encodingAESKey: KEY,
      appId: 'wx0000000000000000',
      message,
      mode: 'safe',
    });
    const old = createSignedPush({
      token: TOKEN,
      appId: APPID,
      message,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    const q = new URLSearchParams(plain.query);
    q.set('nonce', `${q.get('nonce')}1`);
    const safeQ = new URLSearchParams(safe.query);
    safeQ.delete('msg_signature');
    const tampered = JSON.parse(safe.body);
    const ct = Buffer.from(tampered.Encrypt, 'base64');
    ct[5] ^= 1;
    tampered.Encrypt = ct.toString('base64');
    // A correctly signed envelope whose plaintext is garbage.
    const ts = plain.query.timestamp;
    const garbageEncrypt = encryptMessage({ encodingAESKey: KEY, appId: APPID, message: 'not xml' });
    const garbageQuery = `?signature=x&timestamp=${ts}&nonce=1&encrypt_type=aes&msg_signature=${msgSignature(TOKEN, ts, '1', garbageEncrypt)}`;

    const cases: Array<[string, string, string, number, string?]> = [
      ['forged signature', forged.search, forged.body, 401],
      ['altered nonce', `?${q}`, plain.body, 401],
      ['no signature', `?timestamp=${plain.query.timestamp}&nonce=1`, plain.body, 401],
      ['replayed after an hour', old.search, old.body, 401],
      ['safe without msg_signature', `?${safeQ}`, safe.body, 401],
      ['tampered Encrypt', safe.search, JSON.stringify(tampered), 401],
      ['another appid', otherApp.search, otherApp.body, 401],
      ['oversized', plain.search, `<xml><A><![CDATA[${'x'.repeat(1024 * 1024)}]]></A></xml>`, 413],
      ['garbled', plain.search, 'hello=world', 400],
      ['truncated XML', plain.search, plain.body.slice(0, 40), 400],
      ['truncated JSON', plain.search, '{"ToUserName":', 400],
      ['JSON array', plain.search, '[1,2]', 400],
      ['DOCTYPE', plain.search, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><xml><A>&a;</A></xml>', 400],
      ['empty body', plain.search, '', 400],
      ['decrypts to garbage', garbageQuery, JSON.stringify({ ToUserName: 'gh', Encrypt: garbageEncrypt }), 400],
      ['PUT', plain.search, plain.body, 405, 'PUT'],
    ];
    for (const [name, search, body, status, method] of cases) {
      const res = await ctx.post(search, body, method);
      assert.equal(res.status, status, `${name}: ${res.text}`);
      assert.ok(!res.text.includes(KEY) && !res.text.includes(TOKEN), name);
    }
    assert.equal(seen.length, 0);
    assert.ok(ctx.logger.lines.some((l) => l.startsWith('warn push refused (401)')));
    assert.ok(ctx.logger.lines.every((l) => !l.includes(KEY) && !l.includes(TOKEN)));
  });
});

describe('PushReceiver behaviour', () => {
  const servers: Server[] = [];
  after(async () => {
    for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  });
  async function open(options: Partial<PushReceiverOptions> = {}) {
    const c = await serve(options);
    servers.push(c.server);
    return c;
  }

  test('requireEncryption refuses plaintext but accepts safe and compatible pushes', async () => {
    const c = await open({ requireEncryption: true });
    let calls = 0;
    c.receiver.onAny(() => void calls++);
    const message = textMessage(400);
    const plain = createSignedPush({ token: TOKEN, appId: APPID, message });
    assert.equal((await c.post(plain.search, plain.body)).status, 401);
    const compat = createSignedPush({ token: TOKEN, encodingAESKey: KEY, appId: APPID, message, mode: 'compatible' });
    assert.equal((await c.post(compat.search, compat.body)).status, 200);
    assert.equal(calls, 1);
    assert.throws(() => new PushReceiver({ token: TOKEN, appId: APPID, requireEncryption: true }), ValidationError);
  });

  test('compatible mode uses the decrypted copy, not the plaintext fields', async () => {
    const c = await open();
    let got: any;
    c.receiver.on('text', (m) => {
      got = m;
    });
    const push = createSignedPush({
      token: TOKEN,
      encodingAESKey: KEY,
      appId: APPID,
      message: textMessage(410),
      mode: 'compatible',
    });
    const body = push.body.replace('你好 410', 'forged');
    assert.notEqual(body, push.body);
    assert.equal((await c.post(push.search, body)).status, 200);
    assert.equal(got.Content, '你好 410');
  });

  test('a failing handler → onError + 500, and the retry runs again', async () => {
    const c = await open();
    let calls = 0;
    const errors: unknown[] = [];
    c.receiver.on('text', () => {
      calls++;
      if (calls === 1) throw new Error('database down');
    });
    c.receiver.onError((e, m) => void errors.push([(e as Error).message, m.MsgId]));
    const push = createSignedPush({ token: TOKEN, appId: APPID, message: textMessage(500), format: 'json' });
    assert.equal((await c.post(push.search, push.body)).status, 500);
    assert.equal((await c.post(push.search, push.body)).status, 200);
    assert.equal((await c.post(push.search, push.body)).status, 200);
    assert.equal(calls, 2);
    assert.deepEqual(errors, [['database down', textMessage(500).MsgId]]);
  });

  test('handlers past the budget: success now, they finish in the background, overrun logged', async () => {
    const c = await open({ handlerBudgetMs: 20 });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let finished = false;
    c.receiver.on('text', async () => {
      await gate;
      finished = true;
      return { MsgType: 'text', Content: 'too late' };
    });
    const push = createSignedPush({ token: TOKEN, appId: APPID, message: textMessage(600) });
    const res = await c.post(push.search, push.body);
    assert.deepEqual([res.status, res.text], [200, 'success']);
    assert.equal(finished, false);
    release();
    await gate;
    await new Promise((r) => setImmediate(r));
    assert.equal(finished, true);
    assert.ok(c.logger.lines.some((l) => l.includes('exceeded 20 ms')));
  });

  test('dedupe is pluggable: custom key function, custom store, or off', async () => {
    const store = new MemoryDedupeStore();
    const keys: string[] = [];
    const c = await open({ dedupe: { store, key: (m) => `k:${m.FromUserName}` } });
    const orig = store.claim.bind(store);
    store.claim = async (k, ttl) => {
      keys.push(k);
      return orig(k, ttl);
    };
    let calls = 0;
    c.receiver.onAny(() => void calls++);
    for (const n of [700, 701]) {
      const push = createSignedPush({ token: TOKEN, appId: APPID, message: textMessage(n) });
      await c.post(push.search, push.body);
    }
    assert.equal(calls, 1);
    assert.deepEqual(keys, [`push:${APPID}:k:oUser123`, `push:${APPID}:k:oUser123`]);

    const off = await open({ dedupe: false });
    let offCalls = 0;
    off.receiver.onAny(() => void offCalls++);
    const push = createSignedPush({ token: TOKEN, appId: APPID, message: textMessage(702) });
    await off.post(push.search, push.body);
    await off.post(push.search, push.body);
    assert.equal(offCalls, 2);
  });

  test('distinct events with equal sender and CreateTime are not merged; retries are', async () => {
    const c = await open({ timestampToleranceSeconds: 0 });
    const got: number[] = [];
    c.receiver.on('event.update_waybill_status', (e) => {
      got.push(e.order_status);
      return {
        ToUserName: e.FromUserName,
        FromUserName: e.ToUserName,
        CreateTime: e.CreateTime,
        MsgType: 'event',
        Event: 'update_waybill_status',
        resultcode: 0,
        resultmsg: 'ok',
      };
    });
    const base = {
      ToUserName: 'gh_0123456789ab',
      FromUserName: 'oWeChatTeam',
      CreateTime: 1546924844,
      MsgType: 'event',
      Event: 'update_waybill_status',
      shopid: '123456',
      shop_order_id: 'SO1',
      waybill_id: 'W1',
      action_time: 1546924844,
      action_msg: '',
      shop_no: '1',
      agent: { name: '张三', phone: '1234567' },
    };
    for (const order_status of [102, 103, 103]) {
      const push = createSignedPush({
        token: TOKEN,
        encodingAESKey: KEY,
        appId: APPID,
        message: { ...base, order_status },
        format: 'json',
        mode: 'safe',
        timestamp: 1546924844,
      });
      const res = await c.post(push.search, push.body);
      assert.equal(res.status, 200);
    }
    assert.deepEqual(got, [102, 103]);
  });

  test('handle() never throws, even on nonsense input', async () => {
    const receiver = new PushReceiver({ token: TOKEN, appId: APPID, logger: new Recorder() });
    for (const req of [
      { method: 'POST', query: {}, body: null },
      { method: 'POST', query: 'signature=1&timestamp=abc&nonce=1', body: new Uint8Array([0xff, 0xfe]) },
      { method: '', query: {} },
      { method: 'GET', query: { timestamp: ['1', '2'], nonce: ['x'] } },
    ]) {
      const res = await receiver.handle(req as any);
      assert.ok(res.status >= 400 && res.status < 500, String(res.status));
    }
  });

  test('createSignedPush drives handle() directly, and serialisePush escapes CDATA terminators', async () => {
    const receiver = new PushReceiver({ token: TOKEN, appId: APPID, encodingAESKey: KEY, logger: new Recorder() });
    receiver.on('text', (m) => ({ MsgType: 'text', Content: `${m.Content}]]>` }));
    const push = createSignedPush({ token: TOKEN, appId: APPID, message: { ...textMessage(800), Content: 'a]]>b' } });
    const res = await receiver.handle(push);
    assert.equal(res.status, 200);
    assert.equal(parsePush(res.body).message.Content, 'a]]>b]]>');
    assert.equal(serialisePush({ A: 'x]]>y' }, 'xml'), '<xml><A><![CDATA[x]]]]><![CDATA[>y]]></A></xml>');
  });

  test('sync and async handlers together: all run in order, a sync throw fails the push, the first reply wins', async () => {
    const c = await open({ dedupe: false });
    const order: string[] = [];
    c.receiver.on('text', () => void order.push('sync'));
    c.receiver.on('text', async () => {
      await new Promise((r) => setTimeout(r, 5));
      order.push('async');
      return { MsgType: 'text', Content: 'from async' };
    });
    c.receiver.onAny(() => {
      order.push('any');
      return { MsgType: 'text', Content: 'from any' };
    });
    const push = createSignedPush({ token: TOKEN, appId: APPID, message: textMessage(650), format: 'json' });
    const res = await c.post(push.search, push.body);
    assert.equal(res.status, 200);
    // Replies are taken in registration order: the async handler's, although it finished last.
    assert.equal(JSON.parse(res.text).Content, 'from async');
    assert.deepEqual(order, ['sync', 'any', 'async']);

    const failing = await open({ dedupe: false });
    const errors: string[] = [];
    let asyncDone = false;
    failing.receiver.on('text', async () => {
      await new Promise((r) => setTimeout(r, 5));
      asyncDone = true;
    });
    failing.receiver.on('text', () => {
      throw new Error('sync boom');
    });
    failing.receiver.onError((e) => void errors.push((e as Error).message));
    const again = createSignedPush({ token: TOKEN, appId: APPID, message: textMessage(651), format: 'json' });
    assert.equal((await failing.post(again.search, again.body)).status, 500);
    assert.equal(asyncDone, true);
    assert.deepEqual(errors, ['sync boom']);
  });

  test('a JSON envelope is read however its sender escaped or spaced it', async () => {
    const c = await open({ dedupe: false });
    const seen: unknown[] = [];
    c.receiver.onAny((m) => void seen.push(m.Content));
    let n = 660;
    // Find pushes whose Encrypt has a "/" so the escaped form differs from the plain one.
    const variants = [
      (e: string) => `{"ToUserName":"gh_x","Encrypt":"${e.replaceAll('/', '\\/')}"}`, // PHP's json_encode
      (e: string) => `{ "ToUserName" : "gh_x" ,\n  "Encrypt" :\t"${e}" }`,
      (e: string) => `{"Encrypt":"${e.replaceAll('A', '\\u0041')}"}`,
    ];
    for (const variant of variants) {
      let push: ReturnType<typeof createSignedPush>;
      let encrypt: string;
      do {
        push = createSignedPush({
          token: TOKEN,
          appId: APPID,
          encodingAESKey: KEY,
          message: textMessage(n++),
          format: 'json',
          mode: 'safe',
        });
        encrypt = JSON.parse(push.body).Encrypt;
      } while (!encrypt.includes('/') || !encrypt.includes('A'));
      const res = await c.post(push.search, variant(encrypt));
      assert.equal(res.status, 200, variant(encrypt).slice(0, 60));
    }
    assert.equal(seen.length, variants.length);
  });
});
