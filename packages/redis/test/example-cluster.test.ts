// Runs examples/cluster/cluster.mjs (node:cluster workers sharing one token through Redis)
// against a throwaway redis-server, from source.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { RedisServer } from './helpers/redis-server.js';

const example = fileURLToPath(new URL('../../../examples/cluster/cluster.mjs', import.meta.url));
let server: RedisServer;

before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await server.stop();
});

test('examples/cluster: each round costs one token request across the workers', async () => {
  const proc = spawn(process.execPath, ['--conditions=@miniapp-server/source', '--import', 'tsx', example], {
    env: { ...process.env, REDIS_URL: server.url, WORKERS: '3', CALLS: '50' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => {
    out += d;
  });
  proc.stderr.on('data', (d) => {
    out += d;
  });
  const [code] = await once(proc, 'exit');
  assert.equal(code, 0, out);
  assert.match(out, /cold cache: 3 workers x 50 calls: 150 succeeded, 1 token request\(s\)\n/);
  assert.match(out, /after every token was revoked: 3 workers x 50 calls: 150 succeeded, 1 token request\(s\)\n/);
});
