/**
 * The OCR area over plain HTTP (no SDK): routes, both input forms, fixtures, real offline
 * recognition, synthetic cards, strict mode, limits, quota and errcodes.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import ocrArea, { findCardNumber } from '../src/areas/ocr/index.js';
import { Recogniser } from '../src/areas/ocr/recogniser.js';
import { renderTextPng } from '../src/areas/ocr/render.js';
import { idCheckDigit } from '../src/areas/ocr/synthetic.js';
import { client, start } from './helpers.js';

const PATHS = [
  '/cv/ocr/bankcard',
  '/cv/ocr/bizlicense',
  '/cv/ocr/drivinglicense',
  '/cv/ocr/idcard',
  '/cv/ocr/comm',
  '/cv/ocr/driving',
  '/cv/ocr/platenum',
];
const CARD = renderTextPng('6222 0212 3456 7890');
const PHOTO = renderTextPng('ID', { scale: 3 }); // any image: the card/licence answers are synthetic

let emu: EmulatorHandle;
let c: ReturnType<typeof client>;
let token: string;
let files: Server; // a loopback server img_url can point at
let filesUrl: string;

function form(data: Buffer, field = 'img', filename = 'photo.png', type = 'image/png'): FormData {
  const f = new FormData();
  f.append(field, new Blob([new Uint8Array(data)], { type }), filename);
  return f;
}
const upload = (path: string, data: Buffer, query: Record<string, string> = {}, field = 'img') =>
  c.post(path, form(data, field), { query: { access_token: token, ...query } });
const byUrl = (path: string, img_url: string) => c.post(path, undefined, { query: { access_token: token, img_url } });

before(async () => {
  emu = await start({ areas: [ocrArea] });
  c = client(emu);
  token = await c.token();
  files = createServer((req, res) => {
    if (req.url === '/card.png') res.writeHead(200, { 'content-type': 'image/png' }).end(CARD);
    else if (req.url === '/note.txt') res.writeHead(200, { 'content-type': 'text/plain' }).end('not an image');
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
after(async () => {
  await emu.close(); // also terminates the tesseract worker
  await new Promise((r) => files.close(r));
});
beforeEach(async () => {
  token = await c.token(); // earlier tests move the virtual clock past a token's life
  emu.ocr.clearFixtures();
  emu.ocr.clearCalls();
  emu.ocr.configure({ strict: false, dailyQuota: 100 });
});

test('the seven routes are POST only, at the PROTOCOL paths', async () => {
  const mounted = emu.routes().filter((r: { path: string }) => r.path.startsWith('/cv/ocr/'));
  assert.deepEqual(mounted.map((r: { path: string }) => r.path).sort(), [...PATHS].sort());
  assert.ok(mounted.every((r: { method: string }) => r.method === 'POST'));
  assert.equal((await c.get('/cv/ocr/idcard', { access_token: token })).json.errcode, 43002);
});

describe('real recognition (tesseract, offline)', () => {
  test('bankcard reads the rendered card number from a multipart upload', async () => {
    const r = await upload('/cv/ocr/bankcard', CARD, { type: 'photo' });
    assert.equal(r.json.errcode, '0'); // string, like WeChat's samples
    assert.equal(r.json.number, '6222021234567890');
    const [call] = emu.ocr.calls();
    assert.equal(call.source, 'recognition');
    assert.equal(call.type, 'photo');
    assert.deepEqual(
      [call.input, call.field, call.filename, call.contentType],
      ['img', 'img', 'photo.png', 'image/png'],
    );
  });

  test('printedText returns lines with positions inside img_size', async () => {
    const r = await upload('/cv/ocr/comm', renderTextPng('INVOICE 2024\nTOTAL 15'));
    assert.deepEqual(
      r.json.items.map((i: { text: string }) => i.text),
      ['INVOICE 2024', 'TOTAL 15'],
    );
    const { w, h } = r.json.img_size;
    for (const { pos } of r.json.items) {
      assert.ok(pos.left_top.x < pos.right_bottom.x && pos.left_top.y < pos.right_bottom.y);
      assert.ok(pos.right_bottom.x <= w && pos.right_bottom.y <= h);
    }
    assert.ok(r.json.items[0].pos.left_top.y < r.json.items[1].pos.left_top.y);
  });

  test('img_url on loopback is downloaded and recognised', async () => {
    const r = await byUrl('/cv/ocr/bankcard', `${filesUrl}/card.png`);
    assert.equal(r.json.number, '6222021234567890');
    assert.equal(emu.ocr.calls()[0].input, 'img_url');
  });

  test('a card with no number answers 101001', async () => {
    assert.equal((await upload('/cv/ocr/bankcard', renderTextPng('HELLO'))).json.errcode, 101001);
  });

  test('the worker refuses the network: a URL model path fails instead of downloading', async () => {
    const r = new Recogniser({ langPath: 'http://127.0.0.1:9/models' });
    await assert.rejects(r.recognise(CARD), /runs offline: refusing to fetch/);
    await r.close();
  });
});

describe('synthetic cards and licences', () => {
  test('deterministic per image, realistic shapes', async () => {
    const a = await upload('/cv/ocr/idcard', PHOTO);
    const b = await upload('/cv/ocr/idcard', PHOTO);
    assert.deepEqual(a.json.type, b.json.type);
    assert.deepEqual({ ...a.json, errmsg: '' }, { ...b.json, errmsg: '' });
    if (a.json.type === 'Front') {
      assert.match(a.json.id, /^\d{17}[\dX]$/);
      assert.equal(a.json.id.at(-1), idCheckDigit(a.json.id.slice(0, 17)));
    } else assert.match(a.json.valid_date, /^\d{8}-\d{8}$/);
    const v = (await upload('/cv/ocr/driving', PHOTO)).json; // 行驶证
    assert.ok(v.vin && v.plate_num_b && v.vehicle_type, 'vehicle licence fields');
    assert.equal(v.vin.length, 17);
    const d = (await upload('/cv/ocr/drivinglicense', PHOTO)).json; // 驾驶证
    assert.ok(d.car_class && d.id_num && d.valid_to, 'driver licence fields');
    const biz = (await upload('/cv/ocr/bizlicense', PHOTO)).json;
    assert.match(biz.reg_num, /^[0-9A-Z]{18}$/);
    assert.deepEqual(biz.img_size, { w: PHOTO.readUInt32BE(16), h: PHOTO.readUInt32BE(20) });
    assert.match((await upload('/cv/ocr/platenum', PHOTO)).json.number, /^\p{Script=Han}[A-Z][A-Z0-9]{5}$/u);
    assert.ok(emu.ocr.calls().every((x: { source: string }) => x.source === 'synthetic'));
  });

  test('strict mode (admin toggle) answers 101001 instead', async () => {
    const put = await c.admin('PUT', 'ocr/config', { strict: true });
    assert.equal(put.json.strict, true);
    assert.equal((await upload('/cv/ocr/idcard', PHOTO)).json.errcode, 101001);
    assert.equal((await upload('/cv/ocr/driving', PHOTO)).json.errcode, 101001);
  });
});

describe('fixtures', () => {
  test('by image (handle), by sha256 (admin API), by img_url (no download)', async () => {
    const result = {
      type: 'Front',
      name: '张三',
      id: '11010519491231002X',
      addr: '北京市',
      gender: '男',
      nationality: '汉',
    };
    emu.ocr.addFixture({ kind: 'idcard', image: PHOTO, result });
    const r = await upload('/cv/ocr/idcard', PHOTO);
    assert.deepEqual(r.json, { errcode: '0', errmsg: 'ok', ...result });
    assert.equal(emu.ocr.calls()[0].source, 'fixture');

    const { createHash } = await import('node:crypto');
    const sha256 = createHash('sha256').update(CARD).digest('hex');
    const added = await c.admin('POST', 'ocr/fixtures', { kind: 'bankcard', sha256, result: { number: '1111' } });
    assert.equal(added.status, 200);
    assert.equal((await upload('/cv/ocr/bankcard', CARD)).json.number, '1111');
    assert.equal((await c.admin('GET', 'ocr/fixtures')).json.length, 2);

    const remote = 'https://cdn.example.com/a b.jpg?x=1&y=2';
    emu.ocr.addFixture({ kind: 'plateNumber', img_url: remote, result: { number: '粤B12345' } });
    assert.equal((await byUrl('/cv/ocr/platenum', remote)).json.number, '粤B12345');
    // the fixture is per kind: another recogniser does not see it
    assert.equal((await byUrl('/cv/ocr/idcard', remote)).json.errcode, 101000);

    const del = await c.admin('DELETE', `ocr/fixtures/${added.json.id}`);
    assert.deepEqual(del.json, { removed: true });
  });

  test('an error fixture fails the call with its errcode', async () => {
    emu.ocr.addFixture({ image: PHOTO, result: { errcode: 101001, errmsg: 'certificate not found' } });
    const r = await upload('/cv/ocr/drivinglicense', PHOTO);
    assert.equal(r.json.errcode, 101001);
    assert.match(r.json.errmsg, /^certificate not found rid: /);
  });

  test('bad fixtures are rejected with 400', async () => {
    assert.equal((await c.admin('POST', 'ocr/fixtures', { kind: 'driving', sha256: 'ab', result: {} })).status, 400);
    assert.throws(() => emu.ocr.addFixture({ result: {} }), /exactly one of/);
  });
});

describe('errors and limits', () => {
  test('101000: unreachable loopback URL, non-loopback host, non-http scheme', async () => {
    assert.equal((await byUrl('/cv/ocr/comm', `${filesUrl}/missing.png`)).json.errcode, 101000);
    assert.equal((await byUrl('/cv/ocr/comm', 'https://example.com/card.png')).json.errcode, 101000);
    assert.equal((await byUrl('/cv/ocr/comm', 'file:///etc/passwd')).json.errcode, 101000);
  });

  test('101002: not an image (upload or download)', async () => {
    assert.equal((await upload('/cv/ocr/idcard', Buffer.from('hello'))).json.errcode, 101002);
    assert.equal((await byUrl('/cv/ocr/idcard', `${filesUrl}/note.txt`)).json.errcode, 101002);
  });

  test('2 MB limit: 40006 over, accepted at exactly 2 MB', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024 + 1);
    PHOTO.copy(big);
    assert.equal((await upload('/cv/ocr/platenum', big)).json.errcode, 40006);
    assert.equal((await upload('/cv/ocr/platenum', big.subarray(0, 2 * 1024 * 1024))).json.errcode, '0');
  });

  test('41005 when the image is missing or in the wrong part (`file` instead of `img`)', async () => {
    assert.equal((await c.post('/cv/ocr/comm', undefined, { query: { access_token: token } })).json.errcode, 41005);
    assert.equal((await upload('/cv/ocr/comm', PHOTO, {}, 'file')).json.errcode, 41005);
  });

  test('daily quota per app: 45009 after the limit, reset the next (Beijing) day', async () => {
    emu.ocr.configure({ dailyQuota: 2 });
    emu.clock.set(1_700_000_000 + 86400 * 10); // a fresh day
    token = await c.token();
    assert.equal((await upload('/cv/ocr/platenum', PHOTO)).json.errcode, '0');
    assert.equal((await upload('/cv/ocr/idcard', PHOTO)).json.errcode, '0');
    const over = await upload('/cv/ocr/platenum', PHOTO);
    assert.equal(over.json.errcode, 45009);
    assert.deepEqual((await c.admin('GET', 'ocr/usage')).json, {
      appid: emu.defaultApp.appid,
      used: 2,
      limit: 2,
      remaining: 0,
    });
    emu.clock.advance(86400);
    token = await c.token();
    assert.equal((await upload('/cv/ocr/platenum', PHOTO)).json.errcode, '0');
  });

  test('every call is recorded (admin API), including failures', async () => {
    await upload('/cv/ocr/idcard', Buffer.from('x'));
    await upload('/cv/ocr/platenum', PHOTO);
    const calls = (await c.admin('GET', 'ocr/calls?kind=idcard')).json;
    assert.equal(calls.length, 1);
    assert.equal(calls[0].errcode, 101002);
    assert.equal(calls[0].path, '/cv/ocr/idcard');
    assert.equal((await c.admin('GET', 'ocr/calls')).json.length, 2);
  });
});

test('findCardNumber picks the longest 15-19 digit run', () => {
  assert.equal(findCardNumber(['VALID 12/28', '6222 0212 3456 7890 123']), '6222021234567890123');
  assert.equal(findCardNumber(['1234 5678']), undefined);
});
