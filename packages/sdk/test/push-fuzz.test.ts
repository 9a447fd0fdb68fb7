/**
 * Property test: random and mutated pushes thrown at a PushReceiver over real HTTP — garbage,
 * truncated and bit-flipped encrypted pushes, re-signed altered ciphertexts, deep nesting (also in
 * the unauthenticated envelope of a safe-mode push), huge strings. Nothing invalid reaches a
 * handler, nothing valid is lost, no request gets a 5xx, the process never crashes. Seeded and
 * bounded (a few hundred runs per property). The figures are printed for the note.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { createSignedPush, msgSignature, PushReceiver, parsePush, signature } from '../src/index.js';

const TOKEN = 'fuzz-token';
const KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const APPID = 'wx49f0ab532d5d035a';
const SEED = 13;
/** CI runs a few hundred requests; `FUZZ_SCALE=100` runs a long local session. */
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE) || 1);
const runs = (n: number) => ({ numRuns: n * SCALE, seed: SEED });

let server: Server;
let base: string;
let handled = 0;
let requests = 0;
let fiveHundreds = 0;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
let rssBefore = 0;
/** Heap kept by the receiver over the retention test (the fast-check runs keep their own data). */
let receiverHeapGrowth = Number.NaN;

/** A full GC (exposed at run time), so the heap figure counts what is retained, not garbage. */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  const receiver = new PushReceiver({
    token: TOKEN,
    appId: APPID,
    encodingAESKey: KEY,
    dedupe: false, // every valid push must reach the handler, duplicates included
    logger: { warn() {}, error() {} },
  });
  receiver.onAny(() => {
    handled++;
  });
  server = createServer(receiver.nodeHandler());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  collect();
  rssBefore = process.memoryUsage().rss;
});

after(async () => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  collect();
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(
    `fuzz: ${requests} requests, ${handled} reached the handler (all valid), ${fiveHundreds} 5xx, ` +
      `${unhandled.length} crashes, RSS growth ${mib(process.memoryUsage().rss - rssBefore)} MiB, ` +
      `receiver heap after GC over 200 hostile requests ${mib(receiverHeapGrowth)} MiB`,
  );
});

/** Sends one request; returns the status and how many handler calls it caused. */
async function send(query: Record<string, string>, body: string): Promise<{ status: number; calls: number }> {
  const before = handled;
  const res = await fetch(`${base}?${new URLSearchParams(query)}`, { method: 'POST', body });
  await res.arrayBuffer();
  requests++;
  if (res.status >= 500) fiveHundreds++;
  return { status: res.status, calls: handled - before };
}

function plainQuery(): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  return { signature: signature(TOKEN, timestamp, nonce), timestamp, nonce };
}

let msgN = 0;
const message = fc.record({
  MsgType: fc.constantFrom('text', 'event'),
  Content: fc.string({ maxLength: 50 }),
  Extra: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
});
function full(m: { MsgType: string; Content: string; Extra: string | number }) {
  msgN++;
  return {
    ToUserName: 'gh_fuzz',
    FromUserName: 'oFuzz',
    CreateTime: Math.floor(Date.now() / 1000),
    ...m,
    MsgId: `7${String(msgN).padStart(18, '0')}`,
  };
}

/** Asserts the core property for one request whose validity is known by construction. */
function expectOutcome(r: { status: number; calls: number }, valid: boolean, what: string) {
  assert.ok(r.status < 500, `${what}: HTTP ${r.status}`);
  assert.equal(r.calls, valid ? 1 : 0, `${what}: valid=${valid}, handler calls ${r.calls}, HTTP ${r.status}`);
  if (valid) assert.equal(r.status, 200, what);
  assert.deepEqual(unhandled, []);
}

/** Whether a signed plain body is a push the receiver must hand to its handler. */
function parses(body: string): boolean {
  try {
    parsePush(body);
    return true;
  } catch {
    return false;
  }
}

describe('push fuzzing over HTTP', () => {
  test('garbage bodies, with forged or valid plain signatures', async () => {
    const body = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.json({ maxDepth: 6 }),
      fc
        .array(
          fc.constantFrom('<xml>', '</xml>', '<a>', '</a>', '<![CDATA[', ']]>', '<!--', '-->', '&amp;', 'x', '<', '>'),
          {
            maxLength: 60,
          },
        )
        .map((parts) => parts.join('')),
    );
    const query = fc.oneof(
      fc.constant('valid' as const),
      fc.dictionary(
        fc.constantFrom('signature', 'timestamp', 'nonce', 'encrypt_type', 'msg_signature'),
        fc.string({ maxLength: 50 }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, query, async (b, q) => {
        const signed = q === 'valid';
        const r = await send(signed ? plainQuery() : (q as Record<string, string>), b);
        expectOutcome(r, signed && parses(b), 'garbage');
      }),
      runs(200),
    );
  });

  test('mutated safe-mode pushes: truncated, bit-flipped, re-signed ciphertexts, deep or huge envelopes', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('none' as const) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({
        kind: fc.constant('flip' as const),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        bit: fc.integer({ min: 0, max: 7 }),
      }),
      fc.record({ kind: fc.constant('resign' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant('deep' as const), depth: fc.integer({ min: 1, max: 20_000 }) }),
      fc.record({ kind: fc.constant('huge' as const), size: fc.integer({ min: 1000, max: 600_000 }) }),
      fc.record({ kind: fc.constant('query' as const), field: fc.constantFrom('msg_signature', 'timestamp', 'nonce') }),
    );
    await fc.assert(
      fc.asyncProperty(message, fc.constantFrom('json' as const, 'xml' as const), mutation, async (m, format, mut) => {
        const push = createSignedPush({
          token: TOKEN,
          encodingAESKey: KEY,
          appId: APPID,
          message: full(m),
          format,
          mode: 'safe',
        });
        const query = { ...push.query };
        const encrypt = parsePush(push.body).message.Encrypt as string;
        // The Encrypt field exactly as received: all that msg_signature covers.
        const marker = format === 'json' ? `"Encrypt":"${encrypt}"` : `<Encrypt><![CDATA[${encrypt}]]></Encrypt>`;
        let body = push.body;
        switch (mut.kind) {
          case 'truncate':
            body = body.slice(0, Math.floor(mut.at * body.length));
            break;
          case 'flip': {
            const bytes = Buffer.from(body, 'latin1');
            const i = Math.min(bytes.length - 1, Math.floor(mut.at * bytes.length));
            bytes[i] = (bytes[i] ?? 0) ^ (1 << mut.bit);
            body = bytes.toString('latin1');
            break;
          }
          case 'resign': {
            // Alter one base64 character of the ciphertext and sign the result: authentic, undecryptable.
            const i = Math.min(encrypt.length - 3, Math.floor(mut.at * (encrypt.length - 2)));
            const altered = `${encrypt.slice(0, i)}${encrypt[i] === 'A' ? 'B' : 'A'}${encrypt.slice(i + 1)}`;
            body = body.replace(encrypt, altered);
            query.msg_signature = msgSignature(TOKEN, query.timestamp!, query.nonce!, altered);
            break;
          }
          case 'deep':
            // Unauthenticated nesting in front of Encrypt: only Encrypt is read before the signature check.
            body =
              format === 'json'
                ? body.replace('{', `{"x":${'['.repeat(mut.depth)}${']'.repeat(mut.depth)},`)
                : body.replace('<xml>', `<xml><x>${'<a>'.repeat(mut.depth)}${'</a>'.repeat(mut.depth)}</x>`);
            break;
          case 'huge':
            body = body.replace('gh_fuzz', `gh_${'x'.repeat(mut.size)}`);
            break;
          case 'query':
            query[mut.field] = `${query[mut.field]}0`;
            break;
        }
        // Re-signing a bit-altered ciphertext can (rarely) still decrypt: CBC lets a flip in the
        // random first block through. Then the push is authentic and must be handled.
        let valid = mut.kind !== 'query' && body.includes(marker) && body[0] === push.body[0];
        if (mut.kind === 'resign') valid = false;
        const r = await send(query, body);
        if (mut.kind === 'resign' && r.calls === 1) return; // authentic and decryptable: legitimately handled
        expectOutcome(r, valid, `safe/${format}/${mut.kind}`);
      }),
      runs(300),
    );
  });

  test('deep nesting and huge strings in signed plain bodies: refused past 64 levels and 1 MiB, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('json' as const, 'xml' as const),
        fc.oneof(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 80, max: 100_000 })),
        async (format, depth) => {
          const body =
            format === 'json'
              ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
              : `<xml>${'<a>'.repeat(depth - 1)}1${'</a>'.repeat(depth - 1)}</xml>`;
          const valid = format === 'json' ? depth <= 64 : depth >= 2 && depth <= 64;
          expectOutcome(await send(plainQuery(), body), valid, `plain/${format}/depth ${depth}`);
        },
      ),
      runs(100),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 100_000, max: 1_200_000 }), async (size) => {
        const body = JSON.stringify({ ...full({ MsgType: 'text', Content: '', Extra: 1 }), Content: 'y'.repeat(size) });
        const valid = Buffer.byteLength(body) <= 1024 * 1024;
        const r = await send(plainQuery(), body);
        expectOutcome(r, valid, `huge ${size}`);
        if (!valid) assert.equal(r.status, 413);
      }),
      runs(12),
    );
  });
  test('the receiver keeps nothing from hostile requests: heap after GC flat over 200 of them', async () => {
    const forgedSafe = createSignedPush({
      token: 'another-token',
      encodingAESKey: KEY,
      appId: APPID,
      message: full({ MsgType: 'text', Content: 'x', Extra: 1 }),
      format: 'json',
      mode: 'safe',
    });
    const bodies = [
      () => 'x'.repeat(300),
      () => `${'['.repeat(5000)}${']'.repeat(5000)}`,
      () => JSON.stringify({ MsgType: 'text', Content: 'y'.repeat(900_000) }),
      () => `<xml>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</xml>`,
    ];
    const round = async () => {
      for (let i = 0; i < 50; i++) {
        await send(plainQuery(), bodies[i % bodies.length]!());
        await send(forgedSafe.query, forgedSafe.body);
      }
    };
    await round(); // warm up (JIT, sockets, buffers)
    collect();
    const before = process.memoryUsage().heapUsed;
    await round();
    await round();
    collect();
    const grown = process.memoryUsage().heapUsed - before;
    receiverHeapGrowth = grown;
    assert.ok(grown < 4 * 1024 * 1024, `heap grew by ${(grown / 1024 / 1024).toFixed(1)} MiB`);
  });
});
