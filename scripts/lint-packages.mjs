#!/usr/bin/env node
// `npm run lint:packages` (part of `npm run lint`): publint and arethetypeswrong over what
// `npm pack` would publish for every publishable package. Needs the build (`npm run build`).
// ESM-only packages (no `require` condition) are checked with attw's esm-only profile, which does
// not ask for CommonJS or node10 entry points they deliberately do not have.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hasRequireEntry, publishablePackages, root } from './lib/packages.mjs';

const bin = (name) => join(root, 'node_modules', '.bin', name);

let failed = 0;
for (const pkg of publishablePackages()) {
  if (!existsSync(join(pkg.dir, 'dist'))) {
    console.error(`${pkg.name} has no dist/: run \`npm run build\` first`);
    process.exit(1);
  }
  const profile = hasRequireEntry(pkg.manifest) ? 'strict' : 'esm-only';
  const runs = [
    ['publint', [bin('publint'), '--strict', '--pack', 'npm']],
    [`attw (${profile})`, [bin('attw'), '--pack', '.', '--profile', profile, '--format', 'ascii']],
  ];
  for (const [label, args] of runs) {
    const [cmd, ...rest] = args;
    const r = spawnSync(cmd, rest, { cwd: pkg.dir, encoding: 'utf8' });
    if (r.status === 0) {
      console.log(`ok   ${label} ${pkg.name}`);
    } else {
      failed++;
      console.log(`FAIL ${label} ${pkg.name}\n${r.stdout}${r.stderr}`);
    }
  }
}
if (failed) {
  console.error(`${failed} package check(s) failed`);
  process.exit(1);
}
