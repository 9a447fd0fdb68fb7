/**
 * The built package (dist/) works from `import` and `require`, with type declarations for both.
 * `npm test` builds first; this test never uses the development (source) condition.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, test } from 'node:test';

const root = new URL('../../../', import.meta.url).pathname;
const dist = join(root, 'packages/sdk/dist');
const tmp = mkdtempSync(join(root, 'packages/sdk/.pkgtest-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// Plain node: no --conditions=development, no tsx.
function nodePlain(args: string[]): string {
  return execFileSync(process.execPath, args, {
    cwd: tmp,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}

test('dist exists (npm test runs the build first)', () => {
  for (const f of ['esm/index.js', 'esm/index.d.ts', 'cjs/index.js', 'cjs/index.d.ts', 'cjs/package.json']) {
    assert.ok(existsSync(join(dist, f)), `missing dist/${f}`);
  }
});

test('require() loads the CommonJS build', () => {
  writeFileSync(
    join(tmp, 'c.cjs'),
    `const sdk = require('@miniapp-server/sdk');
     const app = new sdk.MiniApp({ appId: 'wx1', appSecret: 'x'.repeat(32) });
     console.log(JSON.stringify({ file: require.resolve('@miniapp-server/sdk'), mini: typeof sdk.MiniApp, api: sdk.endpoints.auth.code2Session.name, hasNs: typeof app.auth.code2Session, err: new sdk.ValidationError('x') instanceof sdk.MiniAppError }));`,
  );
  const out = JSON.parse(nodePlain(['c.cjs']));
  assert.match(out.file, /dist\/cjs\/index\.js$/);
  assert.deepEqual([out.mini, out.api, out.hasNs, out.err], ['function', 'auth.code2Session', 'function', true]);
});

test('import loads the ESM build', () => {
  writeFileSync(
    join(tmp, 'e.mjs'),
    `import { MiniApp, endpoints, decryptData } from '@miniapp-server/sdk';
     console.log(JSON.stringify({ url: import.meta.resolve('@miniapp-server/sdk'), mini: typeof MiniApp, dec: typeof decryptData, api: endpoints.auth.getStableAccessToken.path }));`,
  );
  const out = JSON.parse(nodePlain(['e.mjs']));
  assert.match(out.url, /dist\/esm\/index\.js$/);
  assert.deepEqual([out.mini, out.dec, out.api], ['function', 'function', '/cgi-bin/stable_token']);
});

test('type declarations resolve for ESM and CJS consumers', () => {
  writeFileSync(
    join(tmp, 'esm.mts'),
    `import { MiniApp, type Code2SessionResult } from '@miniapp-server/sdk';
     const app = new MiniApp({ appId: 'wx', appSecret: 's' });
     const p: Promise<Code2SessionResult> = app.auth.code2Session({ js_code: 'c' });
     // @ts-expect-error js_code is required
     app.auth.code2Session({});
     void p;`,
  );
  writeFileSync(
    join(tmp, 'cjs.cts'),
    `import sdk = require('@miniapp-server/sdk');
     const app = new sdk.MiniApp({ appId: 'wx', appSecret: 's' });
     const t: Promise<string> = app.accessToken();
     void t;`,
  );
  writeFileSync(
    join(tmp, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
      },
      files: ['esm.mts', 'cjs.cts'],
    }),
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    nodePlain([tsc, '-p', 'tsconfig.json']);
  } catch (e) {
    assert.fail(`tsc failed:\n${(e as { stdout?: string }).stdout}`);
  }
});

// What a program loads with the SDK: undici with the first request, fast-xml-parser with the first
// XML document, and neither for a bare import (it is most of the import time). Both builds.
for (const kind of ['esm', 'cjs'] as const) {
  test(`${kind}: undici and fast-xml-parser load on first use, not on import`, () => {
    const head =
      kind === 'esm'
        ? `import * as sdk from '@miniapp-server/sdk'; import { createRequire } from 'node:module'; import http from 'node:http';
           const cache = createRequire(import.meta.url).cache;`
        : `const sdk = require('@miniapp-server/sdk'); const http = require('node:http'); const cache = require.cache;`;
    const file = join(tmp, kind === 'esm' ? 'lazy.mjs' : 'lazy.cjs');
    writeFileSync(
      file,
      `${head}
       const loaded = () => ({
         undici: Object.keys(cache).some((f) => f.includes('/node_modules/undici/')),
         fxp: Object.keys(cache).some((f) => f.includes('/node_modules/fast-xml-parser/')),
       });
       const steps = { imported: loaded() };
       const server = http.createServer((req, res) => {
         req.resume();
         req.on('end', () => res.end(JSON.stringify({ access_token: 'T', expires_in: 7200 })));
       });
       server.listen(0, '127.0.0.1', async () => {
         const app = new sdk.MiniApp({ appId: 'wx1', appSecret: 's', baseUrl: 'http://127.0.0.1:' + server.address().port });
         steps.constructed = loaded();
         const token = await app.accessToken();
         steps.requested = { ...loaded(), token };
         sdk.parsePush('{"MsgType":"text"}');
         steps.json = loaded();
         const xml = sdk.parsePush('<xml><MsgType><![CDATA[text]]></MsgType></xml>');
         steps.xml = { ...loaded(), type: xml.message.MsgType };
         await app.close();
         server.close();
         console.log(JSON.stringify(steps));
       });`,
    );
    const steps = JSON.parse(nodePlain([file]));
    assert.deepEqual(steps, {
      imported: { undici: false, fxp: false },
      constructed: { undici: false, fxp: false },
      requested: { undici: true, fxp: false, token: 'T' },
      json: { undici: true, fxp: false },
      xml: { undici: true, fxp: true, type: 'text' },
    });
  });
}
