// The emulator's push delivery, checked by a bare node http "app" that verifies every request with
// the published algorithm (no SDK receiver here: that is push-e2e.test.ts).
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type AreaContext, type AreaModule, DEMO_USER, type EmulatorHandle } from '@miniapp-server/emulator';
import { decryptMessage, encryptMessage, msgSignature, parsePush, serialisePush, signature } from '@miniapp-server/sdk';
import push from '../src/areas/push/index.js';
import { client, start, T0 } from './helpers.js';

const TOKEN = 'emu-push-token';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

interface Seen {
  query: Record<string, string>;
  body: string;
  contentType: string;
}

/** The app under test: records requests; `respond` decides each answer. */
function app() {
  const seen: Seen[] = [];
  let respond: (req: Seen, res: ServerResponse) => void = (_q, res) => res.end('success');
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const s = {
      query: Object.fromEntries(url.searchParams),
      body: Buffer.concat(chunks).toString('utf8'),
      contentType: String(req.headers['content-type']),
    };
    seen.push(s);
    respond(s, res);
  });
  return {
    seen,
    server,
    set respond(fn: (req: Seen, res: ServerResponse) => void) {
      respond = fn;
    },
    async listen() {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat/push`;
    },
  };
}

describe('emulator push delivery', () => {
  let emu: EmulatorHandle;
  let target: ReturnType<typeof app>;
  let url: string;
  let areaCtx: AreaContext;
  const userMessages: unknown[] = [];
  // Another area pushing through ctx.push, as the messaging area does.
  const probe: AreaModule = {
    name: 'probe',
    register(ctx) {
      areaCtx = ctx;
      ctx.on('user.message', (p) => userMessages.push(p));
    },
  };

  before(async () => {
    target = app();
    url = await target.listen();
    emu = await start({ areas: [push, probe] });
  });
  after(async () => {
    await emu.close();
    target.server.closeAllConnections();
    await new Promise<void>((r) => target.server.close(() => r()));
  });
  beforeEach(() => {
    target.seen.length = 0;
    target.respond = (_q, res) => res.end('success');
    emu.push.clearDeliveries();
    emu.push.configure({ timeoutMs: 5000, retries: 3 });
  });

  const configure = (mode: 'plain' | 'compatible' | 'safe', format: 'xml' | 'json') =>
    emu.updateApp(emu.defaultApp.appid, { push: { url, token: TOKEN, encodingAESKey: KEY, mode, format } });

  for (const mode of ['plain', 'compatible', 'safe'] as const) {
    for (const format of ['xml', 'json'] as const) {
      test(`${mode} / ${format}: a user message is signed${mode === 'plain' ? '' : ' and encrypted'} per PROTOCOL §7.3`, async () => {
        configure(mode, format);
        const http = client(emu);
        const res = await http.post('/__emulator/push/user-message', { openid: DEMO_USER.openid, Content: '你好' });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.status, 'delivered');
        assert.equal(target.seen.length, 1);
        const { query, body, contentType } = target.seen[0];
        assert.equal(query.timestamp, String(T0));
        assert.equal(query.signature, signature(TOKEN, query.timestamp, query.nonce));
        assert.ok(contentType.includes(format), contentType);
        const envelope = parsePush(body);
        assert.equal(envelope.format, format);
        let message = envelope.message;
        if (mode === 'plain') {
          assert.equal(query.encrypt_type, undefined);
          assert.equal(envelope.message.Encrypt, undefined);
        } else {
          assert.equal(query.encrypt_type, 'aes');
          assert.equal(query.openid, DEMO_USER.openid);
          const Encrypt = envelope.message.Encrypt as string;
          assert.equal(query.msg_signature, msgSignature(TOKEN, query.timestamp, query.nonce, Encrypt));
          const expectedKeys = mode === 'safe' ? ['Encrypt', 'ToUserName'] : ['Content', 'CreateTime', 'Encrypt'];
          for (const k of expectedKeys) assert.ok(k in envelope.message, k);
          if (mode === 'safe') assert.deepEqual(Object.keys(envelope.message).sort(), ['Encrypt', 'ToUserName']);
          message = parsePush(
            decryptMessage({ encodingAESKey: KEY, appId: emu.defaultApp.appid, encrypt: Encrypt }),
          ).message;
        }
        assert.deepEqual(
          { ...message, MsgId: undefined },
          {
            ToUserName: emu.defaultApp.originalId,
            FromUserName: DEMO_USER.openid,
            CreateTime: T0,
            MsgType: 'text',
            Content: '你好',
            MsgId: undefined,
          },
        );
        assert.match(String(message.MsgId), /^\d{19}$/);
        assert.ok(BigInt(String(message.MsgId)) > BigInt(Number.MAX_SAFE_INTEGER));
        assert.deepEqual(userMessages.at(-1), { appid: emu.defaultApp.appid, openid: DEMO_USER.openid, time: T0 });
      });
    }
  }

  test('image and miniprogrampage messages, user_enter_tempsession and debug_demo', async () => {
    configure('plain', 'json');
    await emu.push.userMessage({ openid: DEMO_USER.openid, MsgType: 'image', MediaId: 'm1' });
    await emu.push.userMessage({
      openid: DEMO_USER.openid,
      MsgType: 'miniprogrampage',
      Title: 'T',
      PagePath: 'pages/a',
    });
    await emu.push.enterSession({ openid: DEMO_USER.openid, SessionFrom: 'btn' });
    await emu.push.debugDemo({ debug_str: 'ping' });
    const got = target.seen.map((s) => parsePush(s.body).message);
    assert.equal(got[0].MsgType, 'image');
    assert.equal(got[0].MediaId, 'm1');
    assert.equal(typeof got[0].PicUrl, 'string');
    assert.deepEqual(
      [got[1].MsgType, got[1].Title, got[1].PagePath, got[1].AppId],
      ['miniprogrampage', 'T', 'pages/a', emu.defaultApp.appid],
    );
    assert.deepEqual([got[2].Event, got[2].SessionFrom], ['user_enter_tempsession', 'btn']);
    assert.deepEqual([got[3].Event, got[3].debug_str], ['debug_demo', 'ping']);
    assert.deepEqual(
      emu.push.deliveries().map((d: { name: string }) => d.name),
      ['image', 'miniprogrampage', 'event.user_enter_tempsession', 'event.debug_demo'],
    );
    const http = client(emu);
    assert.equal(
      (await http.post('/__emulator/push/user-message', { openid: DEMO_USER.openid, MsgType: 'voice' })).status,
      400,
    );
    assert.equal((await http.post('/__emulator/push/user-message', { openid: 'nobody' })).status, 404);
  });

  test('ctx.push carries any message object from other areas (subscribe events with List)', async () => {
    configure('safe', 'xml');
    const message = {
      FromUserName: DEMO_USER.openid,
      MsgType: 'event',
      Event: 'subscribe_msg_popup_event',
      SubscribeMsgPopupEvent: {
        List: [
          { TemplateId: 't1', SubscribeStatusString: 'accept', PopupScene: 0 },
          { TemplateId: 't2', SubscribeStatusString: 'reject', PopupScene: 0 },
        ],
      },
    };
    const delivery = (await areaCtx.push(emu.defaultApp.appid, message)) as any;
    assert.equal(delivery.status, 'delivered');
    assert.equal(delivery.name, 'event.subscribe_msg_popup_event');
    const envelope = parsePush(target.seen[0].body).message;
    const inner = decryptMessage({
      encodingAESKey: KEY,
      appId: emu.defaultApp.appid,
      encrypt: envelope.Encrypt as string,
    });
    assert.equal((inner.match(/<List>/g) ?? []).length, 2);
    assert.deepEqual(parsePush(inner).message.SubscribeMsgPopupEvent, message.SubscribeMsgPopupEvent);
    // No push config → undefined, nothing sent.
    emu.updateApp(emu.defaultApp.appid, { push: null });
    assert.equal(await areaCtx.push(emu.defaultApp.appid, message), undefined);
    assert.equal(target.seen.length, 1);
  });

  test('retries when the app does not answer 200, and records every attempt', async () => {
    configure('plain', 'xml');
    target.respond = (_q, res) => {
      res.statusCode = 500;
      res.end('boom');
    };
    const failed = await emu.push.debugDemo();
    assert.equal(failed.status, 'failed');
    assert.deepEqual(
      failed.attempts.map((a: { status: number; ok: boolean }) => [a.status, a.ok]),
      [
        [500, false],
        [500, false],
        [500, false],
        [500, false],
      ],
    );
    assert.equal(target.seen.length, 4);
    // Every retry is signed afresh.
    assert.equal(new Set(target.seen.map((s) => s.query.nonce)).size, 4);

    target.seen.length = 0;
    let n = 0;
    target.respond = (_q, res) => {
      n++;
      res.statusCode = n === 1 ? 503 : 200;
      res.end(n === 1 ? '' : 'success');
    };
    const ok = await emu.push.debugDemo();
    assert.equal(ok.status, 'delivered');
    assert.equal(ok.attempts.length, 2);
    assert.deepEqual(ok.reply, { kind: 'success' });

    emu.push.configure({ retries: 0 });
    target.respond = (_q, res) => {
      res.statusCode = 404;
      res.end();
    };
    assert.equal((await emu.push.debugDemo()).attempts.length, 1);
  });

  test('an app slower than the timeout is retried; the timeout is configurable', async () => {
    configure('plain', 'json');
    emu.push.configure({ timeoutMs: 50, retries: 1 });
    const pending: ServerResponse[] = [];
    target.respond = (_q, res) => void pending.push(res);
    const d = await emu.push.debugDemo();
    assert.equal(d.status, 'failed');
    assert.deepEqual(
      d.attempts.map((a: { error: string }) => a.error),
      ['timeout after 50 ms', 'timeout after 50 ms'],
    );
    for (const res of pending) res.destroy();
    const http = client(emu);
    assert.equal((await http.post('/__emulator/push/settings', { timeoutMs: 0 })).status, 400);
    assert.deepEqual((await http.get('/__emulator/push/settings')).json, { timeoutMs: 50, retries: 1 });
  });

  test('the reply is recorded, decrypted and signature-checked when encrypted', async () => {
    configure('safe', 'json');
    const appid = emu.defaultApp.appid;
    target.respond = (q, res) => {
      const Encrypt = encryptMessage({
        encodingAESKey: KEY,
        appId: appid,
        message: JSON.stringify({ MsgType: 'text', Content: '收到' }),
      });
      const TimeStamp = 1700000001;
      res.end(
        serialisePush(
          {
            Encrypt,
            MsgSignature: msgSignature(TOKEN, TimeStamp, q.query.nonce, Encrypt),
            TimeStamp,
            Nonce: q.query.nonce,
          },
          'json',
        ),
      );
    };
    const d = await emu.push.userMessage({ openid: DEMO_USER.openid });
    assert.deepEqual(d.reply, { kind: 'message', encrypted: true, message: { MsgType: 'text', Content: '收到' } });

    target.respond = (_q, res) =>
      res.end(JSON.stringify({ Encrypt: 'AAAA', MsgSignature: 'x', TimeStamp: 1, Nonce: '1' }));
    const bad = await emu.push.userMessage({ openid: DEMO_USER.openid });
    assert.equal(bad.reply.kind, 'invalid');
    assert.equal(bad.reply.error, 'bad MsgSignature');

    const http = client(emu);
    const list = await http.get('/__emulator/push/deliveries', { name: 'text', limit: '1' });
    assert.equal(list.status, 200);
    assert.equal(list.json.length, 1);
    assert.equal(list.json[0].reply.kind, 'invalid');
    assert.equal((await http.post('/__emulator/push/deliveries', undefined, { method: 'DELETE' })).status, 200);
    assert.deepEqual((await http.get('/__emulator/push/deliveries')).json, []);
  });
});
