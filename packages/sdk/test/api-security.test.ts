// The API security layer through the public client against the emulator playing WeChat's side:
// secured calls on representative endpoints, the modes, each tampering case caught on the right
// side, re-sealing on retries and token replays, and certificate rotation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type EmulatorHandle, type KeySet, startEmulator } from '@miniapp-server/emulator';
import { MiniApp, type MiniAppOptions, SignatureError } from '@miniapp-server/sdk';
import { apiError, rejectsWith } from './helpers/errors.js';
import { assertNoSecrets } from './helpers/secrets.js';

let emu: EmulatorHandle;
let keys: KeySet;
const clients: MiniApp[] = [];

function client(extra: Partial<MiniAppOptions> = {}, security: Record<string, unknown> = {}): MiniApp {
  const app = new MiniApp({
    appId: emu.defaultApp.appid,
    appSecret: emu.defaultApp.secret,
    baseUrl: emu.url,
    maxRetries: 0,
    clock: { now: () => emu.clock.nowMs() },
    apiSecurity: { ...keys.client, ...security },
    ...extra,
  });
  clients.push(app);
  return app;
}

const phoneCode = () => emu.createPhoneCode({ phoneNumber: '13800138000' }).code;
const lastLog = (path: string) => emu.requests({ path }).at(-1)!;

before(async () => {
  emu = await startEmulator({ clock: { start: 1_700_000_000, frozen: true } });
  keys = emu.apiSecurity.generate();
});

after(async () => {
  for (const c of clients) await c.close();
  await emu?.close();
});

describe('secured calls', () => {
  test('getPhoneNumber is encrypted and signed; the emulator logs envelope and plaintext side by side', async () => {
    const app = client();
    const code = phoneCode();
    const res = await app.phonenumber.getPhoneNumber({ code });
    assert.equal(res.phone_info.purePhoneNumber, '13800138000');
    assert.equal((res as unknown as Record<string, unknown>)._n, undefined);
    const entry = lastLog('/wxa/business/getuserphonenumber');
    assert.equal(entry.errcode, 0);
    const body = entry.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['iv', 'data', 'authtag']);
    assert.equal(JSON.stringify(body).includes(code), false);
    const sec = entry.security as Record<string, any>;
    assert.equal(sec.kind, 'supported');
    assert.deepEqual(sec.request, { code });
    assert.equal(sec.response.phone_info.purePhoneNumber, '13800138000');
    assert.ok(sec.responseEnvelope.headers['Wechatmp-Signature']);
    assert.equal(sec.failed, undefined);
    assert.equal(JSON.stringify(entry).includes(keys.client.symmetricKey), false);
  });

  test('a business error comes back sealed and surfaces as ApiError', async () => {
    const app = client();
    await apiError(app.subscribeMessage.deleteTemplate({ priTmplId: 'no-such-template' }));
    const entry = lastLog('/wxaapi/newtmpl/deltemplate');
    assert.ok((entry.security as any).responseEnvelope, 'the error answer was encrypted');
  });

  test('messaging: customerServiceMessage.send and subscribeMessage.addTemplate + send, all sealed', async () => {
    const app = client();
    const user = emu.createUser({});
    await emu.messages.userMessage({ openid: user.openid, Content: 'hi' });
    await app.customerServiceMessage.send({ touser: user.openid, msgtype: 'text', text: { content: '您好' } });
    const { priTmplId } = await app.subscribeMessage.addTemplate({ tid: '99', kidList: [1, 2, 3], sceneDesc: '下单' });
    await emu.messages.subscribe({ openid: user.openid, accept: [priTmplId] });
    const sent = await app.subscribeMessage.send({
      touser: user.openid,
      template_id: priTmplId,
      data: { thing1: { value: '拿铁' }, amount2: { value: '¥25.00' }, time3: { value: '2026年11月24日 12:30' } },
    });
    assert.equal(typeof sent.msgid, 'string', 'big msgid kept as a string through the layer');
    for (const path of [
      '/cgi-bin/message/custom/send',
      '/wxaapi/newtmpl/addtemplate',
      '/cgi-bin/message/subscribe/send',
    ]) {
      const entry = lastLog(path);
      assert.equal(entry.errcode, 0, path);
      assert.ok((entry.security as any).request, path);
    }
    assert.equal(emu.messages.inbox({ openid: user.openid }).length >= 2, true);
  });

  test("mode 'off' sends optional APIs in plaintext", async () => {
    const app = client({}, { mode: 'off' });
    await app.phonenumber.getPhoneNumber({ code: phoneCode() });
    const entry = lastLog('/wxa/business/getuserphonenumber');
    assert.equal(entry.security, undefined);
    assert.ok((entry.body as Record<string, unknown>).code);
  });

  test('the layer on app.request for a path outside the table', async () => {
    const app = client();
    const res = await app.request({
      method: 'POST',
      path: '/wxa/business/getuserphonenumber',
      body: { code: phoneCode() },
      security: 'supported',
    });
    assert.equal(res.phone_info.purePhoneNumber, '13800138000');
    assert.deepEqual(Object.keys(lastLog('/wxa/business/getuserphonenumber').body as object), [
      'iv',
      'data',
      'authtag',
    ]);
  });
});

describe('tampering: the emulator refuses requests with the right errcode', () => {
  test('wrong symmetric key SN (wrong AAD) → 40235', async () => {
    const app = client({}, { symmetricKeySn: '0'.repeat(32) });
    await apiError(app.phonenumber.getPhoneNumber({ code: phoneCode() }), 40235);
    assert.deepEqual((lastLog('/wxa/business/getuserphonenumber').security as any).failed, {
      check: 'decrypt',
      errcode: 40235,
    });
  });

  test('a private key the app did not register → 40234', async () => {
    const other = emu.apiSecurity.generate({ appid: emu.createApp({}).appid });
    const app = client({}, { privateKey: other.client.privateKey });
    const err = await apiError(app.phonenumber.getPhoneNumber({ code: phoneCode() }), 40234);
    assertNoSecrets(err, [other.client.privateKey, keys.client.symmetricKey]);
  });

  test('a client clock 10 minutes off → 40240', async () => {
    const app = client({ clock: { now: () => emu.clock.nowMs() - 600_000 } });
    await apiError(app.phonenumber.getPhoneNumber({ code: phoneCode() }), 40240);
  });
});

describe('tampering: the SDK refuses responses (SignatureError, no result)', () => {
  const why = {
    'bad-signature': /does not verify/,
    'unknown-serial': /no configured platform certificate/,
    'tamper-body': /does not verify/,
    stale: /stale timestamp/,
    'wrong-appid': /_appid/,
    strip: /downgrade/,
  } as const;
  for (const fault of Object.keys(why) as (keyof typeof why)[]) {
    test(fault, async () => {
      emu.apiSecurity.configure({ responseFault: fault });
      try {
        const app = client();
        const err = await rejectsWith(app.phonenumber.getPhoneNumber({ code: phoneCode() }), SignatureError);
        assert.match(err.message, why[fault]);
        assertNoSecrets(err, [keys.client.symmetricKey, keys.client.privateKey]);
      } finally {
        emu.apiSecurity.configure({ responseFault: null });
      }
    });
  }

  test('a stripped response is accepted only when the caller opts out of the downgrade rule', async () => {
    emu.apiSecurity.configure({ responseFault: 'strip' });
    try {
      const app = client({}, { allowPlaintextResponses: true });
      const res = await app.phonenumber.getPhoneNumber({ code: phoneCode() });
      assert.equal(res.phone_info.purePhoneNumber, '13800138000');
    } finally {
      emu.apiSecurity.configure({ responseFault: null });
    }
  });
});

describe('every attempt is sealed afresh', () => {
  test('a retry after -1 carries a new IV, nonce, timestamp and signature', async () => {
    const app = client({ maxRetries: 1, retryBaseDelayMs: 1 });
    emu.addFault({ path: '/wxaapi/newtmpl/deltemplate', kind: 'errcode', errcode: -1, count: 1 });
    emu.clearRequests();
    await apiError(app.subscribeMessage.deleteTemplate({ priTmplId: 'no-such-template' }));
    const [first, second] = emu.requests({ path: '/wxaapi/newtmpl/deltemplate' });
    assert.equal(first!.errcode, -1);
    assert.notEqual((first!.body as any).iv, (second!.body as any).iv);
    assert.ok((second!.security as any).request);
  });

  test('the token replay after 40001 is re-sealed and succeeds', async () => {
    const app = client();
    await app.accessToken();
    emu.invalidateTokens(emu.defaultApp.appid);
    emu.clearRequests();
    const res = await app.phonenumber.getPhoneNumber({ code: phoneCode() });
    assert.equal(res.phone_info.purePhoneNumber, '13800138000');
    const calls = emu.requests({ path: '/wxa/business/getuserphonenumber' });
    assert.deepEqual(
      calls.map((c) => c.errcode),
      [40001, 0],
    );
    assert.notEqual((calls[0]!.body as any).data, (calls[1]!.body as any).data);
  });
});

describe('certificate rotation', () => {
  test('old certificate: verified through -Deprecated with a warning; new: direct; after the rotation: refused', async () => {
    const warnings: string[] = [];
    const oldApp = client({ logger: { warn: (m) => warnings.push(m) } });
    const rotated = emu.apiSecurity.rotate();
    const newApp = client({}, { platformCertificates: { [rotated.sn]: rotated.certificate } });
    try {
      await oldApp.phonenumber.getPhoneNumber({ code: phoneCode() });
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, new RegExp(rotated.sn));
      const headers = (lastLog('/wxa/business/getuserphonenumber').security as any).responseEnvelope.headers;
      assert.equal(headers['Wechatmp-Serial'], rotated.sn);
      assert.equal(headers['Wechatmp-Serial-Deprecated'], rotated.deprecatedSn);
      await newApp.phonenumber.getPhoneNumber({ code: phoneCode() });
      emu.apiSecurity.finishRotation();
      await newApp.phonenumber.getPhoneNumber({ code: phoneCode() });
      await rejectsWith(oldApp.phonenumber.getPhoneNumber({ code: phoneCode() }), SignatureError);
    } finally {
      keys.client.platformCertificates = { [rotated.sn]: rotated.certificate };
    }
  });
});
