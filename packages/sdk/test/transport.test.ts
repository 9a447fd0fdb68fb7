// The transport's reading of answers and its cancellation, against a local node:http server that
// answers the way real servers can (bodies in many chunks, a BOM, repeated headers, 1xx first)
// and holds requests open on demand.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { HttpError, MiniApp, MiniAppError, TimeoutError } from '@miniapp-server/sdk';
import { createRequire } from 'node:module';
import { rejectsWith } from './helpers/errors.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
let server: Server;
let url: string;
const seen: string[] = [];
/** Requests held open until the test releases them. */
const held: ServerResponse[] = [];

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  seen.push(path);
  for await (const _ of req);
  const json = { 'content-type': 'application/json; encoding=utf-8' };
  switch (path) {
    case '/chunked': {
      res.writeHead(200, json);
      for (const part of ['{"errcode":0,', '"errmsg":"ok",', '"text":"拿铁', '咖啡"}']) {
        res.write(part);
        await delay(5);
      }
      res.end();
      return;
    }
    case '/bom':
      res.writeHead(200, json);
      res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"errcode":0,"v":1}')]));
      return;
    case '/informational':
      res.writeProcessing();
      res.writeHead(200, json);
      res.end('{"errcode":0,"v":2}');
      return;
    case '/empty':
      res.writeHead(200, json);
      res.end();
      return;
    case '/busy':
      res.writeHead(503, { 'retry-after': '7', 'x-tag': 'a' });
      res.end('try later');
      return;
    case '/wxa/getwxacodeunlimit':
      // Repeated headers arrive as an array; `num-used` is read from the first.
      res.writeHead(200, [
        ['Content-Type', 'image/png'],
        ['Num-Used', '3'],
        ['Num-Used', '4'],
      ]);
      res.write(PNG.subarray(0, 10));
      await delay(5);
      res.end(PNG.subarray(10));
      return;
    case '/hold':
      held.push(res);
      return;
    default:
      res.writeHead(200, json);
      res.end('{"errcode":0}');
  }
}

before(async () => {
  server = createServer((req, res) => {
    route(req, res).catch((e) => res.destroy(e));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function client(extra: Partial<ConstructorParameters<typeof MiniApp>[0]> = {}): MiniApp {
  return new MiniApp({ appId: 'wx1', baseUrl: url, accessToken: async () => 'T', maxRetries: 0, ...extra });
}
function release(): void {
  for (const res of held.splice(0)) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"errcode":0,"held":true}');
  }
}
/** Waits until the server has seen `n` requests for `path`. */
async function seenCount(path: string, n: number): Promise<void> {
  for (let i = 0; i < 500 && seen.filter((p) => p === path).length < n; i++) await delay(2);
  assert.equal(seen.filter((p) => p === path).length, n);
}

describe('transport: reading answers', () => {
  test('a JSON body in many chunks, with multi-byte text split across them', async () => {
    const app = client();
    const r = await app.request({ method: 'GET', path: '/chunked' });
    assert.deepEqual(r, { errcode: 0, errmsg: 'ok', text: '拿铁咖啡' });
    await app.close();
  });

  test('a UTF-8 BOM before the JSON is skipped; a 1xx before the answer is ignored', async () => {
    const app = client();
    assert.equal((await app.request({ method: 'GET', path: '/bom' })).v, 1);
    assert.equal((await app.request({ method: 'GET', path: '/informational' })).v, 2);
    await app.close();
  });

  test('an empty 200 body is a MiniAppError, not a success', async () => {
    const app = client();
    const e = await rejectsWith(app.request({ method: 'GET', path: '/empty' }), MiniAppError);
    assert.match(e.message, /not JSON/);
    await app.close();
  });

  test('a non-2xx answer is an HttpError with its body excerpt and Retry-After', async () => {
    const app = client();
    const e = await rejectsWith(app.request({ method: 'GET', path: '/busy' }), HttpError);
    assert.equal(e.status, 503);
    assert.match(e.message, /try later/);
    assert.equal((e as HttpError & { retryAfterMs?: number }).retryAfterMs, 7000);
    await app.close();
  });

  test('binary answers: bytes from several chunks, the media type, and repeated headers (first one read)', async () => {
    const app = client();
    const r = await app.wxacode.getUnlimited({ scene: 'a=1' });
    assert.deepEqual(r.data, PNG);
    assert.equal(r.contentType, 'image/png');
    assert.equal(r.numUsed, 3);
    await app.close();
  });

  test('a dispatcher of your own (an undici Agent) carries the calls', async () => {
    const { Agent } = createRequire(import.meta.url)('undici') as typeof import('undici');
    const agent = new Agent({ connections: 2 });
    const app = client({ dispatcher: agent });
    const r = await app.request({ method: 'GET', path: '/chunked' });
    assert.equal(r.text, '拿铁咖啡');
    await app.close();
    await agent.close();
  });
});

describe('transport: cancellation', () => {
  test('an aborted signal rejects with its reason (an AbortError), and the held request is dropped', async () => {
    const app = client();
    const ac = new AbortController();
    const call = app.request({ method: 'GET', path: '/hold' }, { signal: ac.signal });
    await seenCount('/hold', 1);
    ac.abort();
    const e = await rejectsWith(call, Error);
    assert.equal(e.name, 'AbortError');
    release();
    await app.close();
    seen.length = 0;
  });

  test('a signal aborted before the call: nothing is sent', async () => {
    const app = client();
    const e = await rejectsWith(app.request({ method: 'GET', path: '/never' }, { signal: AbortSignal.abort() }), Error);
    assert.equal(e.name, 'AbortError');
    await delay(20);
    assert.equal(seen.includes('/never'), false);
    await app.close();
  });

  /** One connection, held by a first call; `queue` makes a call that waits behind it and must fail unsent. */
  async function behindHeldConnection(queue: (app: MiniApp) => Promise<void>): Promise<void> {
    const app = client({ connections: 1 });
    const first = app.request({ method: 'GET', path: '/hold' });
    await seenCount('/hold', 1);
    await queue(app);
    release();
    assert.equal((await first).held, true);
    // The connection is free again, and the cancelled call did not use it.
    assert.equal((await app.request({ method: 'GET', path: '/after' })).errcode, 0);
    assert.equal(seen.includes('/queued'), false);
    await app.close();
    seen.length = 0;
  }

  test('a call still queued for a socket is cancelled by its signal and never sent; the others go on', async () => {
    await behindHeldConnection(async (app) => {
      const ac = new AbortController();
      const queued = app.request({ method: 'GET', path: '/queued' }, { signal: ac.signal });
      ac.abort(new Error('changed my mind'));
      const e = await rejectsWith(queued, Error);
      assert.equal(e.message, 'changed my mind');
    });
  });

  test('a sub-second timeoutMs cancels a held request with a TimeoutError; a signal on the same call stays quiet', async () => {
    const app = client();
    const ac = new AbortController();
    const e = await rejectsWith(
      app.request({ method: 'GET', path: '/hold' }, { timeoutMs: 50, signal: ac.signal }),
      TimeoutError,
    );
    assert.equal(e.timeoutMs, 50);
    assert.equal(e.sent, true, 'the request was written: its outcome is unknown');
    ac.abort(); // after the call settled: no effect, no unhandled rejection
    release();
    await app.close();
    seen.length = 0;
  });

  test('a call that times out while queued for a socket is a TimeoutError with sent: false, and is never sent', async () => {
    await behindHeldConnection(async (app) => {
      const e = await rejectsWith(
        app.request({ method: 'POST', path: '/queued', body: { touser: 'o1' } }, { timeoutMs: 80 }),
        TimeoutError,
      );
      assert.equal(e.timeoutMs, 80);
      assert.equal(e.sent, false, 'never written: safe to retry, even a send');
    });
  });
});
