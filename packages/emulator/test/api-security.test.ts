// WeChat's side of the API security layer over plain HTTP (no SDK client): the checks of
// PROTOCOL §15.8 in order with their errcodes, sealed answers that verify with the platform
// certificate, enforcement, the admin views (keys masked) and the request-log record.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type EmulatorHandle, type KeySet, startEmulator } from '@miniapp-server/emulator';
import {
  WECHAT_API_ORIGIN,
  gcmOpen,
  gcmSeal,
  pssSign,
  pssVerify,
  publicKeyOf,
  securityAad,
  securityPlaintext,
  securitySignString,
  symmetricKeyBytes,
} from '@miniapp-server/sdk';
import { T0, client } from './helpers.js';

let emu: EmulatorHandle;
let keys: KeySet;
let token: string;
let http: ReturnType<typeof client>;
const PATH = '/wxa/business/getuserphonenumber';

before(async () => {
  emu = await startEmulator({ clock: { start: T0, frozen: true } });
  http = client(emu);
  keys = emu.apiSecurity.generate();
  const t = await http.post('/cgi-bin/stable_token', {
    grant_type: 'client_credential',
    appid: emu.defaultApp.appid,
    secret: emu.defaultApp.secret,
  });
  token = t.json.access_token;
});

after(() => emu?.close());

interface Craft {
  path?: string;
  appid?: string;
  ts?: number;
  plainAppid?: string;
  plainTs?: number | string;
  symSn?: string;
  symKey?: string;
  privateKey?: string;
  params?: Record<string, unknown>;
  /** Changes the body after signing. */
  afterSign?: (body: string) => string;
  /** Replaces the body entirely (signed). */
  rawBody?: string;
  drop?: string[];
  urlOrigin?: string;
  /** Edits the plaintext before encryption. */
  plainEdit?: (plaintext: string) => string;
}

/** Builds a secured request by hand, as a client would, with one thing wrong when asked. */
function craft(c: Craft = {}) {
  const path = c.path ?? PATH;
  const appid = c.appid ?? emu.defaultApp.appid;
  const ts = c.ts ?? emu.clock.now();
  const urlpath = (c.urlOrigin ?? WECHAT_API_ORIGIN) + path;
  const key = symmetricKeyBytes(c.symKey ?? keys.client.symmetricKey);
  const plaintext = securityPlaintext(
    'bm9uY2Vub25jZW5vbmNl',
    c.plainAppid ?? appid,
    0,
    c.params ?? { code: 'x' },
  ).replace('"_timestamp":0', `"_timestamp":${JSON.stringify(c.plainTs ?? ts)}`);
  const plain = c.plainEdit ? c.plainEdit(plaintext) : plaintext;
  let body =
    c.rawBody ??
    JSON.stringify(gcmSeal(key, securityAad(urlpath, appid, ts, c.symSn ?? keys.client.symmetricKeySn), plain));
  const signature = pssSign(
    createPrivateKey(c.privateKey ?? keys.client.privateKey),
    securitySignString(urlpath, appid, ts, body),
  );
  if (c.afterSign) body = c.afterSign(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'Wechatmp-Appid': appid,
    'Wechatmp-TimeStamp': String(ts),
    'Wechatmp-Signature': signature,
  };
  for (const d of c.drop ?? []) delete headers[d];
  return { body, headers };
}

async function send(c: Craft = {}) {
  const { body, headers } = craft(c);
  const res = await fetch(`${emu.url}${c.path ?? PATH}?access_token=${token}`, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function errcodeOf(c: Craft): Promise<number> {
  const res = await send(c);
  assert.equal(res.headers.get('wechatmp-signature'), null, 'layer failures answer in plaintext');
  return JSON.parse(res.text).errcode;
}

describe('the checks of §15.8, each with its errcode', () => {
  test('missing headers → 40233 / 40231 / 40232', async () => {
    assert.equal(await errcodeOf({ drop: ['Wechatmp-Appid'] }), 40233);
    assert.equal(await errcodeOf({ drop: ['Wechatmp-TimeStamp'] }), 40231);
    assert.equal(await errcodeOf({ drop: ['Wechatmp-Signature'] }), 40232);
  });

  test('unknown appid → 40236; another app than the token → 40237', async () => {
    assert.equal(await errcodeOf({ appid: 'wxffffffffffffffff' }), 40236);
    const other = emu.createApp({});
    assert.equal(await errcodeOf({ appid: other.appid }), 40237);
  });

  test('no symmetric key → 40238; no public key → 40239', async () => {
    const bare = emu.createApp({});
    const t = await http.post('/cgi-bin/stable_token', {
      grant_type: 'client_credential',
      appid: bare.appid,
      secret: bare.secret,
    });
    const call = async () => {
      const { body, headers } = craft({ appid: bare.appid });
      const res = await fetch(`${emu.url}${PATH}?access_token=${t.json.access_token}`, {
        method: 'POST',
        headers,
        body,
      });
      return (await res.json()).errcode;
    };
    assert.equal(await call(), 40238);
    emu.apiSecurity.configure({
      appid: bare.appid,
      symmetricKey: keys.client.symmetricKey,
      symmetricKeySn: 'a'.repeat(32),
    });
    assert.equal(await call(), 40239);
  });

  test('timestamp outside the window → 40240 (and inside it at the edge → accepted)', async () => {
    assert.equal(await errcodeOf({ ts: emu.clock.now() - 301 }), 40240);
    assert.equal(await errcodeOf({ ts: emu.clock.now() + 301 }), 40240);
    const code = emu.createPhoneCode({ phoneNumber: '13800138000' }).code;
    const edge = await send({ ts: emu.clock.now() - 300, params: { code } });
    assert.ok(edge.headers.get('wechatmp-signature'), 'accepted and sealed');
  });

  test('body changed after signing, bare-path urlpath, foreign key → 40234', async () => {
    assert.equal(await errcodeOf({ afterSign: (b) => b.replace('"iv":"', '"iv":"A') }), 40234);
    assert.equal(await errcodeOf({ urlOrigin: emu.url }), 40234);
    const foreign = emu.apiSecurity.generate({ appid: emu.createApp({}).appid });
    assert.equal(await errcodeOf({ privateKey: foreign.client.privateKey }), 40234);
  });

  test('wrong AAD (other symmetric SN), wrong key, not an envelope → 40235', async () => {
    assert.equal(await errcodeOf({ symSn: 'b'.repeat(32) }), 40235);
    assert.equal(await errcodeOf({ symKey: Buffer.alloc(32, 7).toString('base64') }), 40235);
    assert.equal(await errcodeOf({ rawBody: '{"code":"plain"}' }), 40235);
  });

  test('_appid / _timestamp inside the plaintext must match the headers → 40235', async () => {
    assert.equal(await errcodeOf({ plainAppid: 'wxffffffffffffffff' }), 40235);
    assert.equal(await errcodeOf({ plainTs: emu.clock.now() - 1 }), 40235);
  });

  test('an extra Wechatmp-Serial request header is ignored (the WxJava 4.8.0 header, §15.3.6)', async () => {
    const code = emu.createPhoneCode({ phoneNumber: '13800138000' }).code;
    const { body, headers } = craft({ params: { code } });
    const res = await fetch(`${emu.url}${PATH}?access_token=${token}`, {
      method: 'POST',
      headers: { ...headers, 'Wechatmp-Serial': keys.client.privateKeySn },
      body,
    });
    assert.ok(res.headers.get('wechatmp-signature'));
  });

  test('the failed check is in the request log, the keys are not', async () => {
    await errcodeOf({ symSn: 'b'.repeat(32) });
    const entry = emu.requests({ path: PATH }).at(-1)!;
    assert.deepEqual((entry.security as any).failed, { check: 'decrypt', errcode: 40235 });
    const text = JSON.stringify(emu.requests());
    for (const secret of [keys.client.symmetricKey, keys.client.privateKey.split('\n')[1]!])
      assert.equal(text.includes(secret), false);
  });
});

describe('同城配送: the layer is required', () => {
  const IC = '/cgi-bin/express/intracity/getcity';

  test('an unsigned call → 934011 "signature is needed", with the doc link, in plaintext', async () => {
    const res = await http.post(IC, {}, { query: { access_token: token } });
    assert.equal(res.json.errcode, 934011);
    assert.match(
      res.json.errmsg,
      /^signature is needed, please refer document for help \[https:\/\/developers\.weixin\.qq\.com\/.*api_signature\.html\] rid: /,
    );
    assert.deepEqual((emu.requests({ path: IC }).at(-1)!.security as any).failed, {
      check: 'signature-needed',
      errcode: 934011,
    });
  });

  test('signed but with a plain JSON body → 934011 "request_body is required"', async () => {
    const res = await send({ path: IC, rawBody: '{"service_trans_id":"DADA"}' });
    const body = JSON.parse(res.text);
    assert.equal(body.errcode, 934011);
    assert.match(body.errmsg, /^request_body is required rid: /);
  });

  test('a sealed call reaches the handler; its business error (48001 before apply) comes back sealed', async () => {
    const res = await send({ path: IC, params: {} });
    assert.ok(res.headers.get('wechatmp-signature'));
    const ts = res.headers.get('wechatmp-timestamp')!;
    const plain = JSON.parse(
      gcmOpen(
        symmetricKeyBytes(keys.client.symmetricKey),
        securityAad(WECHAT_API_ORIGIN + IC, emu.defaultApp.appid, ts, keys.client.symmetricKeySn),
        JSON.parse(res.text),
      )!,
    );
    assert.equal(plain.errcode, 48001);
  });

  test('a wx_order_id sent as a bare uint64 number keeps its digits', async () => {
    emu.intracity.setApp({ applied: true });
    const path = '/cgi-bin/express/intracity/queryorder';
    const res = await send({
      path,
      params: { wx_order_id: 'X' },
      plainEdit: (t) => t.replace('"wx_order_id":"X"', '"wx_order_id":4018734875633256960'),
    });
    assert.ok(res.headers.get('wechatmp-signature'));
    assert.equal((emu.requests({ path }).at(-1)!.security as any).request.wx_order_id, '4018734875633256960');
  });
});

describe('sealed answers', () => {
  test('a success is encrypted and signed with the platform certificate (salt 32), response timestamp in the AAD', async () => {
    emu.clock.advance(7);
    const code = emu.createPhoneCode({ phoneNumber: '13900139000' }).code;
    const res = await send({ params: { code }, ts: emu.clock.now() - 5 });
    const ts = res.headers.get('wechatmp-timestamp')!;
    assert.equal(ts, String(emu.clock.now()));
    assert.equal(res.headers.get('wechatmp-appid'), emu.defaultApp.appid);
    const sn = res.headers.get('wechatmp-serial')!;
    const cert = keys.client.platformCertificates[sn]!;
    assert.ok(cert, 'the serial names the generated platform certificate');
    const urlpath = WECHAT_API_ORIGIN + PATH;
    assert.ok(
      pssVerify(
        publicKeyOf(cert),
        securitySignString(urlpath, emu.defaultApp.appid, ts, res.text),
        res.headers.get('wechatmp-signature')!,
      ),
    );
    const env = JSON.parse(res.text);
    assert.deepEqual(Object.keys(env), ['iv', 'data', 'authtag']);
    const plain = JSON.parse(
      gcmOpen(
        symmetricKeyBytes(keys.client.symmetricKey),
        securityAad(urlpath, emu.defaultApp.appid, ts, keys.client.symmetricKeySn),
        env,
      )!,
    );
    assert.deepEqual(Object.keys(plain).slice(0, 3), ['_n', '_appid', '_timestamp']);
    assert.equal(plain._timestamp, Number(ts));
    assert.match(plain._n, /^[A-Za-z0-9+/]{22}$/);
    assert.equal(plain.errcode, 0);
    assert.equal(plain.phone_info.purePhoneNumber, '13900139000');
  });

  test('a numeric-string _timestamp (as one SDK sends) is accepted', async () => {
    const code = emu.createPhoneCode({ phoneNumber: '13800138000' }).code;
    const res = await send({ params: { code }, plainTs: String(emu.clock.now()) });
    assert.ok(res.headers.get('wechatmp-signature'));
  });
});

describe('enforcement', () => {
  test('optional APIs accept plaintext calls unless the app enforces the layer', async () => {
    const code = emu.createPhoneCode({ phoneNumber: '13800138000' }).code;
    const plain = await http.post(PATH, { code }, { query: { access_token: token } });
    assert.equal(plain.json.errcode, 0);
    emu.apiSecurity.configure({ enforce: true });
    try {
      const refused = await http.post(PATH, { code: 'x' }, { query: { access_token: token } });
      assert.equal(refused.json.errcode, 40233);
    } finally {
      emu.apiSecurity.configure({ enforce: false });
    }
  });

  test('paths outside the list are never touched', async () => {
    const res = await http.post('/wxa/generatescheme', {}, { query: { access_token: token } });
    assert.equal(res.json.errcode, 0);
    assert.equal(emu.requests({ path: '/wxa/generatescheme' }).at(-1)!.security, undefined);
  });
});

describe('admin', () => {
  test('the view masks the symmetric key and the platform private key', async () => {
    const view = (await http.admin('GET', `api-security/${emu.defaultApp.appid}`)).json;
    assert.equal(view.symmetricKey, '***');
    assert.equal(view.platform.privateKey, '***');
    assert.equal(view.symmetricKeySn, keys.client.symmetricKeySn);
    assert.match(view.platform.certificate, /BEGIN CERTIFICATE/);
    assert.equal(JSON.stringify(view).includes(keys.client.symmetricKey), false);
  });

  test('bad input is a 400', async () => {
    const short = await http.admin('PUT', `api-security/${emu.defaultApp.appid}`, { symmetricKey: 'c2hvcnQ=' });
    assert.equal(short.status, 400);
    assert.match(short.json.error, /32 bytes/);
    const fault = await http.admin('PUT', `api-security/${emu.defaultApp.appid}`, { responseFault: 'nope' });
    assert.equal(fault.status, 400);
    assert.match(fault.json.error, /responseFault/);
  });
});
