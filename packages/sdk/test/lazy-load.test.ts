/**
 * Cold start: what a program loads with the built SDK (dist/, plain node, no source condition).
 * undici loads with the first request and fast-xml-parser with the first XML document — neither
 * on a bare import, where they were most of the import time; nor node:crypto (a quarter of what
 * was left), which the SDK's own code takes on first use. `npm test` builds first.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

const root = new URL('../../../', import.meta.url).pathname;
// Inside the workspace, so `@miniapp-server/sdk` resolves to the built package through its link.
const tmp = mkdtempSync(join(root, 'packages/sdk/.lazytest-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function nodePlain(args: string[]): string {
  return execFileSync(process.execPath, args, {
    cwd: tmp,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}

for (const kind of ['esm', 'cjs'] as const) {
  test(`${kind}: undici, fast-xml-parser and node:crypto load on first use, not on import`, () => {
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
       // undici itself loads node:crypto, so it is only asserted before the first request.
       const crypto = () => process.moduleLoadList.includes('NativeModule crypto');
       const steps = { imported: { ...loaded(), crypto: crypto() } };
       const server = http.createServer((req, res) => {
         req.resume();
         req.on('end', () => res.end(JSON.stringify({ access_token: 'T', expires_in: 7200 })));
       });
       server.listen(0, '127.0.0.1', async () => {
         const app = new sdk.MiniApp({ appId: 'wx1', appSecret: 's', baseUrl: 'http://127.0.0.1:' + server.address().port });
         steps.constructed = { ...loaded(), crypto: crypto() };
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
      imported: { undici: false, fxp: false, crypto: false },
      constructed: { undici: false, fxp: false, crypto: false },
      requested: { undici: true, fxp: false, token: 'T' },
      json: { undici: true, fxp: false },
      xml: { undici: true, fxp: true, type: 'text' },
    });
  });
}
