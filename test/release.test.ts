/**
 * Release hygiene of every publishable package: the metadata npm shows, the files a user gets
 * besides the build (README, LICENSE, CHANGELOG), internal dependency ranges that the workspace
 * versions satisfy (else npm would fetch another copy from the registry), and the changesets
 * configuration that keeps versions in step. publint and attw (`npm run lint:packages`) check the
 * entry points; the pack-and-install test checks that they work.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import semver from 'semver';
import { publishablePackages, root } from '../scripts/lib/packages.mjs';

const REPOSITORY = 'https://github.com/miniapp-server/miniapp-server';
const packages = publishablePackages();
const read = (file: string) => readFileSync(join(root, file), 'utf8');

test('there are publishable packages (the workspaces are read correctly)', () => {
  assert.ok(packages.length >= 4, packages.map((p) => p.name).join(', '));
  for (const p of packages) assert.match(p.name, /^@miniapp-server\//);
});

test('every publishable package carries the metadata npm shows', () => {
  for (const { name, dir, manifest: m } of packages) {
    const where = relative(root, dir);
    assert.ok(m.description?.length > 20, `${name}: description`);
    assert.ok(Array.isArray(m.keywords) && m.keywords.length >= 3, `${name}: keywords`);
    assert.equal(m.license, 'MIT', `${name}: license`);
    assert.deepEqual(
      m.repository,
      { type: 'git', url: `git+${REPOSITORY}.git`, directory: where },
      `${name}: repository`,
    );
    assert.equal(m.homepage, `${REPOSITORY}/tree/main/${where}#readme`, `${name}: homepage`);
    assert.deepEqual(m.bugs, { url: `${REPOSITORY}/issues` }, `${name}: bugs`);
    assert.equal(m.engines?.node, '>=20', `${name}: engines`);
    assert.equal(m.publishConfig?.access, 'public', `${name}: publishConfig.access`);
    assert.ok(m.files.includes('dist'), `${name}: files must include dist`);
    const stray = m.files.filter((f: string) => /^(src|test|tests|fixtures)(\/|$)/.test(f));
    assert.deepEqual(stray, [], `${name}: files must not publish sources or tests`);
    assert.ok(!JSON.stringify(m.exports).includes('"development"'), `${name}: exports use the development condition`);
  }
});

test('every publishable package has its README (install + example), LICENSE and CHANGELOG', () => {
  const license = read('LICENSE');
  assert.match(license, /^MIT License/);
  for (const { name, dir, version } of packages) {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    assert.ok(readme.startsWith(`# ${name}\n`), `${name}: README title`);
    assert.ok(readme.includes(`npm install `) && readme.includes(name), `${name}: README install line`);
    assert.match(readme, /```(ts|sh)\n[\s\S]{200,}?```/, `${name}: README example`);
    // Links in a README on npm must be absolute: relative ones point nowhere there.
    const relativeLinks = [...readme.matchAll(/\]\((?!https?:|#)([^)]+)\)/g)].map((m) => m[1]);
    assert.deepEqual(relativeLinks, [], `${name}: relative links in README`);
    assert.equal(readFileSync(join(dir, 'LICENSE'), 'utf8'), license, `${name}: LICENSE differs from the root's`);
    const changelog = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
    assert.equal(changelog.match(/^## (.+)$/m)?.[1], version, `${name}: CHANGELOG does not start at ${version}`);
  }
});

test('internal dependency ranges are satisfied by the workspace versions', () => {
  const { workspaces } = JSON.parse(read('package.json'));
  const versions = new Map(packages.map((p) => [p.name, p.version]));
  for (const ws of workspaces as string[]) {
    const m = JSON.parse(read(join(ws, 'package.json')));
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [dep, range] of Object.entries<string>(m[field] ?? {})) {
        const version = versions.get(dep);
        if (!version) continue;
        assert.ok(semver.satisfies(version, range), `${ws} ${field}: ${dep}@${range} is not ${version}`);
      }
    }
  }
});

test('changesets: one fixed group of every publishable package, published public', () => {
  assert.ok(existsSync(join(root, '.changeset/README.md')));
  const config = JSON.parse(read('.changeset/config.json'));
  assert.equal(config.access, 'public');
  assert.equal(config.baseBranch, 'main');
  assert.equal(config.fixed.length, 1);
  const [group] = config.fixed as string[][];
  const inGroup = (name: string) => group.some((g) => (g.endsWith('*') ? name.startsWith(g.slice(0, -1)) : g === name));
  for (const { name } of packages) assert.ok(inGroup(name), `${name} is not in the fixed group`);
  const scripts = JSON.parse(read('package.json')).scripts;
  assert.equal(scripts.changeset, 'changeset');
  assert.match(scripts['version-packages'], /^changeset version && npm install --package-lock-only/);
});
