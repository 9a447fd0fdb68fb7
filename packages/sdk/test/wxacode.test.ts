/**
 * wxacode.* and the link endpoints through the public client against the emulator over real
 * HTTP: images decode (pngjs + jsQR) to what was asked for, errors become ApiError, invalid
 * params never reach the server (checked in the emulator's request log), and the 45029 / 45009
 * limits with the virtual clock.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
import { MiniApp, ValidationError } from '@miniapp-server/sdk';
import type { PNG } from 'pngjs';
import { decodeQr as decode } from './helpers/wxacode-qr.js';
import { apiError } from './helpers/errors.js';

const PAGES = ['pages/index/index', 'pages/item/item'];
let emu: EmulatorHandle;
let app: MiniApp;

function pixel(png: PNG, x: number, y: number): [number, number, number, number] {
  const i = (y * png.width + x) * 4;
  return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!, png.data[i + 3]!];
}

/** Distinct colours of the opaque, non-white pixels. */
function lineColours(png: PNG): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b, a] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!, png.data[i + 3]!];
    if (a === 255 && !(r === 255 && g === 255 && b === 255)) out.add(`${r},${g},${b}`);
  }
  return out;
}

before(async () => {
  emu = await startEmulator({
    port: 0,
    clock: { start: 1_700_000_000, frozen: true },
    apps: [{ name: 'Codes', pages: PAGES }],
  });
  app = new MiniApp({
    appId: emu.defaultApp.appid,
    appSecret: emu.defaultApp.secret,
    baseUrl: emu.url,
    retryBaseDelayMs: 5,
  });
});

after(async () => {
  await app.close();
  await emu.close();
});

beforeEach(() => {
  emu.wxacode.setLimits({ qrcodeCap: 100_000, unlimitedPerMinute: 5000 });
  emu.clearFaults();
});

describe('images', () => {
  test('getUnlimited: a PNG at the requested width that decodes to page + scene', async () => {
    const r = await app.wxacode.getUnlimited({ scene: 'id=42&from=qr', page: 'pages/item/item', width: 500 });
    assert.equal(r.contentType, 'image/png');
    assert.equal(r.numUsed, undefined);
    const { text, png } = decode(r.data);
    assert.equal(png.width, 500);
    assert.equal(png.height, 500);
    assert.equal(text, `pages/item/item?scene=${encodeURIComponent('id=42&from=qr')}`);
    assert.equal(new URLSearchParams(text!.split('?')[1]).get('scene'), 'id=42&from=qr');
  });

  test('getUnlimited without page opens the home page (first page)', async () => {
    const r = await app.wxacode.getUnlimited({ scene: 'a1' });
    assert.equal(decode(r.data).text, 'pages/index/index?scene=a1');
    assert.equal(decode(r.data).png.width, 430);
  });

  test('get and createQRCode decode to the path; numUsed counts distinct paths', async () => {
    const a = await app.wxacode.get({ path: 'pages/item/item?id=7' });
    assert.equal(decode(a.data).text, 'pages/item/item?id=7');
    const b = await app.wxacode.createQRCode({ path: 'pages/item/item?id=8', width: 280 });
    assert.equal(decode(b.data).text, 'pages/item/item?id=8');
    assert.equal(decode(b.data).png.width, 280);
    assert.equal(b.numUsed, a.numUsed! + 1);
    const again = await app.wxacode.get({ path: 'pages/item/item?id=7' });
    assert.equal(again.numUsed, b.numUsed, 'a path already generated does not count again');
  });

  test('is_hyaline: transparent background; default: opaque white', async () => {
    const clear = decode((await app.wxacode.getUnlimited({ scene: 'h', is_hyaline: true })).data);
    assert.deepEqual(pixel(clear.png, 0, 0), [255, 255, 255, 0]);
    assert.equal(clear.text, 'pages/index/index?scene=h');
    const opaque = decode((await app.wxacode.get({ path: 'pages/index/index', is_hyaline: false })).data);
    assert.deepEqual(pixel(opaque.png, 0, 0), [255, 255, 255, 255]);
  });

  test('line_color is honoured when auto_color is false, ignored when true', async () => {
    const red = decode((await app.wxacode.getUnlimited({ scene: 'c', line_color: { r: 160, g: 20, b: 40 } })).data);
    assert.deepEqual([...lineColours(red.png)], ['160,20,40']);
    assert.equal(red.text, 'pages/index/index?scene=c');
    // String components (the doc example's form) are accepted.
    const str = await app.wxacode.get({ path: 'pages/index/index?c=1', line_color: { r: '0', g: '0', b: '200' } });
    assert.deepEqual([...lineColours(decode(str.data).png)], ['0,0,200']);
    const auto = await app.wxacode.getUnlimited({ scene: 'c', auto_color: true, line_color: { r: 160, g: 20, b: 40 } });
    assert.deepEqual([...lineColours(decode(auto.data).png)], ['0,0,0']);
  });

  test('every code is kept for inspection and its image can be fetched', async () => {
    await app.wxacode.getUnlimited({ scene: 'inspect1' });
    const [rec] = emu.wxacode.listCodes({ api: 'getUnlimited', limit: 1 });
    assert.equal(rec.scene, 'inspect1');
    assert.equal(rec.page, 'pages/index/index');
    const full = emu.wxacode.getCode(rec.id);
    assert.equal(decode(full.image).text, 'pages/index/index?scene=inspect1');
    const res = await fetch(`${emu.url}/__emulator/wxacode/codes/${rec.id}`);
    const body = (await res.json()) as { image_base64: string; scene: string };
    assert.equal(body.scene, 'inspect1');
    assert.equal(decode(Buffer.from(body.image_base64, 'base64')).text, 'pages/index/index?scene=inspect1');
  });
});

describe('errors', () => {
  test('an unpublished page (check_path default true) is ApiError 41030, check_path false allows it', async () => {
    const e = await apiError(app.wxacode.getUnlimited({ scene: 'x', page: 'pages/missing/missing' }));
    assert.equal(e.errcode, 41030);
    assert.equal(e.api, 'wxacode.getUnlimited');
    assert.ok(e.rid);
    const ok = await app.wxacode.getUnlimited({ scene: 'x', page: 'pages/missing/missing', check_path: false });
    assert.equal(decode(ok.data).text, 'pages/missing/missing?scene=x');
  });

  test('an injected JSON error is an ApiError, never image bytes', async () => {
    emu.addFault({ path: '/wxa/getwxacode', kind: 'errcode', errcode: 40159, count: 1 });
    const e = await apiError(app.wxacode.get({ path: 'pages/index/index' }));
    assert.equal(e.errcode, 40159);
  });

  test('45029: the lifetime cap of createQRCode + get, counting distinct paths', async () => {
    const used = emu.wxacode.usage(emu.defaultApp.appid).numUsed as number;
    emu.wxacode.setLimits({ qrcodeCap: used + 2 });
    assert.equal((await app.wxacode.createQRCode({ path: 'pages/index/index?cap=1' })).numUsed, used + 1);
    assert.equal((await app.wxacode.get({ path: 'pages/index/index?cap=2' })).numUsed, used + 2);
    const e = await apiError(app.wxacode.get({ path: 'pages/index/index?cap=3' }));
    assert.equal(e.errcode, 45029);
    const e2 = await apiError(app.wxacode.createQRCode({ path: 'pages/index/index?cap=4' }));
    assert.equal(e2.errcode, 45029);
    // Paths already generated still work, and getUnlimited is not capped.
    assert.equal((await app.wxacode.createQRCode({ path: 'pages/index/index?cap=1' })).numUsed, used + 2);
    await app.wxacode.getUnlimited({ scene: 'uncapped' });
  });

  test('45009: getUnlimited per virtual minute; the next minute is open again', async () => {
    // Start at the beginning of a virtual minute so the window is exact.
    const now = emu.clock.now();
    emu.setClock(now - (now % 60) + 60);
    emu.wxacode.setLimits({ unlimitedPerMinute: 3 });
    for (let i = 0; i < 3; i++) await app.wxacode.getUnlimited({ scene: `r${i}` });
    emu.clearRequests();
    const e = await apiError(app.wxacode.getUnlimited({ scene: 'r3' }));
    assert.equal(e.errcode, 45009);
    assert.equal(emu.requests({ path: '/wxa/getwxacodeunlimit' }).length, 1, '45009 is not retried');
    emu.advanceClock(59);
    assert.equal((await apiError(app.wxacode.getUnlimited({ scene: 'r4' }))).errcode, 45009);
    emu.advanceClock(1);
    await app.wxacode.getUnlimited({ scene: 'r5' });
  });
});

describe('validation: rejected before any request', () => {
  const bad: Array<[string, () => Promise<unknown>, string]> = [
    ['scene empty', () => app.wxacode.getUnlimited({ scene: '' }), 'scene'],
    ['scene 33 chars', () => app.wxacode.getUnlimited({ scene: 'a'.repeat(33) }), 'scene'],
    ['scene with %', () => app.wxacode.getUnlimited({ scene: 'a%20b' }), 'scene'],
    ['scene with CJK', () => app.wxacode.getUnlimited({ scene: '中文' }), 'scene'],
    ['scene with space', () => app.wxacode.getUnlimited({ scene: 'a b' }), 'scene'],
    ['scene missing', () => app.wxacode.getUnlimited({} as never), 'scene'],
    ['page with leading /', () => app.wxacode.getUnlimited({ scene: 'a', page: '/pages/index/index' }), 'page'],
    ['page with query', () => app.wxacode.getUnlimited({ scene: 'a', page: 'pages/index/index?x=1' }), 'page'],
    ['width 279', () => app.wxacode.getUnlimited({ scene: 'a', width: 279 }), 'width'],
    ['width 1281', () => app.wxacode.get({ path: 'p', width: 1281 }), 'width'],
    ['width 430.5', () => app.wxacode.createQRCode({ path: 'p', width: 430.5 }), 'width'],
    ['env_version', () => app.wxacode.getUnlimited({ scene: 'a', env_version: 'beta' as never }), 'env_version'],
    ['line_color 256', () => app.wxacode.get({ path: 'p', line_color: { r: 256, g: 0, b: 0 } }), 'line_color'],
    ['is_hyaline string', () => app.wxacode.get({ path: 'p', is_hyaline: 'yes' as never }), 'is_hyaline'],
    ['check_path string', () => app.wxacode.getUnlimited({ scene: 'a', check_path: 'no' as never }), 'check_path'],
    ['createQRCode path missing', () => app.wxacode.createQRCode({} as never), 'path'],
    ['createQRCode path 129 chars', () => app.wxacode.createQRCode({ path: 'p'.repeat(129) }), 'path'],
    ['get path 1025 chars', () => app.wxacode.get({ path: 'p'.repeat(1025) }), 'path'],
    ['scancode_time in path', () => app.wxacode.get({ path: 'pages/a?x=1&scancode_time=5' }), 'path'],
    ['scheme path with query', () => app.urlscheme.generate({ jump_wxa: { path: 'pages/a?x=1' } }), 'jump_wxa.path'],
    ['scheme query charset', () => app.urlscheme.generate({ jump_wxa: { query: 'a=中' } }), 'jump_wxa.query'],
    ['scheme query 1025', () => app.urlscheme.generate({ jump_wxa: { query: 'a'.repeat(1025) } }), 'jump_wxa.query'],
    ['scheme interval 31', () => app.urlscheme.generate({ expire_type: 1, expire_interval: 31 }), 'expire_interval'],
    ['scheme interval without type 1', () => app.urlscheme.generate({ expire_interval: 5 }), 'expire_type'],
    ['scheme type 1 without interval', () => app.urlscheme.generate({ expire_type: 1 }), 'expire_interval'],
    ['scheme type 2', () => app.urlscheme.generate({ expire_type: 2 as never }), 'expire_type'],
    ['scheme expire_time ms float', () => app.urlscheme.generate({ expire_time: 1.5 }), 'expire_time'],
    ['urllink env', () => app.urllink.generate({ env_version: 'prod' as never }), 'env_version'],
    ['urllink query space', () => app.urllink.generate({ query: 'a b' }), 'query'],
    ['urllink cloud_base.env', () => app.urllink.generate({ cloud_base: {} as never }), 'cloud_base.env'],
    ['urllink.query no url_link', () => app.urllink.query({}), 'url_link'],
    ['urlscheme.query no scheme', () => app.urlscheme.query({}), 'scheme'],
    ['urlscheme.query query_type 2', () => app.urlscheme.query({ scheme: 'x', query_type: 2 as never }), 'query_type'],
    ['shortlink no page_url', () => app.shortlink.generate({} as never), 'page_url'],
    ['shortlink page_url 1025', () => app.shortlink.generate({ page_url: 'p'.repeat(1025) }), 'page_url'],
  ];

  test('each bad parameter throws ValidationError naming the field, and nothing reaches the emulator', async () => {
    await app.accessToken(); // so a token fetch does not show up below
    emu.clearRequests();
    for (const [name, call, field] of bad) {
      const e = await call().then(
        () => assert.fail(`${name}: expected a ValidationError`),
        (err: unknown) => err,
      );
      assert.ok(e instanceof ValidationError, `${name}: got ${(e as Error)?.name}: ${(e as Error)?.message}`);
      assert.equal(e.field, field, name);
    }
    assert.deepEqual(emu.requests(), [], 'no request reached the emulator');
  });

  test('the edges are accepted: 32-char scene of every allowed symbol, widths 280 and 1280', async () => {
    const scene = "09AZaz!#$&'()*+,/:;=?@-._~ABCDEF";
    assert.equal(scene.length, 32);
    const r = await app.wxacode.getUnlimited({ scene, width: 1280 });
    assert.equal(decode(r.data).text, `pages/index/index?scene=${encodeURIComponent(scene)}`);
    await app.wxacode.createQRCode({ path: 'p'.repeat(128), width: 280 });
  });
});

describe('links', () => {
  test('urlscheme.generate returns weixin://dl/business/?t=…', async () => {
    const r = await app.urlscheme.generate({
      jump_wxa: { path: 'pages/item/item', query: 'id=1&x=%E4', env_version: 'trial' },
      expire_type: 1,
      expire_interval: 30,
    });
    assert.match(r.openlink, /^weixin:\/\/dl\/business\/\?t=[0-9A-Za-z]{11}$/);
    const [rec] = emu.links.listLinks({ kind: 'scheme' }).slice(-1);
    assert.equal(rec.link, r.openlink);
    assert.equal(rec.expire_time, emu.clock.now() + 30 * 86400);
  });

  test('urllink.generate then urllink.query returns its configuration; unknown links are 85403', async () => {
    const expire = emu.clock.now() + 86400;
    const { url_link } = await app.urllink.generate({ path: 'pages/item/item', query: 'id=9', expire_time: expire });
    assert.match(url_link, /^https:\/\/wxaurl\.cn\/[0-9A-Za-z]{11}$/);
    const q = await app.urllink.query({ url_link });
    assert.deepEqual(
      { ...q.url_link_info },
      {
        appid: emu.defaultApp.appid,
        path: 'pages/item/item',
        query: 'id=9',
        create_time: emu.clock.now(),
        expire_time: expire,
        env_version: 'release',
      },
    );
    assert.equal(q.visit_openid, '');
    const e = await apiError(app.urllink.query({ url_link: 'https://wxaurl.cn/AAAAAAAAAAA' }));
    assert.equal(e.errcode, 85403);
  });

  test('urlscheme.generate then urlscheme.query returns its configuration; cq= overrides the query; 85403 when unknown', async () => {
    const { openlink } = await app.urlscheme.generate({
      jump_wxa: { path: 'pages/item/item', query: 'id=4', env_version: 'develop' },
      expire_type: 1,
      expire_interval: 2,
    });
    const q = await app.urlscheme.query({ scheme: openlink });
    assert.deepEqual(
      { ...q.scheme_info },
      {
        appid: emu.defaultApp.appid,
        path: 'pages/item/item',
        query: 'id=4',
        create_time: emu.clock.now(),
        expire_time: emu.clock.now() + 2 * 86400,
        env_version: 'develop',
      },
    );
    assert.equal(typeof q.quota_info?.remain_visit_quota, 'number');
    assert.equal((await app.urlscheme.query({ scheme: `${openlink}&cq=a%3Dhello` })).scheme_info?.query, 'a=hello');
    const quota = await app.urlscheme.query({ query_type: 1 });
    assert.equal(quota.scheme_info, undefined);
    assert.equal(typeof quota.quota_info?.remain_visit_quota, 'number');
    const e = await apiError(app.urlscheme.query({ scheme: 'weixin://dl/business/?t=AAAAAAAAAAA' }));
    assert.equal(e.errcode, 85403);
    assert.equal((await apiError(app.urlscheme.query({ scheme: 'https://example.com' }))).errcode, 40097);
  });

  test('server-side expiry and page rules come back as ApiError', async () => {
    const far = emu.clock.now() + 31 * 86400;
    assert.equal((await apiError(app.urllink.generate({ expire_time: far }))).errcode, 85401);
    assert.equal((await apiError(app.urlscheme.generate({ jump_wxa: { path: 'pages/nope/nope' } }))).errcode, 40165);
  });

  test('shortlink.generate returns a #小程序:// link', async () => {
    const r = await app.shortlink.generate({
      page_url: 'pages/item/item?id=3',
      page_title: 'Item 3',
      is_permanent: true,
    });
    assert.match(r.link, /^#小程序:\/\/Codes\/[0-9A-Za-z]{6}$/);
  });
});
