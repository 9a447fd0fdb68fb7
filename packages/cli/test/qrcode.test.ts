/**
 * `miniapp qrcode` through `main(argv, io)` against a real emulator: one code, a 200-row batch,
 * a resumed run, injected faults with failures.csv, and the helpers (CSV, rate limiter,
 * progress bar) on their own.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
import { sceneFilename } from '../src/commands/qrcode.js';
import { csvLine, csvRecords, parseCsv } from '../src/csv.js';
import { Progress, formatDuration } from '../src/progress.js';
import { RateLimiter } from '../src/rate-limiter.js';
import { decodeQr } from '../../sdk/test/helpers/wxacode-qr.js';
import { Capture, runCli } from './helpers.js';

const PAGES = ['pages/index/index', 'pages/item/item'];
let emu: EmulatorHandle;
let dir: string;
let env: NodeJS.ProcessEnv;

const run = (argv: string[]) => runCli(argv, env, emu.defaultApp.secret);

/** 200 rows: most take the --page default, every 10th overrides page, filename and width. */
function writeCsv(file: string, rows = 200): void {
  let csv = '\ufeffscene,page,filename,width\r\n';
  for (let i = 0; i < rows; i++) {
    csv +=
      i % 10 === 0
        ? csvLine([`id=${i}`, 'pages/item/item', `item-${i}`, 300]).replace('\n', '\r\n')
        : csvLine([`id=${i}`, '', '', '']);
  }
  writeFileSync(file, csv);
}

const FAST = ['--rate', '600000', '--concurrency', '8'];

before(async () => {
  emu = await startEmulator({ port: 0, apps: [{ name: 'Codes', pages: PAGES }] });
  dir = mkdtempSync(join(tmpdir(), 'miniapp-qrcode-'));
  env = { MINIAPP_APPID: emu.defaultApp.appid, MINIAPP_SECRET: emu.defaultApp.secret, MINIAPP_BASE_URL: emu.url };
});

after(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => emu.clearFaults());

test('one code: --scene/--page → a PNG that decodes to page + scene', async () => {
  const file = join(dir, 'one.png');
  const r = await run(['qrcode', '--page', 'pages/item/item', '--scene', 'id=42', '-o', file, '--width', '320']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*one\.png \(\d+ bytes, image\/png\)\n$/);
  const { text, png } = decodeQr(readFileSync(file));
  assert.equal(text, 'pages/item/item?scene=id%3D42');
  assert.equal(png.width, 320);
});

test('one code: --path (wxacode.get) and --square (createQRCode) report Num-Used', async () => {
  const round = join(dir, 'round.png');
  const r = await run(['qrcode', '--path', 'pages/item/item?id=1', '-o', round, '--hyaline']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /codes used of the 100,000 cap/);
  assert.equal(decodeQr(readFileSync(round)).text, 'pages/item/item?id=1');
  const square = join(dir, 'square.png');
  assert.equal((await run(['qrcode', '--path', 'pages/item/item?id=2', '--square', '-o', square])).code, 0);
  assert.equal(decodeQr(readFileSync(square)).text, 'pages/item/item?id=2');
});

test('one code: a bad parameter fails before any request, with exit code 1', async () => {
  emu.clearRequests();
  const r = await run(['qrcode', '--scene', 'a%b', '-o', join(dir, 'bad.png')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /scene/);
  assert.equal(emu.requests({ path: '/wxa/*' }).length, 0);
});

describe('batch', () => {
  const csv = () => join(dir, 'scenes.csv');
  const out = () => join(dir, 'codes');

  test('200 rows → 200 codes with per-row page, filename and width, progress and summary', async () => {
    writeCsv(csv());
    const r = await run(['qrcode', 'batch', csv(), '--page', 'pages/index/index', '--out', out(), ...FAST]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^generated 200, skipped 0 \(already present\), failed 0 of 200 rows in [\d.]+ s \([\d.]+ codes\/s/,
    );
    assert.match(r.stderr, /qrcode \[#+\] 200\/200 100% · [\d.]+\/s · ETA 0:00/);
    const files = readdirSync(out());
    assert.equal(files.length, 200);
    assert.ok(!files.includes('failures.csv'));
    for (const i of [0, 1, 57, 190, 199]) {
      const name = i % 10 === 0 ? `item-${i}.png` : `id=${i}.png`;
      const { text, png } = decodeQr(readFileSync(join(out(), name)));
      const page = i % 10 === 0 ? 'pages/item/item' : 'pages/index/index';
      assert.equal(text, `${page}?scene=${encodeURIComponent(`id=${i}`)}`, name);
      assert.equal(png.width, i % 10 === 0 ? 300 : 430);
    }
  });

  test('a resumed run skips files already written and generates only the missing ones', async () => {
    for (let i = 1; i <= 20; i++) unlinkSync(join(out(), `id=${i * 10 - 9}.png`));
    emu.clearRequests();
    const r = await run(['qrcode', 'batch', csv(), '--page', 'pages/index/index', '--out', out(), ...FAST]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^generated 20, skipped 180 \(already present\), failed 0 of 200 rows/);
    assert.equal(emu.requests({ path: '/wxa/getwxacodeunlimit' }).length, 20);
    assert.equal(readdirSync(out()).length, 200);
  });

  test('injected faults and bad rows: reported at the end and in failures.csv, exit 1; a rerun completes', async () => {
    const file = join(dir, 'faulty.csv');
    const dest = join(dir, 'faulty');
    let text = 'scene,filename\n';
    for (let i = 0; i < 200; i++) text += `f${i},\n`;
    text += 'bad%scene,\n'; // ValidationError, never sent
    text += 'dup,f0.png\n'; // same file as row 1
    writeFileSync(file, text);
    emu.addFault({ path: '/wxa/getwxacodeunlimit', kind: 'errcode', errcode: 45009, count: 5 }); // not retried
    emu.addFault({ path: '/wxa/getwxacodeunlimit', kind: 'http', status: 502, count: 3 }); // retried by the SDK
    const r = await run(['qrcode', 'batch', file, '--out', dest, ...FAST]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^generated 195, skipped 0 \(already present\), failed 7 of 202 rows/);
    assert.match(r.stderr, /7 row\(s\) failed/);
    assert.match(r.stderr, /row 201 scene=bad%scene: .*scene/);
    assert.match(r.stderr, /errcode 45009/);
    const failures = csvRecords(readFileSync(join(dest, 'failures.csv'), 'utf8')).records.map((x) => x.values);
    assert.equal(failures.length, 7);
    assert.equal(failures.filter((f) => f.errcode === '45009').length, 5);
    assert.deepEqual(
      failures.filter((f) => f.errcode === '').map((f) => f.line),
      ['201', '202'],
    );
    assert.match(failures.find((f) => f.line === '202')!.error, /duplicate filename f0\.png/);

    // Faults are spent: a rerun generates the five 45009 rows and still reports the two bad ones.
    const again = await run(['qrcode', 'batch', file, '--out', dest, ...FAST]);
    assert.equal(again.code, 1);
    assert.match(again.stdout, /^generated 5, skipped 195 \(already present\), failed 2 of 202 rows/);
    assert.equal(readdirSync(dest).filter((f) => f.endsWith('.png')).length, 200);
    assert.equal(csvRecords(readFileSync(join(dest, 'failures.csv'), 'utf8')).records.length, 2);
  });

  test('bad invocations: no scene column, missing --out', async () => {
    const file = join(dir, 'noscene.csv');
    writeFileSync(file, 'id\n1\n');
    const r = await run(['qrcode', 'batch', file, '--out', join(dir, 'x')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /"scene" column/);
    assert.equal((await run(['qrcode', 'batch', file])).code, 1);
    assert.ok(!existsSync(join(dir, 'x')));
  });
});

describe('helpers', () => {
  test('CSV: quotes, escaped quotes, embedded newlines, CRLF, BOM, blank lines', () => {
    assert.deepEqual(parseCsv('\ufeffa,b\r\n"x,1","say ""hi"""\r\n\r\n"multi\nline",\n'), [
      ['a', 'b'],
      ['x,1', 'say "hi"'],
      ['multi\nline', ''],
    ]);
    assert.equal(csvLine(['a,b', 'q"', 3, undefined]), '"a,b","q""",3,\n');
    assert.deepEqual(parseCsv(csvLine(['a,b', 'q"', 'x\ny'])), [['a,b', 'q"', 'x\ny']]);
  });

  test('scene file names are stable and safe', () => {
    assert.equal(sceneFilename('id=42'), 'id=42.png');
    const odd = sceneFilename('a/b:c?d');
    assert.match(odd, /^a_b_c_d-[0-9a-f]{8}\.png$/);
    assert.equal(sceneFilename('a/b:c?d'), odd);
    assert.notEqual(sceneFilename('a/b'), sceneFilename('a:b'));
  });

  test('rate limiter: never more than perMinute + 1 starts in any 60 s window, and no slower than asked', async () => {
    let now = 0;
    const starts: number[] = [];
    const limiter = new RateLimiter(5000, {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    for (let i = 0; i < 12_000; i++) {
      await limiter.acquire();
      starts.push(now);
    }
    let maxInWindow = 0;
    for (let i = 0, j = 0; i < starts.length; i++) {
      while (starts[i]! - starts[j]! >= 60_000) j++;
      maxInWindow = Math.max(maxInWindow, i - j + 1);
    }
    assert.equal(maxInWindow, 5000);
    assert.ok(Math.abs(starts.at(-1)! - (12_000 - 1) * 12) < 1e-6, 'evenly spaced at 60000/5000 ms');
  });

  test('progress: redraws in place on a TTY, plain lines otherwise, rate and ETA', () => {
    let now = 0;
    const tty = new Capture();
    const p = new Progress({ total: 4, stream: tty, tty: true, label: 'qrcode', now: () => now });
    now = 1000;
    p.tick('done');
    now = 2000;
    p.tick('skipped');
    p.tick('failed'); // within 100 ms of the last draw: not drawn
    p.finish();
    assert.match(tty.text, /^\r\x1b\[2Kqrcode \[#{6}-{18}\] 1\/4 25% · 1\.0\/s · ETA 0:03/);
    assert.match(tty.text, /\r\x1b\[2Kqrcode \[#{18}-{6}\] 3\/4 75% · 1\.0\/s · ETA 0:01 · 1 skipped · 1 failed\n$/);
    const plain = new Capture();
    const q = new Progress({ total: 2, stream: plain, tty: false, now: () => now, lineIntervalMs: 5000 });
    q.tick('done');
    q.tick('done');
    q.finish();
    assert.ok(!plain.text.includes('\r'));
    assert.equal(plain.text.split('\n').filter(Boolean).length, 2);
    assert.equal(formatDuration(3725), '1:02:05');
    assert.equal(formatDuration(Number.POSITIVE_INFINITY), '--:--');
  });
});
