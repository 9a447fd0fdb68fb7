/**
 * Chaos: ~2,000 calls through the public client against the emulator with 10 % faults of every
 * kind (reset, HTTP 500/502/503, errcode -1, latency past the timeout, 40001), seeded so the run
 * repeats. Bounded to a few seconds. Checks what a user depends on:
 * - every failed idempotent read had all its own attempts faulted;
 * - no send is delivered twice, and a send reported as succeeded was delivered exactly once;
 * - at most 2 token requests per 40001 event;
 * - no unhandled rejection, no secret in any error or log line.
 * The figures (success rate, token requests per 40001 event) are printed for the note.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
import { MiniApp, MiniAppError } from '@miniapp-server/sdk';

const CALLS = 2000;
// Generous timeout: a loaded CI machine (the client and the emulator share one event loop) must
// not produce timeouts no fault caused. Latency faults hold a request well past it (undici's own
// timers are ~1 s coarse); they are the rarest kind, as each one holds a worker for the timeout.
const CONCURRENCY = 16;
const TIMEOUT_MS = 4000;
const LATENCY_MS = 5500;
const MAX_RETRIES = 2;

let emu: EmulatorHandle;
let app: MiniApp;
const logLines: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  emu = await startEmulator({ port: 0, faultSeed: 13 });
  const capture = (level: string) => (m: string) => logLines.push(`${level} ${m}`);
  app = new MiniApp({
    appId: emu.defaultApp.appid,
    appSecret: emu.defaultApp.secret,
    baseUrl: emu.url,
    timeoutMs: TIMEOUT_MS,
    maxRetries: MAX_RETRIES,
    retryBaseDelayMs: 2,
    retryMaxDelayMs: 20,
    logger: { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') },
  });
});
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await app.close();
  await emu.close();
});

type Kind = 'scheme' | 'urllink' | 'send';
interface Outcome {
  kind: Kind;
  tag: string;
  ok: boolean;
  error?: unknown;
}

test('2,000 calls with 10 % seeded faults: reads survive, sends never duplicate, ≤ 2 token requests per 40001', async () => {
  const users = Array.from({ length: 20 }, () => emu.createUser({}).openid);
  const { openlink } = await app.urlscheme.generate({ jump_wxa: { path: 'pages/index/index' } });
  const { url_link } = await app.urllink.generate({ path: 'pages/index/index' });
  emu.clearRequests();
  const tokensBefore = emu.tokenRequestCount();

  // 10 % of requests faulted in all: transport faults everywhere (token endpoint included),
  // 40001 on business calls (WeChat never answers it on the token endpoint).
  const everywhere = [
    { kind: 'reset', rate: 0.02 },
    { kind: 'http', status: 500, rate: 0.015 },
    { kind: 'http', status: 502, rate: 0.015 },
    { kind: 'http', status: 503, rate: 0.01 },
    { kind: 'errcode', errcode: -1, rate: 0.026 },
    { kind: 'latency', ms: LATENCY_MS, rate: 0.004 },
  ] as const;
  for (const f of everywhere) emu.addFault({ path: '*', ...f });
  for (const path of ['/wxa/*', '/cgi-bin/message/*']) {
    emu.addFault({ path, kind: 'errcode', errcode: 40001, rate: 0.01 });
  }

  const outcomes: Outcome[] = [];
  let next = 0;
  async function worker() {
    for (let i = next++; i < CALLS; i = next++) {
      const tag = `c${i}`;
      const kind: Kind = i % 10 < 4 ? 'scheme' : i % 10 < 7 ? 'urllink' : 'send';
      try {
        if (kind === 'scheme') await app.urlscheme.query({ scheme: `${openlink}&cq=${tag}` });
        else if (kind === 'urllink') await app.urllink.query({ url_link: `${url_link}?cq=${tag}` });
        else {
          const openid = users[i % users.length]!;
          await emu.messages.userMessage({ openid }); // opens the reply window (in-process, never faulted)
          await app.customerServiceMessage.send({ touser: openid, msgtype: 'text', text: { content: tag } });
        }
        outcomes.push({ kind, tag, ok: true });
      } catch (error) {
        outcomes.push({ kind, tag, ok: false, error });
      }
    }
  }
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = Date.now() - started;
  // Requests held by a latency fault are logged once handled: wait until all of them are.
  const latencyFired = () => emu.listFaults().find((f) => f.kind === 'latency')?.fired ?? 0;
  for (let i = 0; i < 100; i++) {
    const held = emu.requests({ limit: 5000 }).filter((e) => e.faultLatencyMs).length;
    if (held >= latencyFired()) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  emu.clearFaults();

  const log = emu.requests({ limit: 5000 });
  const faulted = (e: (typeof log)[number]) => e.fault !== undefined || (e.faultLatencyMs ?? 0) >= TIMEOUT_MS;
  const tagOf = (e: (typeof log)[number]): string | undefined => {
    const b = e.body as Record<string, any> | undefined;
    const text = b?.scheme ?? b?.url_link ?? b?.text?.content;
    return typeof text === 'string' ? /c\d+$/.exec(text)?.[0] : undefined;
  };
  const attempts = new Map<string, typeof log>();
  for (const e of log) {
    const tag = tagOf(e);
    if (tag) attempts.set(tag, [...(attempts.get(tag) ?? []), e]);
  }

  // Reads: a failure is allowed only when every attempt of its own was faulted.
  const reads = outcomes.filter((o) => o.kind !== 'send');
  const failedReads = reads.filter((o) => !o.ok);
  for (const o of failedReads) {
    const e = o.error as MiniAppError;
    assert.ok(e instanceof MiniAppError, `${o.tag}: ${String(e)}`);
    if (e.stage === 'token') {
      // The token fetch the read waited on failed after its own retries (or a force, tried once).
      assert.equal((e as MiniAppError & { api?: string }).api, 'auth.getStableAccessToken', e.message);
      const tokenLog = log.filter((x) => x.path === '/cgi-bin/stable_token');
      assert.ok(tokenLog.some(faulted), `${o.tag}: a token-stage failure without a faulted token request`);
      continue;
    }
    const own = attempts.get(o.tag) ?? [];
    assert.ok(own.length >= 1, `${o.tag}: failed without reaching the emulator: ${e.message}`);
    assert.ok(own.every(faulted), `${o.tag} failed (${e.message}) although an attempt was not faulted`);
  }

  // Sends: never delivered twice; a reported success was delivered exactly once.
  const sends = outcomes.filter((o) => o.kind === 'send');
  const delivered = new Map<string, number>();
  for (const openid of users) {
    for (const m of emu.messages.inbox({ openid })) {
      const tag = (m.payload as { text?: { content?: string } }).text?.content ?? '';
      delivered.set(tag, (delivered.get(tag) ?? 0) + 1);
    }
  }
  for (const o of sends) {
    const n = delivered.get(o.tag) ?? 0;
    assert.ok(n <= 1, `${o.tag} delivered ${n} times`);
    if (o.ok) assert.equal(n, 1, `${o.tag} reported sent but delivered ${n} times`);
  }

  // Token requests per 40001 event (a real 40001 after a force counts as an event too).
  const events = log.filter((e) => e.errcode === 40001 && e.path !== '/cgi-bin/stable_token').length;
  const tokenRequests = emu.tokenRequestCount() - tokensBefore;
  assert.ok(events > 0, 'the run had 40001 events');
  assert.ok(tokenRequests <= 2 * events, `${tokenRequests} token requests for ${events} 40001 events`);

  // Nothing escaped, nothing leaked.
  assert.deepEqual(unhandled, []);
  const secrets = [emu.defaultApp.secret, ...Object.keys(emu.exportState().tokens)];
  const texts = [
    ...outcomes
      .filter((o) => !o.ok)
      .map((o) => {
        const e = o.error as Error;
        return `${e?.message}\n${e?.stack}\n${JSON.stringify(e)}`;
      }),
    ...logLines,
  ];
  for (const t of texts) for (const s of secrets) assert.ok(!t.includes(s), `secret leaked: ${t.slice(0, 200)}`);

  const readOk = reads.filter((o) => o.ok).length;
  const faultedRequests = log.filter(faulted).length;
  console.log(
    `chaos: ${outcomes.length} calls in ${elapsed} ms; ${log.length} requests, ${faultedRequests} faulted ` +
      `(${((faultedRequests / log.length) * 100).toFixed(1)} %); idempotent reads ${readOk}/${reads.length} ` +
      `(${((readOk / reads.length) * 100).toFixed(2)} %); sends ok ${sends.filter((o) => o.ok).length}/${sends.length}, ` +
      `duplicates 0; 40001 events ${events}, token requests ${tokenRequests} ` +
      `(${(tokenRequests / events).toFixed(2)} per event); ${texts.length} error/log texts, 0 secrets`,
  );
});
