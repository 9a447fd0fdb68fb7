/**
 * The wxacode and links areas over plain HTTP (no SDK): WeChat's errcodes for bad input that the
 * SDK would stop client-side, the Num-Used header, the per-minute window, the admin API.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import { decodeQr } from '../../sdk/test/helpers/wxacode-qr.js';
import links from '../src/areas/links/index.js';
import wxacode from '../src/areas/wxacode/index.js';
import { RID, T0, client, start } from './helpers.js';

let emu: EmulatorHandle;
let http: ReturnType<typeof client>;
let token: string;

async function raw(path: string, body: unknown): Promise<Response> {
  return fetch(`${emu.url}${path}?access_token=${token}`, { method: 'POST', body: JSON.stringify(body) });
}

async function errcode(path: string, body: unknown): Promise<number> {
  const r = await http.post(path, body, { query: { access_token: token } });
  assert.equal(r.contentType, 'application/json; encoding=utf-8');
  assert.match(r.json.errmsg, RID);
  return r.json.errcode;
}

before(async () => {
  emu = await start({
    areas: [wxacode, links],
    apps: [{ name: 'Codes', pages: ['pages/index/index', 'pages/item/item'] }],
  });
  http = client(emu);
  token = await http.token();
});

after(() => emu.close());

beforeEach(() => {
  emu.wxacode.setLimits({ qrcodeCap: 100_000, unlimitedPerMinute: 5000 });
});

describe('wxacode errcodes', () => {
  const U = '/wxa/getwxacodeunlimit';
  test('scene: empty/missing/too long → 40169, bad characters → 40129', async () => {
    assert.equal(await errcode(U, {}), 40169);
    assert.equal(await errcode(U, { scene: '' }), 40169);
    assert.equal(await errcode(U, { scene: 'x'.repeat(33) }), 40169);
    assert.equal(await errcode(U, { scene: 'a%20b' }), 40129);
  });

  test('page with a leading / or a query, or unpublished → 41030', async () => {
    assert.equal(await errcode(U, { scene: 'a', page: '/pages/index/index' }), 41030);
    assert.equal(await errcode(U, { scene: 'a', page: 'pages/index/index?x=1' }), 41030);
    assert.equal(await errcode(U, { scene: 'a', page: 'pages/nope/nope' }), 41030);
    const ok = await raw(U, { scene: 'a', page: 'pages/nope/nope', check_path: 'false' });
    assert.equal(ok.headers.get('content-type'), 'image/png');
  });

  test('width and env_version → 40097; path length → 40159; scancode_time → 85096', async () => {
    assert.equal(await errcode(U, { scene: 'a', width: 279 }), 40097);
    assert.equal(await errcode(U, { scene: 'a', width: 1281 }), 40097);
    assert.equal(await errcode(U, { scene: 'a', env_version: 'beta' }), 40097);
    assert.equal(await errcode('/cgi-bin/wxaapp/createwxaqrcode', { path: '' }), 40159);
    assert.equal(await errcode('/cgi-bin/wxaapp/createwxaqrcode', { path: 'p'.repeat(129) }), 40159);
    assert.equal(await errcode('/wxa/getwxacode', { path: 'p'.repeat(1025) }), 40159);
    assert.equal(await errcode('/wxa/getwxacode', { path: 'pages/a?scancode_time=1' }), 85096);
  });

  test('Num-Used counts distinct paths across createQRCode and get; 45029 beyond the cap', async () => {
    const before = emu.wxacode.usage(emu.defaultApp.appid).numUsed;
    const a = await raw('/wxa/getwxacode', { path: 'pages/item/item?n=1' });
    assert.equal(a.headers.get('num-used'), String(before + 1));
    const b = await raw('/cgi-bin/wxaapp/createwxaqrcode', { path: 'pages/item/item?n=1' });
    assert.equal(b.headers.get('num-used'), String(before + 1), 'same path, either API: counted once');
    emu.wxacode.setLimits({ qrcodeCap: before + 1 });
    assert.equal(await errcode('/cgi-bin/wxaapp/createwxaqrcode', { path: 'pages/item/item?n=2' }), 45029);
    const png = decodeQr(Buffer.from(await b.arrayBuffer()));
    assert.equal(png.text, 'pages/item/item?n=1');
  });

  test('getUnlimited: 45009 past the per-minute limit, open again in the next virtual minute', async () => {
    emu.setClock(T0 - (T0 % 60) + 600);
    emu.wxacode.setLimits({ unlimitedPerMinute: 2 });
    assert.equal((await raw(U, { scene: 'm1' })).status, 200);
    assert.equal((await raw(U, { scene: 'm2' })).headers.get('content-type'), 'image/png');
    assert.equal(await errcode(U, { scene: 'm3' }), 45009);
    emu.advanceClock(60);
    assert.equal((await raw(U, { scene: 'm4' })).headers.get('content-type'), 'image/png');
    assert.equal(emu.wxacode.usage(emu.defaultApp.appid).unlimitedThisMinute, 1);
  });
});

describe('admin API', () => {
  test('list codes, fetch one with its image, limits, usage; reset clears them', async () => {
    await raw('/wxa/getwxacodeunlimit', { scene: 'adm', is_hyaline: true, width: 300 });
    const list = await http.admin('GET', 'wxacode/codes?api=getUnlimited&limit=1');
    assert.equal(list.status, 200);
    const [rec] = list.json;
    assert.equal(rec.scene, 'adm');
    assert.equal(rec.text, 'pages/index/index?scene=adm');
    assert.equal(rec.is_hyaline, true);
    const one = await http.admin('GET', `wxacode/codes/${rec.id}`);
    const { png, text } = decodeQr(Buffer.from(one.json.image_base64, 'base64'));
    assert.equal(text, 'pages/index/index?scene=adm');
    assert.equal(png.width, 300);
    assert.equal(png.data[3], 0);
    assert.equal((await http.admin('GET', 'wxacode/codes/nope')).status, 404);
    assert.deepEqual((await http.admin('PUT', 'wxacode/limits', { qrcodeCap: 7 })).json, {
      qrcodeCap: 7,
      unlimitedPerMinute: 5000,
    });
    assert.equal((await http.admin('GET', `wxacode/usage/${emu.defaultApp.appid}`)).json.qrcodeCap, 7);
    emu.reset();
    assert.deepEqual(emu.wxacode.listCodes(), []);
    assert.equal(emu.wxacode.usage(emu.defaultApp.appid).numUsed, 0);
    token = await http.token();
  });
});

describe('links', () => {
  test('scheme and URL link: page, query and expiry rules', async () => {
    // Only the home page is published for these checks.
    emu.updateApp(emu.defaultApp.appid, { pages: ['pages/index/index'] });
    assert.equal(await errcode('/wxa/generatescheme', { jump_wxa: { path: 'pages/x/x' } }), 40165);
    assert.equal(await errcode('/wxa/generatescheme', { jump_wxa: { path: 'pages/index/index?a=1' } }), 40165);
    assert.equal(await errcode('/wxa/generatescheme', { jump_wxa: { query: 'a=中' } }), 40097);
    assert.equal(await errcode('/wxa/generatescheme', { expire_type: 1, expire_interval: 31 }), 85401);
    const now = emu.clock.now();
    assert.equal(await errcode('/wxa/generate_urllink', { expire_time: now + 30 }), 85401);
    assert.equal(await errcode('/wxa/generate_urllink', { expire_time: now + 31 * 86400 }), 85401);
    const s = await http.post(
      '/wxa/generatescheme',
      { jump_wxa: { path: '/pages/index/index' } },
      { query: { access_token: token } },
    );
    assert.match(s.json.openlink, /^weixin:\/\/dl\/business\/\?t=[0-9A-Za-z]{11}$/);
    assert.equal(emu.links.listLinks({ kind: 'scheme' }).at(-1).expire_time, now + 30 * 86400);
  });

  test('urllink.query finds a link (also with a ?cq= suffix), 85403 otherwise; query_type 1 gives the quota', async () => {
    const g = await http.post(
      '/wxa/generate_urllink',
      { path: 'pages/index/index', query: 'a=1', cloud_base: { env: 'prod-1' } },
      { query: { access_token: token } },
    );
    const link = g.json.url_link as string;
    assert.match(link, /^https:\/\/wxaurl\.cn\/[0-9A-Za-z]{11}$/);
    const q = await http.post(
      '/wxa/query_urllink',
      { url_link: `${link}?cq=a%3D1` },
      { query: { access_token: token } },
    );
    assert.equal(q.json.errcode, 0);
    assert.equal(q.json.url_link_info.query, 'a=1');
    assert.equal(q.json.url_link_info.cloud_base.env, 'prod-1');
    assert.equal(await errcode('/wxa/query_urllink', { url_link: 'https://wxaurl.cn/AAAAAAAAAAA' }), 85403);
    assert.equal(await errcode('/wxa/query_urllink', {}), 40097);
    const quota = await http.post('/wxa/query_urllink', { query_type: 1 }, { query: { access_token: token } });
    assert.equal(typeof quota.json.quota_info.remain_visit_quota, 'number');
  });

  test('queryscheme finds a generated scheme (cq= is the query), a plaintext scheme of this app, 85403/40097 otherwise', async () => {
    const g = await http.post(
      '/wxa/generatescheme',
      { jump_wxa: { path: 'pages/index/index', query: 'k=v' } },
      { query: { access_token: token } },
    );
    const openlink = g.json.openlink as string;
    const q = await http.post('/wxa/queryscheme', { scheme: openlink }, { query: { access_token: token } });
    assert.equal(q.json.errcode, 0);
    assert.deepEqual(Object.keys(q.json.scheme_info), [
      'appid',
      'path',
      'query',
      'create_time',
      'expire_time',
      'env_version',
    ]);
    assert.equal(q.json.scheme_info.query, 'k=v');
    assert.equal(q.json.visit_openid, '');
    const cq = await http.post(
      '/wxa/queryscheme',
      { scheme: `${openlink}&cq=a%3Dhello` },
      { query: { access_token: token } },
    );
    assert.equal(cq.json.scheme_info.query, 'a=hello');
    const plain = await http.post(
      '/wxa/queryscheme',
      { scheme: `weixin://dl/business/?appid=${emu.defaultApp.appid}&path=pages/index/index&query=a%3D1` },
      { query: { access_token: token } },
    );
    assert.equal(plain.json.scheme_info.query, 'a=1');
    assert.equal(await errcode('/wxa/queryscheme', { scheme: 'weixin://dl/business/?t=AAAAAAAAAAA' }), 85403);
    assert.equal(await errcode('/wxa/queryscheme', { scheme: 'weixin://dl/business/?appid=wxother&path=a' }), 85403);
    assert.equal(await errcode('/wxa/queryscheme', {}), 40097);
    const quota = await http.post('/wxa/queryscheme', { query_type: 1 }, { query: { access_token: token } });
    assert.equal(typeof quota.json.quota_info.remain_visit_quota, 'number');
  });

  test('short link: #小程序:// link, 30-day expiry unless permanent, long titles truncated', async () => {
    const r = await http.post(
      '/wxa/genwxashortlink',
      { page_url: 'pages/index/index?id=1', page_title: 'x'.repeat(25) },
      { query: { access_token: token } },
    );
    assert.match(r.json.link, /^#小程序:\/\/.+\/[0-9A-Za-z]{6}$/);
    const rec = emu.links.listLinks({ kind: 'shortlink' }).at(-1);
    assert.equal(rec.page_title, `${'x'.repeat(20)}...`);
    assert.equal(rec.expire_time, emu.clock.now() + 30 * 86400);
    assert.equal(await errcode('/wxa/genwxashortlink', { page_url: 'pages/nope/nope' }), 40165);
  });
});
