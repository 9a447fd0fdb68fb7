import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import { DEMO_USER } from '@miniapp-server/emulator';
import { sessionSignature } from '@miniapp-server/sdk';
import { RID, T0, client, start } from './helpers.js';

let emu: EmulatorHandle;
let c: ReturnType<typeof client>;
let token: string;
before(async () => {
  emu = await start();
  c = client(emu);
});
after(() => emu.close());
beforeEach(async () => {
  emu.reset();
  emu.setClock(T0);
  token = await c.token();
});

const login = (js_code: string | undefined, extra: Record<string, string | undefined> = {}) =>
  c.get('/sns/jscode2session', {
    appid: emu.defaultApp.appid,
    secret: emu.defaultApp.secret,
    js_code,
    grant_type: 'authorization_code',
    ...extra,
  });

describe('GET /sns/jscode2session', () => {
  it('exchanges a code for openid + session_key (+ unionid when bound), bare body, no access_token', async () => {
    const { code } = emu.createLoginCode({ openid: DEMO_USER.openid });
    const r = await login(code);
    const user = emu.getUser(DEMO_USER.openid);
    assert.deepEqual(r.json, { openid: DEMO_USER.openid, session_key: user.session_key, unionid: DEMO_USER.unionid });
    const plain = emu.createLoginCode();
    const r2 = await login(plain.code);
    assert.equal(r2.json.openid, plain.openid);
    assert.ok(!('unionid' in r2.json));
    assert.ok(!('errcode' in r2.json));
  });

  it('codes are single use (40163) and live 5 minutes (40029 after; unknown codes too)', async () => {
    const { code } = emu.createLoginCode();
    assert.ok((await login(code)).json.openid);
    const again = await login(code);
    assert.equal(again.json.errcode, 40163);
    assert.match(again.json.errmsg, RID);
    const late = emu.createLoginCode();
    emu.advanceClock(299);
    const ok = emu.createLoginCode();
    emu.advanceClock(1);
    assert.equal((await login(late.code)).json.errcode, 40029);
    assert.ok((await login(ok.code)).json.openid);
    assert.equal((await login('no-such-code')).json.errcode, 40029);
  });

  it('checks params: 41008 missing code, 40002 grant_type, 40013/40125 credentials, codes of another app 40029', async () => {
    assert.equal((await login(undefined)).json.errcode, 41008);
    const { code } = emu.createLoginCode();
    assert.equal((await login(code, { grant_type: 'client_credential' })).json.errcode, 40002);
    assert.equal((await login(code, { appid: 'wxnope' })).json.errcode, 40013);
    assert.equal((await login(code, { secret: 'nope' })).json.errcode, 40125);
    const other = emu.createApp({ name: 'Other' });
    const r = await login(code, { appid: other.appid, secret: other.secret });
    assert.equal(r.json.errcode, 40029);
    assert.ok((await login(code)).json.openid, 'the failed attempts did not use the code up');
  });

  it('renews an expired session_key at login and keeps a valid one', async () => {
    const user = emu.createUser({ session_ttl: 60 });
    const first = (await login(emu.createLoginCode({ openid: user.openid }).code)).json;
    assert.equal(first.session_key, user.session_key);
    emu.advanceClock(60);
    const second = (await login(emu.createLoginCode({ openid: user.openid }).code)).json;
    assert.notEqual(second.session_key, user.session_key);
  });

  it('answers 45011 past 100 logins a minute for one user', async () => {
    const user = emu.createUser();
    for (let i = 0; i < 100; i++)
      assert.ok((await login(emu.createLoginCode({ openid: user.openid }).code)).json.openid);
    assert.equal((await login(emu.createLoginCode({ openid: user.openid }).code)).json.errcode, 45011);
    emu.advanceClock(60);
    assert.ok((await login(emu.createLoginCode({ openid: user.openid }).code)).json.openid);
  });
});

describe('checksession / resetusersessionkey', () => {
  const q = (openid: string, signature: string, sig_method = 'hmac_sha256') => ({
    access_token: token,
    openid,
    signature,
    sig_method,
  });

  it('accepts the HMAC of "" keyed by the session_key text; 87009 otherwise; 87008 bad sig_method', async () => {
    const u = emu.createUser();
    const ok = await c.get('/wxa/checksession', q(u.openid, sessionSignature(u.session_key)));
    assert.deepEqual(ok.json, { errcode: 0, errmsg: 'ok' });
    const decodedKey = (await import('node:crypto'))
      .createHmac('sha256', Buffer.from(u.session_key, 'base64'))
      .update('')
      .digest('hex');
    assert.equal((await c.get('/wxa/checksession', q(u.openid, decodedKey))).json.errcode, 87009);
    assert.equal(
      (await c.get('/wxa/checksession', q(u.openid, sessionSignature(u.session_key), 'md5'))).json.errcode,
      87008,
    );
    assert.equal((await c.get('/wxa/checksession', q('ounknown', 'x'))).json.errcode, 40003);
    assert.equal(
      (await c.get('/wxa/checksession', { ...q(u.openid, 'x'), access_token: undefined })).json.errcode,
      41001,
    );
  });

  it('an expired session_key no longer verifies', async () => {
    const u = emu.createUser({ session_ttl: 100 });
    emu.advanceClock(100);
    assert.equal((await c.get('/wxa/checksession', q(u.openid, sessionSignature(u.session_key)))).json.errcode, 87009);
  });

  it('reset issues a new key that keeps the old expiry; the old key stops verifying', async () => {
    const u = emu.createUser();
    const r = await c.get('/wxa/resetusersessionkey', q(u.openid, sessionSignature(u.session_key)));
    assert.equal(r.json.errcode, 0);
    assert.equal(r.json.errmsg, 'ok');
    assert.equal(r.json.openid, u.openid);
    assert.notEqual(r.json.session_key, u.session_key);
    assert.equal(Buffer.from(r.json.session_key, 'base64').length, 16);
    const after = emu.getUser(u.openid);
    assert.equal(after.session_key, r.json.session_key);
    assert.equal(after.session_expires_at, u.session_expires_at);
    assert.equal((await c.get('/wxa/checksession', q(u.openid, sessionSignature(u.session_key)))).json.errcode, 87009);
    assert.equal((await c.get('/wxa/checksession', q(u.openid, sessionSignature(r.json.session_key)))).json.errcode, 0);
    assert.equal((await c.get('/wxa/resetusersessionkey', q(u.openid, 'bad'))).json.errcode, 87009);
  });

  it('entries in the request log carry no signature or token', async () => {
    const u = emu.createUser();
    emu.clearRequests();
    const sig = sessionSignature(u.session_key);
    await c.get('/wxa/checksession', q(u.openid, sig));
    const [entry] = emu.requests({ path: '/wxa/checksession' });
    assert.ok(entry);
    assert.equal(entry.query.access_token, '***');
    assert.equal(entry.query.signature, '***');
    assert.ok(!JSON.stringify(emu.requests()).includes(token));
  });
});

describe('GET /wxa/getpaidunionid', () => {
  it('answers within 5 minutes of a payment, by transaction_id or mch_id + out_trade_no; 89300 otherwise', async () => {
    const u = emu.createUser({ unionid: 'union-1' });
    emu.recordPayment({ openid: u.openid, transaction_id: 'T1' });
    emu.recordPayment({ openid: u.openid, mch_id: 'M1', out_trade_no: 'O1' });
    const byTx = await c.get('/wxa/getpaidunionid', { access_token: token, openid: u.openid, transaction_id: 'T1' });
    assert.deepEqual(byTx.json, { errcode: 0, errmsg: 'ok', unionid: 'union-1' });
    const byOrder = { access_token: token, openid: u.openid, mch_id: 'M1', out_trade_no: 'O1' };
    assert.equal((await c.get('/wxa/getpaidunionid', byOrder)).json.unionid, 'union-1');
    assert.equal(
      (await c.get('/wxa/getpaidunionid', { ...byOrder, out_trade_no: 'O2' })).json.errcode,
      89300,
      'unknown trade',
    );
    assert.equal((await c.get('/wxa/getpaidunionid', { access_token: token, openid: u.openid })).json.errcode, 89300);
    emu.advanceClock(300);
    assert.equal((await c.get('/wxa/getpaidunionid', byOrder)).json.unionid, 'union-1');
    emu.advanceClock(1);
    assert.equal((await c.get('/wxa/getpaidunionid', byOrder)).json.errcode, 89300);
  });

  it("40003 for an unknown openid, 89300 for another user's payment, 89002 without unionid", async () => {
    const payer = emu.createUser({ unionid: 'u-payer' });
    const other = emu.createUser();
    emu.recordPayment({ openid: payer.openid, transaction_id: 'T9' });
    emu.recordPayment({ openid: other.openid, transaction_id: 'T10' });
    const q = { access_token: token, transaction_id: 'T9' };
    assert.equal((await c.get('/wxa/getpaidunionid', { ...q, openid: 'ounknown' })).json.errcode, 40003);
    assert.equal((await c.get('/wxa/getpaidunionid', { ...q, openid: other.openid })).json.errcode, 89300);
    assert.equal(
      (await c.get('/wxa/getpaidunionid', { ...q, transaction_id: 'T10', openid: other.openid })).json.errcode,
      89002,
    );
  });
});

describe('POST /wxa/business/getuserphonenumber', () => {
  const call = (body: unknown) => c.post('/wxa/business/getuserphonenumber', body, { query: { access_token: token } });

  it('returns phone_info with countryCode as a string and a watermark', async () => {
    const { code } = emu.createPhoneCode({ phoneNumber: '13800138000' });
    const r = await call({ code });
    assert.deepEqual(r.json, {
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: '13800138000',
        purePhoneNumber: '13800138000',
        countryCode: '86',
        watermark: { timestamp: T0, appid: emu.defaultApp.appid },
      },
    });
    const intl = emu.createPhoneCode({ phoneNumber: '2025550123', countryCode: 1 });
    const r2 = (await call({ code: intl.code })).json.phone_info;
    assert.equal(r2.countryCode, '1');
    assert.equal(r2.purePhoneNumber, '2025550123');
    assert.equal(r2.phoneNumber, '+12025550123');
  });

  it('codes are single use and live 5 minutes (40029); a bound openid must match', async () => {
    const a = emu.createPhoneCode({ phoneNumber: '13800138000' });
    assert.equal((await call({ code: a.code })).json.errcode, 0);
    assert.equal((await call({ code: a.code })).json.errcode, 40029);
    const b = emu.createPhoneCode({ phoneNumber: '13800138000' });
    emu.advanceClock(300);
    assert.equal((await call({ code: b.code })).json.errcode, 40029);
    const u = emu.createUser();
    const bound = emu.createPhoneCode({ phoneNumber: '13800138001', openid: u.openid });
    assert.equal((await call({ code: bound.code, openid: 'oSomeoneElse' })).json.errcode, 40029);
    assert.equal((await call({ code: bound.code, openid: u.openid })).json.errcode, 0);
    assert.equal((await call({})).json.errcode, 40029);
  });

  it('is POST + JSON: 43002 on GET, 44002 empty body, 47001 malformed', async () => {
    assert.equal((await c.get('/wxa/business/getuserphonenumber', { access_token: token })).json.errcode, 43002);
    assert.equal((await call('')).json.errcode, 44002);
    assert.equal((await call('{"code":')).json.errcode, 47001);
    assert.equal((await call('[1]')).json.errcode, 47001);
  });
});
