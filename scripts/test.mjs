#!/usr/bin/env node
// `npm test`: build every package (the packaging tests import the built files), then run
// every *.test.ts with Node's built-in runner. TypeScript sources are loaded through tsx and
// our own export condition "@miniapp-server/source" (never "development", which bundlers turn on
// for their users), so tests always exercise the current source.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));

if (!args.includes('--no-build')) {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.mjs')) out.push(p);
  }
  return out;
}

// test/ holds the repository-level tests (self-containment, pack-and-install).
let files = ['packages', 'examples', 'test'].flatMap((dir) => findTests(join(root, dir))).sort();
if (filters.length) files = files.filter((f) => filters.some((flt) => f.includes(flt)));

// Tests that need a real redis-server: skipped with one clear line on a developer machine
// without it, a failure in CI (CI=true), where .ci/run installs it.
const hasRedis = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasRedis) {
  const redisTests = files.filter((f) => f.includes(`${join('packages', 'redis')}/`));
  if (process.env.CI === 'true' && redisTests.length) {
    console.error('redis-server is not installed: the Redis tests cannot run in CI (apt-get install redis-server).');
    process.exit(1);
  }
  if (redisTests.length) {
    console.log(
      `SKIPPED ${redisTests.length} Redis test file(s): redis-server not found (install it: apt-get install redis-server / brew install redis).`,
    );
    files = files.filter((f) => !redisTests.includes(f));
  }
}

const r = spawnSync(
  process.execPath,
  [
    '--conditions=@miniapp-server/source',
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=3',
    '--test-reporter=spec',
    ...files.map((f) => relative(root, f)),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, MINIAPP_TEST: '1' } },
);
process.exit(r.status ?? 1);
