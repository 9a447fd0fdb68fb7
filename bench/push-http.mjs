// Benchmark 4b: push over HTTP. A server process hosts three node:http servers:
//   bare   reads the body and answers `success` (the floor: node:http + loopback)
//   plain  receiver.nodeHandler(), plain-mode XML pushes (signature check + parse + dispatch)
//   safe   receiver.nodeHandler(), safe-mode XML pushes (msg_signature + decrypt + parse + dispatch)
// The receiver keeps its defaults (in-memory dedupe on): every push is distinct. This process is
// the load generator: undici Pool, CONCURRENCY connections, OPS requests per sample, servers
// interleaved per round, medians. Prints one JSON object on stdout.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { SDK_ESM, load, median, rotate, sdkRequire } from './lib/common.mjs';

const TOKEN = 'benchPushToken2024';
const AES = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wxbench0000000001';
const MODES = ['bare', 'plain', 'safe'];

if (process.argv[2] === 'server') {
  const { PushReceiver } = await import(SDK_ESM);
  const receiver = new PushReceiver({ token: TOKEN, appId: APPID, encodingAESKey: AES });
  let handled = 0;
  receiver.onAny(() => {
    handled++;
  });
  const handler = receiver.nodeHandler();
  const bare = (req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      handled++;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 7 });
      res.end('success');
    });
  };
  const servers = { bare: createServer(bare), plain: createServer(handler), safe: createServer(handler) };
  const ports = {};
  for (const [k, s] of Object.entries(servers)) {
    s.keepAliveTimeout = 60_000;
    await new Promise((r) => s.listen(0, '127.0.0.1', r));
    ports[k] = s.address().port;
  }
  process.on('message', (m) => {
    if (m === 'handled') process.send({ handled });
  });
  process.send({ ports });
  process.on('disconnect', () => process.exit(0));
} else {
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
  const OPS = Math.round(3000 * Number(process.env.BENCH_SCALE ?? 1));
  const CONCURRENCY = 32;
  const { createSignedPush } = await import(SDK_ESM);
  const { Pool } = sdkRequire('undici');
  const child = fork(fileURLToPath(import.meta.url), ['server'], { stdio: 'inherit' });
  const [{ ports }] = await once(child, 'message');
  const pools = Object.fromEntries(
    MODES.map((m) => [m, new Pool(`http://127.0.0.1:${ports[m]}`, { connections: CONCURRENCY })]),
  );
  let seq = 0;
  const makePushes = (mode, n) =>
    Array.from({ length: n }, () => {
      const i = ++seq;
      return createSignedPush({
        token: TOKEN,
        encodingAESKey: AES,
        appId: APPID,
        format: 'xml',
        mode: mode === 'safe' ? 'safe' : 'plain',
        message: {
          ToUserName: 'gh_0123456789ab',
          FromUserName: 'oBench0000000000000000000000',
          CreateTime: 1700000000 + i,
          MsgType: 'text',
          Content: '你好，我想查询订单 #20240101-0042 的配送进度',
          MsgId: String(24000000000000000000n + BigInt(i)),
        },
      });
    });
  const samples = Object.fromEntries(MODES.map((m) => [m, []]));
  let bad = 0;
  let firstBad;
  try {
    for (let r = -1; r < ROUNDS; r++) {
      for (const mode of rotate(MODES, Math.max(r, 0))) {
        const n = r < 0 ? 300 : OPS; // round -1: warm-up
        const pushes = makePushes(mode === 'bare' ? 'safe' : mode, n);
        let k = 0;
        const pool = pools[mode];
        const res = await load(
          async () => {
            const p = pushes[k++];
            const { statusCode, body } = await pool.request({
              method: 'POST',
              path: `/push${p.search}`,
              headers: { 'content-type': 'text/xml' },
              body: p.body,
            });
            const text = await body.text();
            if (statusCode !== 200 || text !== 'success') {
              bad++;
              firstBad ??= `${mode}: ${statusCode} ${text.slice(0, 80)}`;
            }
          },
          { concurrency: CONCURRENCY, total: n, maxMs: 2500 },
        );
        if (r >= 0) samples[mode].push((res.ops / res.ms) * 1000);
      }
    }
    child.send('handled');
    const [{ handled }] = await once(child, 'message');
    const table = {};
    for (const m of MODES) {
      table[m] = {
        reqPerSec: median(samples[m]),
        samples: samples[m],
        vsBare: median(samples[m].map((x, i) => x / samples.bare[i])),
      };
    }
    process.stderr.write(
      `push over HTTP: ${MODES.map((m) => `${m} ${Math.round(table[m].reqPerSec)}/s`).join(', ')}${bad ? `; ${bad} bad answers, e.g. ${firstBad}` : ''}\n`,
    );
    process.stdout.write(
      `${JSON.stringify({ rounds: ROUNDS, opsPerSample: OPS, concurrency: CONCURRENCY, table, badAnswers: bad, firstBad, handled })}\n`,
    );
  } finally {
    for (const p of Object.values(pools)) await p.close();
    child.kill('SIGTERM');
  }
}
