#!/usr/bin/env node
import { main } from '../dist/esm/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // main() already prints one-line errors; this is the last-resort guard.
    process.stderr.write(`miniapp: ${err?.message ?? err}\n`);
    process.exitCode = 1;
  },
);
