// Hostile and broken senders against every adapter, over raw sockets: aborted and malformed
// bodies, lying Content-Length, oversized and stalled bodies. The process must stay up, nothing
// may reach a handler, every refusal is logged once, and the next valid push is answered.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { createSignedPush, PushReceiver } from '../src/index.js';

const TOKEN = 'hostile-token';
const APPID = 'wx49f0ab532d5d035a';
const LIMIT = 64 * 1024;

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
process.on('unhandledRejection', onUnhandled);
process.on('uncaughtException', onUnhandled);

function makeReceiver() {
  const warnings: string[] = [];
  const errors: string[] = [];
  const receiver = new PushReceiver({
    token: TOKEN,
    appId: APPID,
    maxBodyBytes: LIMIT,
    bodyTimeoutMs: 500,
    refusalLogIntervalMs: 0, // one line per refusal, so the test can count them
    logger: { warn: (m) => warnings.push(m), error: (m) => errors.push(m) },
  });
  const handled: string[] = [];
  receiver.on('text', (m) => {
    handled.push(m.Content);
  });
  return { receiver, handled, warnings, errors };
}

type Mount = (r: PushReceiver) => Promise<{ url: string; close: () => Promise<void> }>;

const listen = async (server: Server) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};

/** A minimal node → fetch bridge (what @hono/node-server does), to drive `receiver.fetch` over HTTP. */
function fetchBridge(receiver: PushReceiver): Server {
  return createServer(async (req, res) => {
    const body = req.method === 'POST' ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined;
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body,
      duplex: 'half',
    } as RequestInit);
    const response = await receiver.fetch(request);
    if (res.destroyed || res.socket?.destroyed) return;
    const headers: Record<string, string> = {};
    response.headers.forEach((v, k) => {
      headers[k] = v;
    });
    res.writeHead(response.status, headers);
    res.end(await response.text());
  });
}

const mounts: Record<string, Mount> = {
  'node http': (r) => listen(createServer(r.nodeHandler())),
  Express: (r) => {
    const app = express();
    app.post('/push', r.nodeHandler());
    return listen(createServer(app));
  },
  Koa: (r) => {
    const app = new Koa();
    app.silent = true;
    app.use(r.koa());
    return listen(createServer(app.callback()));
  },
  Fastify: async (r) => {
    const app = Fastify();
    await app.register(r.fastify(), { path: '/push' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/push`, close: () => app.close() };
  },
  fetch: (r) => listen(fetchBridge(r)),
};

interface RawResult {
  /** The HTTP status answered, if any. */
  status?: number;
  /** Bytes of body the client managed to hand to the socket before it closed. */
  written: number;
}

/**
 * Opens a raw connection, sends `head` then `body` parts; `then`: 'destroy' (abort at once),
 * 'end' (half-close and read the answer) or 'wait' (keep the socket open and read the answer).
 */
function raw(
  url: string,
  head: string,
  body: (Buffer | string)[],
  then: 'destroy' | 'end' | 'wait',
): Promise<RawResult> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let response = '';
    let written = 0;
    const done = () => {
      clearTimeout(guard);
      const m = /^HTTP\/1\.1 (\d{3})/.exec(response);
      resolve({ status: m ? Number(m[1]) : undefined, written });
    };
    const guard = setTimeout(() => socket.destroy(), 10_000);
    socket.on('data', (d) => {
      response += d.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', done);
    socket.on('connect', () => {
      socket.write(head);
      for (const part of body) {
        socket.write(part, (err) => {
          if (!err) written += part.length;
        });
      }
      if (then === 'destroy') setTimeout(() => socket.destroy(), 20);
      else if (then === 'end') socket.end();
    });
  });
}

/** Streams `total` bytes of chunked body with backpressure until the server closes the connection. */
function floodChunked(url: string, total: number): Promise<RawResult> {
  const { port, pathname } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let response = '';
    let written = 0;
    let closed = false;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    socket.on('data', (d) => {
      response += d.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      const m = /^HTTP\/1\.1 (\d{3})/.exec(response);
      resolve({ status: m ? Number(m[1]) : undefined, written });
    });
    const pump = () => {
      while (!closed && written < total) {
        written += chunk.length;
        if (!socket.write(frame)) return socket.once('drain', pump);
      }
      if (!closed) socket.end('0\r\n\r\n');
    };
    socket.on('connect', () => {
      socket.write(
        `POST ${pathname}?signature=x&timestamp=1&nonce=1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      pump();
    });
  });
}

async function validPush(url: string): Promise<number> {
  const push = createSignedPush({
    token: TOKEN,
    appId: APPID,
    message: {
      ToUserName: 'gh_x',
      FromUserName: 'oUser',
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'text',
      Content: 'ok',
      MsgId: String(Date.now()),
    },
    format: 'json',
  });
  const res = await fetch(`${url}${push.search}`, { method: 'POST', body: push.body });
  await res.text();
  return res.status;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

const post = (path: string, extra: string) =>
  `POST ${path}?signature=x&timestamp=1&nonce=1 HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

for (const [name, mount] of Object.entries(mounts)) {
  describe(`hostile transport: ${name}`, () => {
    const ctx = makeReceiver();
    let server: Awaited<ReturnType<Mount>>;
    let path = '/push';
    after(() => server?.close());

    /** Runs one hostile request; then the process is up, the refusal was logged once, a valid push works. */
    async function survives(run: () => Promise<RawResult>, expect: { status?: number[]; logged: RegExp }) {
      server ??= await mount(ctx.receiver);
      path = new URL(server.url).pathname;
      const before = ctx.warnings.length;
      const handledBefore = ctx.handled.length;
      const result = await run();
      if (expect.status) {
        assert.ok(
          result.status === undefined || expect.status.includes(result.status),
          `answered ${result.status}, expected one of ${expect.status} or a closed connection`,
        );
      }
      await until(() => ctx.warnings.length > before, 'the refusal is logged');
      await new Promise((r) => setTimeout(r, 30));
      const lines = ctx.warnings.slice(before);
      assert.equal(lines.length, 1, `logged once: ${lines.join(' | ')}`);
      assert.match(lines[0]!, expect.logged);
      assert.equal(ctx.handled.length, handledBefore, 'no handler ran');
      assert.equal(await validPush(server.url), 200, 'the next valid push is answered');
      assert.equal(ctx.handled.length, handledBefore + 1);
      assert.deepEqual(unhandled, []);
      assert.deepEqual(ctx.errors, []);
      return result;
    }

    test('abort mid-body (Content-Length 100, 10 bytes, socket destroyed)', async () => {
      await survives(() => raw(server?.url ?? '', post(path, 'Content-Length: 100\r\n'), ['0123456789'], 'destroy'), {
        logged: /\(400\): body read failed/,
      });
    });

    test('bad chunk size', async () => {
      await survives(() => raw(server.url, post(path, 'Transfer-Encoding: chunked\r\n'), ['zz\r\nabc\r\n'], 'end'), {
        status: [400],
        logged: /\(400\): body read failed/,
      });
    });

    test('connection closed mid-chunk', async () => {
      await survives(() => raw(server.url, post(path, 'Transfer-Encoding: chunked\r\n'), ['a\r\n12345'], 'end'), {
        status: [400],
        logged: /\(400\): body read failed/,
      });
    });

    test('Content-Length larger than the body, then half-close', async () => {
      await survives(() => raw(server.url, post(path, 'Content-Length: 100\r\n'), ['0123456789'], 'end'), {
        status: [400],
        logged: /\(400\): body read failed/,
      });
    });

    test('an oversized chunked body: 413 and the server stops reading (32 MiB not drained)', async () => {
      const total = 32 * 1024 * 1024;
      const r = await survives(() => floodChunked(server.url, total), {
        status: [413],
        logged: /\(413\): body larger than 65536 bytes/,
      });
      assert.ok(r.written < total / 2, `the client could write ${r.written} of ${total} bytes`);
    });

    test('an oversized Content-Length is refused before reading', async () => {
      await survives(() => raw(server.url, post(path, `Content-Length: ${LIMIT + 1}\r\n`), ['x'], 'wait'), {
        status: [413],
        logged: /\(413\)/,
      });
    });

    test('a stalled body hits the body deadline (408, connection closed)', async () => {
      await survives(() => raw(server.url, post(path, 'Content-Length: 100\r\n'), ['0123456789'], 'wait'), {
        status: [408],
        logged: /\(408\): body not received within 500 ms/,
      });
    });
  });
}

describe('refusal logging', () => {
  test('by default a flood of refusals logs one line per kind plus one summary, not one per request', async () => {
    const warnings: { m: string; meta?: Record<string, unknown> }[] = [];
    const receiver = new PushReceiver({
      token: TOKEN,
      appId: APPID,
      logger: { warn: (m, meta) => warnings.push({ m, meta }), error: () => undefined },
      refusalLogIntervalMs: 60_000,
    });
    const ts = String(Math.floor(Date.now() / 1000));
    for (let i = 0; i < 500; i++) {
      await receiver.handle({
        method: 'POST',
        query: { signature: 'bad', timestamp: ts, nonce: String(i) },
        body: '{}',
      });
      await receiver.handle({ method: 'POST', query: { signature: 'bad' }, body: '{}' });
    }
    assert.equal(warnings.length, 2);
    (receiver as unknown as { refusals: { flush(): void } }).refusals.flush();
    assert.equal(warnings.length, 3);
    assert.match(warnings[2]!.m, /refused 998 more time/);
    assert.deepEqual(warnings[2]!.meta, {
      repeated: { '401 bad signature': 499, '401 missing timestamp or nonce': 499 },
    });
  });
});
