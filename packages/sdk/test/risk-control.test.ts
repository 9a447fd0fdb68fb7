// Risk rank, user encrypt keys and checkEncryptedData through the public client against the
// emulator: configured ranks and `unoin_id` (sic), the permission and test quota, keys rotated
// hourly on the virtual clock, and encrypted phone data the emulator produced (valid 3 days).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import { type MiniApp, ValidationError } from '@miniapp-server/sdk';
import { startEmulatorApp } from './helpers/emulator-app.js';
import { apiError, rejectsWith } from './helpers/errors.js';

let emu: EmulatorHandle;
let app: MiniApp;
const OPENID = 'oRiskUser0000000000000000001';
let sessionKey: string;

before(async () => {
  ({ emu, app } = await startEmulatorApp());
  sessionKey = emu.createUser({ openid: OPENID }).session_key;
});

after(async () => {
  await app?.close();
  await emu?.close();
});

const rank = (extra: Record<string, unknown> = {}) => ({
  appid: emu.defaultApp.appid,
  openid: OPENID,
  scene: 0 as const,
  client_ip: '203.0.113.7',
  ...extra,
});

describe('riskControl.getUserRiskRank', () => {
  test('the configured rank, unoin_id as an increasing request id, errmsg "getuserriskrank succ"', async () => {
    const a = await app.riskControl.getUserRiskRank(rank());
    assert.equal(a.risk_rank, 0);
    assert.equal(a.errmsg, 'getuserriskrank succ');
    assert.ok(a.unoin_id > 2 ** 31);
    emu.riskControl.setRiskRank({ openid: OPENID, risk_rank: 3 });
    const b = await app.riskControl.getUserRiskRank(rank({ scene: 2, mobile_no: '18912341234' }));
    assert.equal(b.risk_rank, 3);
    assert.equal(b.unoin_id, a.unoin_id + 1);
    const sent = emu.requests({ path: '/wxa/getuserriskrank' }).at(-1);
    assert.equal('is_test' in (sent?.body as object), false, 'is_test is omitted unless given');
  });

  test('48001 without the permission; 9410009 once the test quota is spent; 40129, 40003, 40013 on the wire', async () => {
    emu.riskControl.configure({ authorized: false });
    await apiError(app.riskControl.getUserRiskRank(rank()), 48001);
    emu.riskControl.configure({ authorized: true, testQuota: 1 });
    await app.riskControl.getUserRiskRank(rank({ is_test: true }));
    await apiError(app.riskControl.getUserRiskRank(rank({ is_test: true })), 9410009);
    await app.riskControl.getUserRiskRank(rank());
    const raw = (body: Record<string, unknown>) => app.request({ method: 'POST', path: '/wxa/getuserriskrank', body });
    await apiError(raw(rank({ scene: 3 })), 40129);
    await apiError(raw(rank({ openid: 'oNobody' })), 40003);
    await apiError(raw(rank({ appid: 'wx1111111111111111' })), 40013);
  });

  test('validation: scene 0–2, client_ip and openid required, before sending', async () => {
    await rejectsWith(app.riskControl.getUserRiskRank(rank({ scene: 3 })), ValidationError);
    await rejectsWith(app.riskControl.getUserRiskRank(rank({ client_ip: '' })), ValidationError);
    await rejectsWith(app.riskControl.getUserRiskRank(rank({ is_test: 'yes' })), ValidationError);
  });
});

describe('internet.getUserEncryptKey', () => {
  test('three keys, newest first, rotated hourly on the virtual clock', async () => {
    const r = await app.internet.getUserEncryptKey({ openid: OPENID, session_key: sessionKey });
    assert.equal(r.key_info_list.length, 3);
    const [k0, k1, k2] = r.key_info_list;
    assert.ok(k0 && k1 && k2);
    assert.equal(Buffer.from(k0.encrypt_key, 'base64').length, 16);
    assert.equal(k0.iv.length, 16);
    assert.equal(k1.version, k0.version - 1);
    assert.equal(k2.version, k0.version - 2);
    assert.ok(k0.expire_in > 0 && k0.expire_in <= 3600);
    assert.equal(k1.expire_in, 0);
    const sent = emu.requests({ path: '/wxa/business/getuserencryptkey' }).at(-1);
    assert.equal(sent?.method, 'GET');
    assert.equal(sent?.query.sig_method, 'hmac_sha256');
    assert.equal(JSON.stringify(sent).includes(sessionKey), false, 'the session_key is never sent');

    emu.clock.advance(3600);
    const next = await app.internet.getUserEncryptKey({ openid: OPENID, session_key: sessionKey });
    assert.equal(next.key_info_list[0]?.version, k0.version + 1);
    assert.deepEqual(next.key_info_list[1], { ...k0, expire_in: 0 });
  });

  test('87009 for another session_key, 87007 once it expired; POST with the query works too', async () => {
    await apiError(app.internet.getUserEncryptKey({ openid: OPENID, session_key: 'd3JvbmdXcm9uZ1dyb25nIQ==' }), 87009);
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', sessionKey).update('').digest('hex');
    const viaPost = await app.request({
      method: 'POST',
      path: '/wxa/business/getuserencryptkey',
      query: { openid: OPENID, signature, sig_method: 'hmac_sha256' },
    });
    assert.equal(viaPost.key_info_list.length, 3);
    const short = emu.createUser({ openid: 'oRiskShortSession0000000001', session_ttl: 60 });
    emu.clock.advance(61);
    await apiError(app.internet.getUserEncryptKey({ openid: short.openid, session_key: short.session_key }), 87007);
  });
});

describe('auth.checkEncryptedData', () => {
  test('encryptedData the emulator produced is vaild (sic) for 3 days; the SDK hashes it for you', async () => {
    const enc = emu.riskControl.encryptedPhone({ openid: OPENID, phoneNumber: '13800138000' });
    const decrypted = app.decryptData<{ purePhoneNumber: string }>({
      sessionKey,
      encryptedData: enc.encryptedData,
      iv: enc.iv,
    });
    assert.equal(decrypted.purePhoneNumber, '13800138000');
    const created = emu.clock.now();
    const r = await app.auth.checkEncryptedData({ encryptedData: enc.encryptedData });
    assert.equal(r.vaild, true);
    assert.equal(r.create_time, created);
    const hash = createHash('sha256').update(enc.encryptedData).digest('hex');
    const sent = emu.requests({ path: '/wxa/business/checkencryptedmsg' }).at(-1);
    assert.deepEqual(sent?.body, { encrypted_msg_hash: hash });
    assert.equal((await app.auth.checkEncryptedData({ encrypted_msg_hash: hash })).vaild, true);
    emu.clock.advance(3 * 86400 + 1);
    await apiError(app.auth.checkEncryptedData({ encrypted_msg_hash: hash }), 1);
  });

  test('unknown data is errcode 1 (data not exit); a malformed hash is refused before sending', async () => {
    const err = await apiError(app.auth.checkEncryptedData({ encryptedData: 'bm90IGZyb20gd2VjaGF0' }), 1);
    assert.match(err.errmsg, /^data not exit/);
    await rejectsWith(app.auth.checkEncryptedData({ encrypted_msg_hash: 'abc' }), ValidationError);
    await rejectsWith(app.auth.checkEncryptedData({} as never), ValidationError);
  });
});
