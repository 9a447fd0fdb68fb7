/**
 * What `npm publish` would ship works on its own: every publishable package is packed with
 * `npm pack`, the tarballs are installed into a new project outside the repository (no workspace
 * links, no access to the repository's node_modules), and that project imports, requires,
 * type-checks and runs them. Needs the build (`npm test` builds first) and the npm registry only for
 * what the npm cache lacks (`--prefer-offline`).
 */
import assert from 'node:assert/strict';
import { execFile, type SpawnSyncOptions, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { hasRequireEntry, publishablePackages, root } from '../scripts/lib/packages.mjs';

const execFileAsync = promisify(execFile);
const packages = publishablePackages();
const here = new URL('./pack-install/', import.meta.url).pathname;
const work = mkdtempSync(join(realpathSync(tmpdir()), 'miniapp-pack-install-'));
const project = join(work, 'project');
const tarballs = join(work, 'tarballs');
after(() => rmSync(work, { recursive: true, force: true }));

// Children get none of the npm_* variables `npm test` exports (they would point npm at the
// repository's workspace), and no NODE_OPTIONS or NODE_PATH: only the npm cache and registry settings.
const env: NodeJS.ProcessEnv = {};
for (const [k, v] of Object.entries(process.env)) {
  const npmVar = k.toLowerCase().startsWith('npm_') && !/^npm_config_(cache|registry)$/i.test(k);
  if (!npmVar && !['NODE_OPTIONS', 'NODE_PATH', 'INIT_CWD', 'MINIAPP_TEST'].includes(k)) env[k] = v;
}

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { cwd: project, env, encoding: 'utf8', timeout: 300_000, ...opts });
  if (r.status !== 0) {
    assert.fail(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  }
  return String(r.stdout);
}
const node = (args: string[]) => run(process.execPath, args);
const lastJson = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!);

interface Packed {
  name: string;
  filename: string;
  files: { path: string }[];
}
let packed: Packed[] = [];
const timings: Record<string, number> = {};
const started = performance.now();

before(async () => {
  // The project must not find the repository's (or any other) node_modules by walking up.
  assert.ok(!project.startsWith(root + sep), `${project} is inside the repository`);
  for (let dir = dirname(project); ; dir = dirname(dir)) {
    assert.ok(!existsSync(join(dir, 'node_modules')), `${dir}/node_modules exists: choose another TMPDIR`);
    if (dir === dirname(dir)) break;
  }
  mkdirSync(tarballs);
  mkdirSync(project);

  let t = performance.now();
  const packArgs = ['pack', '--json', '--pack-destination', tarballs, ...packages.flatMap((p) => ['-w', p.dir])];
  packed = JSON.parse(run('npm', packArgs, { cwd: root }));
  timings.pack = performance.now() - t;
  assert.deepEqual(
    packed.map((p) => p.name),
    packages.map((p) => p.name),
  );

  // Each package from its tarball; overrides make our packages' dependencies on each other use
  // the same tarballs (never a registry copy).
  const deps = Object.fromEntries(packed.map((p) => [p.name, `file:../tarballs/${p.filename}`]));
  const rootLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'pack-install-consumer',
      private: true,
      type: 'module',
      dependencies: deps,
      devDependencies: { '@types/node': rootLock.packages['node_modules/@types/node'].version },
      overrides: Object.fromEntries(packed.map((p) => [p.name, `$${p.name}`])),
    }),
  );
  t = performance.now();
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']);
  timings.install = performance.now() - t;
});

after(() => {
  timings.total = performance.now() - started;
  const ms = Object.entries(timings).map(([k, v]) => `${k} ${Math.round(v)} ms`);
  console.log(`pack-install timings: ${ms.join(', ')}`);
});

test('every tarball holds its built entry points and no sources, tests or fixtures', () => {
  for (const pkg of packages) {
    const files = packed.find((p) => p.name === pkg.name)!.files.map((f) => f.path);
    for (const required of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
      assert.ok(files.includes(required), `${pkg.name}: ${required} missing from the tarball`);
    }
    const stray = files.filter((f) => /(^|\/)(src|test|tests|fixtures)\//.test(f) || /(?<!\.d)\.[cm]?ts$/.test(f));
    assert.deepEqual(stray, [], `${pkg.name} would publish sources or tests`);
    // Every entry point the manifest names (other than our own source condition) is in the tarball.
    const targets = [...entryTargets(pkg.manifest.exports), pkg.manifest.main, pkg.manifest.types];
    targets.push(...Object.values<string>(pkg.manifest.bin ?? {}));
    for (const target of targets.filter(Boolean)) {
      assert.ok(files.includes(target.replace(/^\.\//, '')), `${pkg.name}: ${target} is not in the tarball`);
    }
  }
});

function entryTargets(exp: unknown, condition = ''): string[] {
  if (typeof exp === 'string') return condition === '@miniapp-server/source' ? [] : [exp];
  if (!exp || typeof exp !== 'object') return [];
  return Object.entries(exp).flatMap(([k, v]) => entryTargets(v, k));
}

test('the packages were installed from the tarballs, once each, inside the temporary project', () => {
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8'));
  for (const pkg of packages) {
    const dir = join(project, 'node_modules', pkg.name);
    assert.ok(!lstatSync(dir).isSymbolicLink(), `${pkg.name} is a link, not an installed copy`);
    assert.equal(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version, pkg.version);
    assert.ok(!existsSync(join(dir, 'src')), `${pkg.name}: src/ was installed`);
    const copies = Object.keys(lock.packages).filter((k) => k.endsWith(`node_modules/${pkg.name}`));
    assert.deepEqual(copies, [`node_modules/${pkg.name}`], `${pkg.name} installed more than once`);
    assert.match(lock.packages[copies[0]].resolved, /^file:.*\.tgz$/);
  }
});

// Loads every package from the temporary project (import; require too where there is a CommonJS
// entry) and prints where each resolved and how many exports it has.
function probe(
  conditions: string[] = [],
): Record<string, { esm: string; esmExports: number; cjs?: string; cjsExports?: number }> {
  writeFileSync(
    join(project, 'probe.mjs'),
    `import { createRequire } from 'node:module';
     const require = createRequire(import.meta.url);
     const out = {};
     for (const [name, cjs] of ${JSON.stringify(packages.map((p) => [p.name, hasRequireEntry(p.manifest)]))}) {
       out[name] = { esm: import.meta.resolve(name), esmExports: Object.keys(await import(name)).length };
       if (cjs) Object.assign(out[name], { cjs: require.resolve(name), cjsExports: Object.keys(require(name)).length });
     }
     console.log(JSON.stringify(out));`,
  );
  return lastJson(node([...conditions.map((c) => `--conditions=${c}`), 'probe.mjs']));
}

function assertDist(out: ReturnType<typeof probe>, label: string): void {
  for (const pkg of packages) {
    const dist = join(project, 'node_modules', pkg.name, 'dist') + sep;
    const { esm, cjs, esmExports, cjsExports } = out[pkg.name];
    assert.ok(esm.startsWith(`file://${dist}`) && esm.endsWith('.js'), `${label}: ${pkg.name} imported from ${esm}`);
    assert.ok(esmExports > 0, `${label}: ${pkg.name} exports nothing`);
    if (hasRequireEntry(pkg.manifest)) {
      assert.ok(cjs?.startsWith(dist) && cjs.endsWith('.js'), `${label}: ${pkg.name} required from ${cjs}`);
      assert.equal(cjsExports, esmExports, `${label}: ${pkg.name}: CJS and ESM exports differ`);
    }
  }
}

test('plain node: import of every package, require of every package with a CommonJS entry', () => {
  assertDist(probe(), 'plain node');
  writeFileSync(
    join(project, 'named.cjs'),
    `const { MiniApp } = require('@miniapp-server/sdk');
     const { RedisTokenStore } = require('@miniapp-server/redis');
     import('@miniapp-server/emulator').then(({ startEmulator }) =>
       console.log(JSON.stringify([typeof MiniApp, typeof RedisTokenStore, typeof startEmulator])));`,
  );
  assert.deepEqual(lastJson(node(['named.cjs'])), ['function', 'function', 'function']);
});

// Conditions bundlers turn on by themselves: Vite's defaults (client: module, browser,
// development|production; SSR: module, node, development|production) and webpack's. Node adds
// `node`, `import`/`require` and `default`, which none of our export maps treat specially.
const BUNDLER_CONDITIONS = [
  ['development'],
  ['module', 'browser', 'development'],
  ['module', 'node', 'development'],
  ['module', 'browser', 'production'],
  ['webpack', 'development', 'module', 'browser'],
];

test("development and Vite's or webpack's default conditions resolve to dist/, never to sources", () => {
  for (const conditions of BUNDLER_CONDITIONS) assertDist(probe(conditions), `--conditions=${conditions.join(',')}`);
});

// The compiler is the repository's (a tool, like npm itself); what it resolves, @types/node
// included, comes from the temporary project's node_modules.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const STRICT = { strict: true, skipLibCheck: false, target: 'ES2022', types: ['node'], noEmitOnError: true };

test('tsc --strict without skipLibCheck accepts a consumer: nodenext (ESM and CJS) and bundler resolution', async () => {
  copyFileSync(join(here, 'consumer.ts'), join(project, 'consumer.ts'));
  copyFileSync(join(here, 'consumer-cjs.cts'), join(project, 'consumer-cjs.cts'));
  const configs = {
    'tsconfig.nodenext.json': {
      compilerOptions: { ...STRICT, module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'out' },
      files: ['consumer.ts', 'consumer-cjs.cts'],
    },
    'tsconfig.bundler.json': {
      compilerOptions: { ...STRICT, module: 'ESNext', moduleResolution: 'Bundler', noEmit: true },
      files: ['consumer.ts'],
    },
  };
  // Both at once: each checks every declaration file it reaches (ours, fastify's, undici's, node's).
  const t = performance.now();
  await Promise.all(
    Object.entries(configs).map(async ([file, config]) => {
      writeFileSync(join(project, file), JSON.stringify(config));
      try {
        await execFileAsync(process.execPath, [tsc, '-p', file], { cwd: project, env });
      } catch (e) {
        const { stdout, stderr } = e as { stdout?: string; stderr?: string };
        assert.fail(`tsc -p ${file} failed:\n${stdout}${stderr}`);
      }
    }),
  );
  timings.tsc = performance.now() - t;
  assert.ok(existsSync(join(project, 'out/consumer.js')) && existsSync(join(project, 'out/consumer-cjs.cjs')));
});

test('the compiled consumer starts the installed emulator and calls it through the installed SDK', () => {
  const esm = lastJson(node(['out/consumer.js']));
  assert.deepEqual(esm, {
    openid: true,
    invalid: 'ValidationError',
    pushStatus: 200,
    heard: ['hi'],
    token: true,
    tokenRequests: 1,
    store: 'function',
  });
  const cjs = lastJson(node(['out/consumer-cjs.cjs']));
  assert.deepEqual(cjs, {
    MiniApp: 'function',
    code2Session: '/sns/jscode2session',
    ValidationError: true,
    RedisTokenStore: 'function',
    prefix: 'miniapp:',
    fetchToken: 'function',
  });
});

test('npx miniapp --help', () => {
  const out = run('npx', ['--no', '--', 'miniapp', '--help']);
  assert.match(out, /Usage/);
  assert.match(out, /emulator/);
});

test('npx miniapp emulator --port 0 serves the API and stops on SIGTERM', async () => {
  // Its own process group, so the signal reaches the command behind npx's shell too.
  const child = spawn('npx', ['--no', '--', 'miniapp', 'emulator', '--port', '0'], {
    cwd: project,
    env,
    detached: true,
  });
  // 'close': every process holding its stdout (npx, its shell, the command) has exited.
  const closed = once(child, 'close');
  try {
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed in 60 s:\n${stdout}`)), 60_000);
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        const m = stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code} before listening:\n${stdout}`)));
    });
    const appid = stdout.match(/appid:\s+(\S+)/)![1];
    const secret = stdout.match(/secret:\s+(\S+)/)![1];
    const res = await fetch(`${url}/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=${secret}`);
    const body = (await res.json()) as { access_token?: string; expires_in?: number };
    assert.equal(typeof body.access_token, 'string');
    assert.equal(body.expires_in, 7200);

    process.kill(-child.pid!, 'SIGTERM');
    const [code, signal] = await closed;
    // npx itself dies of the signal; the command handles it and closes the emulator.
    assert.ok(code === 0 || signal === 'SIGTERM', `exit ${code} ${signal}`);
    await assert.rejects(fetch(`${url}/cgi-bin/token`), 'the emulator still answers after SIGTERM');
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
});
