#!/usr/bin/env node
// Builds the package in the current directory with tsc: dist/esm (always) and dist/cjs
// (unless --esm-only). One script for every workspace so builds cannot drift.
// --bundle (the SDK): tsc still writes the .d.ts files, but the runtime of each format becomes one
// file, dist/<format>/index.js, bundled by esbuild from tsc's ESM output. Node's ESM loader costs
// ~0.7 ms per module file; the SDK's 53 files made a cold import ~55 ms, one file makes it ~17 ms.
// Dependencies (undici, fast-xml-parser) stay external and are still loaded on first use.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const esmOnly = process.argv.includes('--esm-only');
const bundle = process.argv.includes('--bundle');
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

if (bundle) {
  const esbuild = require('esbuild');
  const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
  const external = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
  const entry = join(cwd, 'dist/esm/index.js');
  const common = { entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', external, write: false };
  // In CommonJS `import.meta.url` does not exist; createRequire takes the file's path as well.
  const outputs = [['esm', await esbuild.build({ ...common, format: 'esm' })]];
  if (!esmOnly)
    outputs.push([
      'cjs',
      await esbuild.build({ ...common, format: 'cjs', define: { 'import.meta.url': '__filename' } }),
    ]);
  for (const [format, result] of outputs) {
    const dir = join(cwd, 'dist', format);
    // The per-file .js tsc wrote are not loaded any more; the .d.ts files stay for the types.
    for (const f of readdirSync(dir, { recursive: true })) {
      if (String(f).endsWith('.js')) rmSync(join(dir, String(f)));
    }
    writeFileSync(join(dir, 'index.js'), result.outputFiles[0].contents);
  }
}
