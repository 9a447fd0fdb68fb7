/**
 * ocr.* through the public client against the emulator over real HTTP: every endpoint with both
 * input forms (checked on the wire through the request log), every file input form, real
 * recognition of a rendered PNG, fixtures returned exactly, validation before sending, errcodes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type EmulatorHandle, renderTextPng, startEmulator } from '@miniapp-server/emulator';
import {
  type IdcardResult,
  MiniApp,
  OCR_MAX_IMAGE_BYTES,
  type OcrTypedImageParams,
  ValidationError,
} from '@miniapp-server/sdk';
import { apiError } from './helpers/errors.js';

const PATHS = {
  bankcard: '/cv/ocr/bankcard',
  businessLicense: '/cv/ocr/bizlicense',
  driverLicense: '/cv/ocr/drivinglicense', // 驾驶证
  idcard: '/cv/ocr/idcard',
  printedText: '/cv/ocr/comm',
  vehicleLicense: '/cv/ocr/driving', // 行驶证
  plateNumber: '/cv/ocr/platenum',
} as const;
type Kind = keyof typeof PATHS;
const KINDS = Object.keys(PATHS) as Kind[];

const PHOTO = renderTextPng('OK', { scale: 3 });
let emu: EmulatorHandle;
let app: MiniApp;
let dir: string;

const lastRequest = () => emu.requests({ path: '/cv/ocr/*', limit: 1 })[0];
const ocrRequestCount = () => emu.requests({ path: '/cv/ocr/*' }).length;
const ocr = (kind: Kind, params: unknown) => (app.ocr[kind] as (p: unknown) => Promise<any>)(params);

before(async () => {
  emu = await startEmulator({ port: 0 });
  app = new MiniApp({ appId: emu.defaultApp.appid, appSecret: emu.defaultApp.secret, baseUrl: emu.url });
  dir = mkdtempSync(join(tmpdir(), 'ocr-sdk-'));
});
after(async () => {
  await app.close();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  emu.ocr.clearFixtures();
  emu.ocr.configure({ strict: false, dailyQuota: 10_000 });
});

describe('every endpoint, both input forms', () => {
  for (const kind of KINDS) {
    test(`ocr.${kind}: img (multipart part "img") and img_url (query, empty body)`, async () => {
      const pos = {
        left_top: { x: 1, y: 2 },
        right_top: { x: 9, y: 2 },
        right_bottom: { x: 9, y: 6 },
        left_bottom: { x: 1, y: 6 },
      };
      const result =
        kind === 'printedText'
          ? { items: [{ text: '发票 No.1', pos }], img_size: { w: 10, h: 8 }, extra_key: 'kept' }
          : { number: `fixture-${kind}`, extra_key: 'kept' };
      emu.ocr.addFixture({ kind, image: PHOTO, result });
      const remote = `https://img.example.com/${kind}/a b.png?sig=1&t=2`;
      emu.ocr.addFixture({ kind, img_url: remote, result });

      const viaFile = await ocr(kind, { img: PHOTO });
      assert.deepEqual(viaFile, { errcode: 0, errmsg: 'ok', ...result }); // "0" arrives as a string
      const up = lastRequest();
      assert.equal(up.method, 'POST');
      assert.equal(up.path, PATHS[kind]);
      assert.deepEqual(up.files, [{ field: 'img', filename: 'img.png', contentType: 'image/png', size: PHOTO.length }]);
      assert.equal(up.query.img_url, undefined);

      const viaUrl = await ocr(kind, { img_url: remote });
      assert.deepEqual(viaUrl, { errcode: 0, errmsg: 'ok', ...result });
      const byUrl = lastRequest();
      assert.equal(byUrl.path, PATHS[kind]);
      assert.equal(byUrl.query.img_url, remote); // URL-encoded on the wire, decoded intact
      assert.equal(byUrl.files, undefined);
      assert.equal(byUrl.body, undefined);
    });
  }

  test('the licence naming trap: driverLicense → /drivinglicense, vehicleLicense → /driving', async () => {
    const d = await app.ocr.driverLicense({ img: PHOTO });
    assert.equal(lastRequest().path, '/cv/ocr/drivinglicense');
    assert.ok(d.car_class, '驾驶证 has car_class');
    const v = await app.ocr.vehicleLicense({ img: PHOTO, type: 'scan' });
    assert.equal(lastRequest().path, '/cv/ocr/driving');
    assert.equal(lastRequest().query.type, 'scan');
    assert.ok(v.vin && v.plate_num_b, '行驶证 has vin and plate_num_b');
  });

  test('idcard narrows on type', async () => {
    const r: IdcardResult = await app.ocr.idcard({ img: PHOTO });
    if (r.type === 'Front') assert.match(r.id ?? '', /^\d{17}[\dX]$/);
    else assert.match(r.valid_date ?? '', /^\d{8}-\d{8}$/);
  });
});

describe('file input forms', () => {
  const cases: Array<[string, () => unknown, string, string]> = [
    ['Uint8Array', () => new Uint8Array(PHOTO), 'img.png', 'image/png'],
    ['Blob/File', () => new File([new Uint8Array(PHOTO)], 'scan.png', { type: 'image/png' }), 'scan.png', 'image/png'],
    ['readable stream', () => Readable.from([PHOTO.subarray(0, 100), PHOTO.subarray(100)]), 'img.png', 'image/png'],
    ['{ path }', () => ({ path: join(dir, 'card.png') }), 'card.png', 'image/png'],
    [
      '{ data, filename, contentType }',
      () => ({ data: PHOTO, filename: 'x.bin', contentType: 'image/x-test' }),
      'x.bin',
      'image/x-test',
    ],
  ];
  for (const [name, make, filename, contentType] of cases) {
    test(name, async () => {
      writeFileSync(join(dir, 'card.png'), PHOTO);
      const r = await app.ocr.plateNumber({ img: make() as any });
      assert.ok(r.number);
      assert.deepEqual(lastRequest().files, [{ field: 'img', filename, contentType, size: PHOTO.length }]);
    });
  }
});

describe('real recognition of a rendered PNG', () => {
  test('bankcard returns the rendered 16-digit number; printedText the lines', async (t) => {
    const card = renderTextPng('6222 0212 3456 7890');
    let started = performance.now();
    const first = await app.ocr.bankcard({ img: card, type: 'photo' });
    const coldMs = performance.now() - started;
    assert.equal(first.number, '6222021234567890');
    started = performance.now();
    const text = await app.ocr.printedText({ img: renderTextPng('ORDER 42\nPAID') });
    const warmMs = performance.now() - started;
    assert.deepEqual(
      text.items.map((i) => i.text),
      ['ORDER 42', 'PAID'],
    );
    assert.ok(text.img_size && text.items[0].pos.right_bottom.x <= text.img_size.w);
    t.diagnostic(
      `recognition latency: first call ${coldMs.toFixed(0)} ms (worker start), next ${warmMs.toFixed(0)} ms`,
    );
  });
});

describe('validation happens before anything is sent', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['no image', {}, /pass `img_url` or `img`/],
    ['both inputs', { img: PHOTO, img_url: 'https://a.example/x.png' }, /not both/],
    ['ftp url', { img_url: 'ftp://a.example/x.png' }, /http\(s\)/],
    ['relative url', { img_url: '/x.png' }, /http\(s\)/],
    ['bad type', { img: PHOTO, type: 'fax' }, /photo" or "scan/],
    ['oversized Buffer', { img: Buffer.alloc(OCR_MAX_IMAGE_BYTES + 1) }, /limit is 2097152 bytes/],
    ['oversized Blob', { img: new Blob([new Uint8Array(OCR_MAX_IMAGE_BYTES + 1)]) }, /limit is 2097152 bytes/],
  ];
  for (const [name, params, message] of bad) {
    test(name, async () => {
      const before = ocrRequestCount();
      await assert.rejects(app.ocr.idcard(params as OcrTypedImageParams), (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.api, 'ocr.idcard');
        assert.match(e.message, message);
        return true;
      });
      assert.equal(ocrRequestCount(), before);
    });
  }

  test('type is only accepted where documented', async () => {
    await assert.rejects(app.ocr.businessLicense({ img: PHOTO, type: 'scan' } as never), ValidationError);
  });

  test('an oversized { path } file is refused before upload', async () => {
    const file = join(dir, 'big.png');
    writeFileSync(file, Buffer.alloc(OCR_MAX_IMAGE_BYTES + 1));
    const before = ocrRequestCount();
    await assert.rejects(app.ocr.printedText({ img: { path: file } }), ValidationError);
    assert.equal(ocrRequestCount(), before);
  });
});

describe('errcodes become ApiError', () => {
  test('101000 unreachable url, 101002 not an image, 101001 strict mode', async () => {
    const e1 = await apiError(app.ocr.bankcard({ img_url: 'https://no-such-host.example/card.png' }));
    assert.equal(e1.errcode, 101000);
    assert.equal(e1.api, 'ocr.bankcard');
    assert.ok(e1.rid);
    assert.equal((await apiError(app.ocr.idcard({ img: Buffer.from('plain text') }))).errcode, 101002);
    emu.ocr.configure({ strict: true });
    assert.equal((await apiError(app.ocr.driverLicense({ img: PHOTO }))).errcode, 101001);
  });

  test('45009 once the daily quota is spent', async () => {
    const { used } = emu.ocr.usage(emu.defaultApp.appid);
    emu.ocr.configure({ dailyQuota: used + 1 });
    await app.ocr.plateNumber({ img: PHOTO });
    const before = ocrRequestCount();
    assert.equal((await apiError(app.ocr.plateNumber({ img: PHOTO }))).errcode, 45009);
    assert.equal(ocrRequestCount(), before + 1, '45009 is not retried');
  });
});
