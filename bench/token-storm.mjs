// Benchmark 2: token storm. Per contender, against a fresh bench/lib/server.mjs state:
//   cold:  1000 concurrent auth.getPaidUnionId calls with an empty token cache;
//   40001: the server then rejects every token issued so far (40001), and 1000 concurrent calls
//          run again with the now-rejected token cached.
// Counts token requests (/cgi-bin/token + /cgi-bin/stable_token) and calls that succeeded.
import { makeClient } from './lib/clients.mjs';
import { startFixedServer } from './lib/common.mjs';

const CALLS = Number(process.env.BENCH_STORM_CALLS ?? 1000);
const CONTENDERS = ['sdk', 'sdk (classic)', 'co-wechat-api', 'node-easywechat', 'nest-wechat'];
const PHASE_MS = 15_000;

async function storm(client) {
  const t0 = performance.now();
  let timer;
  const all = Promise.allSettled(Array.from({ length: CALLS }, () => client.get()));
  const timeout = new Promise((r) => {
    timer = setTimeout(() => r('timeout'), PHASE_MS);
  });
  const settled = await Promise.race([all, timeout]);
  clearTimeout(timer);
  if (settled === 'timeout') return { ok: 0, failed: CALLS, ms: PHASE_MS, timedOut: true, errors: ['timed out'] };
  const failed = settled.filter((s) => s.status === 'rejected');
  const errors = [...new Set(failed.map((f) => String(f.reason?.message ?? f.reason).slice(0, 100)))].slice(0, 3);
  return { ok: CALLS - failed.length, failed: failed.length, ms: performance.now() - t0, errors };
}

const tokens = (s) => s.classic + s.stable;
const server = await startFixedServer();
const results = {};
try {
  for (const name of CONTENDERS) {
    await server.reset();
    const client = await makeClient(name, server.url);
    const cold = await storm(client);
    const s1 = await server.stats();
    await server.flip();
    const after = await storm(client);
    const s2 = await server.stats();
    results[name] = {
      cold: { ...cold, tokenRequests: tokens(s1) },
      after40001: { ...after, tokenRequests: tokens(s2) - tokens(s1), rejected: s2.rejected - s1.rejected },
    };
    await client.close().catch(() => {});
    process.stderr.write(
      `token storm ${name}: cold ${cold.ok}/${CALLS} ok, ${tokens(s1)} token requests; after 40001 ${after.ok}/${CALLS} ok, ${tokens(s2) - tokens(s1)} token requests\n`,
    );
  }
} finally {
  await server.close();
}
process.stdout.write(`${JSON.stringify({ calls: CALLS, results })}\n`);
