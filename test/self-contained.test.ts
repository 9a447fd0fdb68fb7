/**
 * The repository is self-contained: no tracked file refers to a path outside its root, so a fresh
 * clone (with no sibling folders) builds, tests, lints and runs. Checked for every git-tracked text
 * file: source, tests, scripts, configs, manifests, lockfiles and docs (a doc link outside the
 * repository is broken for everyone who clones it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { escapes, findEscapes } from './lib/path-escapes.js';

const root = resolve(new URL('..', import.meta.url).pathname);

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
}

test('no tracked file references a path outside the repository root', () => {
  const files = trackedFiles();
  assert.ok(files.length > 50, `git ls-files listed only ${files.length} files`);
  const found: string[] = [];
  for (const file of files) {
    const bytes = readFileSync(join(root, file));
    if (bytes.includes(0)) continue; // binary (images, fonts)
    for (const hit of findEscapes(bytes.toString('utf8'), join(root, dirname(file)), root)) {
      found.push(`${file}:${hit.line}: ${hit.text}`);
    }
  }
  assert.deepEqual(found, [], `paths outside the repository:\n${found.join('\n')}`);
});

test('the scanner flags escapes and accepts paths inside the root', () => {
  const dir = join(root, 'packages/sdk/test');
  const flagged = (text: string) => findEscapes(text, dir, root).map((h) => h.text);
  // Built at run time so that this file does not contain the references it tests.
  const out = '../'.repeat(4);
  // What the SDK tests used to read, and its variants.
  assert.deepEqual(flagged(`readFileSync(new URL('${out}shared/wechat-api/vectors.json', import.meta.url))`), [
    `${out}shared/wechat-api/vectors.json`,
  ]);
  assert.deepEqual(flagged(`"extends": "${out}tsconfig.json"`), [`${out}tsconfig.json`]);
  assert.deepEqual(flagged(`[protocol](${out}shared/wechat-api/PROTOCOL.md)`), [`${out}shared/wechat-api/PROTOCOL.md`]);
  assert.deepEqual(flagged(`"dep": "file:${out}other"`), [`${out}other`]);
  assert.deepEqual(flagged(`node ./${out}x.mjs\ncd ${out}`), [`./${out}x.mjs`, out]);
  const absolute = `${dirname(root)}${sep}shared${sep}PROTOCOL.md`;
  assert.deepEqual(flagged(`const p = '${absolute}';`), [absolute]);
  // Inside the root (three levels up from packages/sdk/test is the root itself): fine.
  const toRoot = '../'.repeat(3);
  assert.deepEqual(flagged(`new URL('${toRoot}', import.meta.url); import x from '../src/index.js';`), []);
  assert.deepEqual(flagged(`"extends": "${toRoot}tsconfig.base.json" ${root}${sep}x`), []);
  assert.deepEqual(flagged(`https://example.com/a/${out}b and 1${out}2`), []);
  assert.equal(escapes(`${out}x`, dir, root), join(dirname(root), 'x'));
  assert.equal(escapes('../x', dir, root), undefined);
});
