#!/usr/bin/env node
// Builds the package in the current directory with tsc: dist/esm (always) and dist/cjs
// (unless --esm-only). One script for every workspace so builds cannot drift.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const esmOnly = process.argv.includes('--esm-only');
const cwd = process.cwd();
const project = existsSync(join(cwd, 'tsconfig.build.json')) ? 'tsconfig.build.json' : null;
if (!project) throw new Error(`no tsconfig.build.json in ${cwd}`);

rmSync(join(cwd, 'dist'), { recursive: true, force: true });
const run = (args) => execFileSync(process.execPath, [tsc, '-p', project, ...args], { stdio: 'inherit', cwd });
run(['--outDir', 'dist/esm']);
if (!esmOnly) {
  run([
    '--outDir',
    'dist/cjs',
    '--module',
    'CommonJS',
    '--moduleResolution',
    'Node10',
    '--verbatimModuleSyntax',
    'false',
  ]);
  mkdirSync(join(cwd, 'dist/cjs'), { recursive: true });
  writeFileSync(join(cwd, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n');
  // tsc leaves `import.meta.url` as is in CommonJS output, where it is a syntax error: make it the
  // file's own URL (what it means in the ESM build).
  for (const f of readdirSync(join(cwd, 'dist/cjs'), { recursive: true })) {
    if (!String(f).endsWith('.js')) continue;
    const p = join(cwd, 'dist/cjs', String(f));
    const js = readFileSync(p, 'utf8');
    if (js.includes('import.meta.url')) {
      writeFileSync(p, js.replaceAll('import.meta.url', 'require("node:url").pathToFileURL(__filename).href'));
    }
  }
}
