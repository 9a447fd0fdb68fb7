#!/usr/bin/env node
// Type-checks and builds the emulator console (src/console/ui) into dist/console/: index.html, app.js, app.css.
// One esbuild bundle with preact inside: no CDN, works offline. Prints the sizes.
// Files are written to a temporary name and renamed, so a test building at the same time never
// serves half a file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(pkg, 'dist', 'console');
const quiet = process.argv.includes('--quiet');

const INDEX_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Emulator console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/__emulator/ui/app.css">
</head>
<body>
<div id="app"></div>
<noscript>The emulator console needs JavaScript.</noscript>
<script type="module" src="/__emulator/ui/app.js"></script>
</body>
</html>
`;

// esbuild strips types without checking them: the UI is type-checked here (DOM, JSX for preact).
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(pkg, 'src/console/ui/tsconfig.json')], { stdio: 'inherit' });

const result = await build({
  entryPoints: { app: join(pkg, 'src/console/ui/main.tsx') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  outdir,
  write: false,
  logLevel: 'warning',
});

mkdirSync(outdir, { recursive: true });
const files = [
  ...result.outputFiles.map((f) => [f.path, Buffer.from(f.contents)]),
  [join(outdir, 'index.html'), Buffer.from(INDEX_HTML)],
];
for (const [path, data] of files) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
if (!quiet) {
  const sizes = files.map(
    ([path, data]) =>
      `${path.slice(outdir.length + 1)} ${(data.length / 1024).toFixed(1)} KB (${(gzipSync(data).length / 1024).toFixed(1)} KB gzip)`,
  );
  console.log(`console → dist/console: ${sizes.join(', ')}`);
}
