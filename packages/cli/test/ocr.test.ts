/**
 * `miniapp ocr` through `main(argv, io)` against a real emulator: a file (multipart) and a URL
 * (img_url), table and --json output, real recognition of a rendered card, errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { type EmulatorHandle, renderTextPng, startEmulator } from '@miniapp-server/emulator';
import { formatOcrResult } from '../src/commands/ocr.js';
import { runCli } from './helpers.js';

let emu: EmulatorHandle;
let dir: string;
let env: NodeJS.ProcessEnv;

const run = (argv: string[]) => runCli(argv, env, emu.defaultApp.secret);

before(async () => {
  emu = await startEmulator({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'ocr-cli-'));
  env = { MINIAPP_APPID: emu.defaultApp.appid, MINIAPP_SECRET: emu.defaultApp.secret, MINIAPP_BASE_URL: emu.url };
  writeFileSync(join(dir, 'card.png'), renderTextPng('6222 0212 3456 7890'));
  writeFileSync(join(dir, 'photo.png'), renderTextPng('A', { scale: 3 }));
});
after(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => emu.ocr.clearFixtures());

test('bankcard from a file: real recognition, readable table', async () => {
  const r = await run(['ocr', 'bankcard', join(dir, 'card.png'), '--type', 'photo']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ocr\.bankcard — 银行卡 bank card$/m);
  assert.match(r.stdout, /^number\s+6222021234567890$/m);
  const [call] = emu.ocr.calls({ limit: 1 });
  assert.deepEqual([call.field, call.filename, call.type], ['img', 'card.png', 'photo']);
});

test('vehicle-license from a URL with --json prints the raw result', async () => {
  const url = 'https://img.example.com/xsz.jpg';
  const result = { plate_num_b: '粤B12345', vin: 'LSVAM4187C2184847', owner: '张三' };
  emu.ocr.addFixture({ kind: 'vehicleLicense', img_url: url, result });
  const r = await run(['ocr', 'vehicle-license', url, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { errcode: 0, errmsg: 'ok', ...result });
  assert.equal(emu.requests({ limit: 1 })[0].path, '/cv/ocr/driving');
});

test('SDK method names are accepted too; positions print as corners', async () => {
  const r = await run(['ocr', 'businessLicense', join(dir, 'photo.png')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^cert_position\s+\(\d+,\d+\)-\(\d+,\d+\)$/m);
  assert.match(r.stdout, /^img_size\s+\d+x\d+$/m);
});

test('printed-text rows', () => {
  const pos = {
    left_top: { x: 1, y: 2 },
    right_top: { x: 9, y: 2 },
    right_bottom: { x: 9, y: 6 },
    left_bottom: { x: 1, y: 6 },
  };
  const out = formatOcrResult('printed-text', {
    errcode: 0,
    items: [{ text: 'HELLO', pos }],
    img_size: { w: 10, h: 8 },
  });
  assert.equal(out.split('\n')[1], '#  text   position');
  assert.equal(out.split('\n')[2], '1  HELLO  (1,2)-(9,6)');
});

test('errors: unknown kind, --type where not accepted, ApiError, missing file', async () => {
  assert.match((await run(['ocr', 'driving', 'x.png'])).stderr, /unknown kind "driving"/);
  assert.match((await run(['ocr', 'plate-number', 'x.png', '--type', 'scan'])).stderr, /--type is not accepted/);
  const notImage = join(dir, 'note.png');
  writeFileSync(notImage, 'hello');
  const api = await run(['ocr', 'idcard', notImage]);
  assert.equal(api.code, 1);
  assert.match(api.stderr, /errcode 101002/);
  assert.match((await run(['ocr', 'idcard', join(dir, 'missing.png')])).stderr, /cannot read `img` file/);
});
