/**
 * Runs tsc over the compile-only type tests, so their `@ts-expect-error` lines are enforced by
 * `npm test` and not only by `npm run lint`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, test } from 'node:test';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '../../..');
const tmp = mkdtempSync(join(here, '.typecheck-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('the type tests compile (every @ts-expect-error is an error)', () => {
  writeFileSync(
    join(tmp, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: { noEmit: true, types: ['node'], customConditions: ['@miniapp-server/source'] },
      files: [
        join(here, 'client-types.test.ts'),
        join(here, 'push-types.test.ts'),
        join(here, 'immediate-delivery-types.test.ts'),
      ],
    }),
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(tmp, 'tsconfig.json')], { encoding: 'utf8', cwd: root });
  } catch (e) {
    assert.fail(`tsc reported errors:\n${(e as { stdout?: string }).stdout}`);
  }
});
