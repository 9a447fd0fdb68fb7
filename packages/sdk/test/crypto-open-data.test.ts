import assert from 'node:assert/strict';
import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DecryptError, decryptData, sessionSignature, verifyRawDataSignature } from '@miniapp-server/sdk';

const vectors = JSON.parse(readFileSync(new URL('./fixtures/vectors.json', import.meta.url), 'utf8'));
const v = vectors.open_data[0];

function encrypt(obj: unknown, key: Buffer, iv: Buffer): string {
  const c = createCipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([c.update(JSON.stringify(obj), 'utf8'), c.final()]).toString('base64');
}

describe('decryptData (open data)', () => {
  test('decrypts the official WXBizDataCrypt vector exactly and checks the watermark appid', () => {
    const out = decryptData({ sessionKey: v.session_key, encryptedData: v.encrypted_data, iv: v.iv, appId: v.appid });
    assert.deepEqual(out, JSON.parse(v.plaintext));
    assert.equal(out.watermark.appid, v.appid);
  });

  test('rejects a watermark from another app', () => {
    assert.throws(
      () =>
        decryptData({
          sessionKey: v.session_key,
          encryptedData: v.encrypted_data,
          iv: v.iv,
          appId: 'wx0000000000000000',
        }),
      (e: unknown) => e instanceof DecryptError && /watermark\.appid/.test(e.message),
    );
  });

  test('each failure mode is a DecryptError that says which', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ sessionKey: 'not base64!!' }, /sessionKey is not valid base64/],
      [{ iv: ` ${v.iv.slice(1)}` }, /iv is not valid base64.*space/],
      [{ sessionKey: Buffer.alloc(8).toString('base64') }, /sessionKey must decode to 16 bytes/],
      [{ iv: Buffer.alloc(12).toString('base64') }, /iv must decode to 16 bytes/],
      [{ encryptedData: Buffer.alloc(20).toString('base64') }, /multiple of 16/],
      [{ sessionKey: randomBytes(16).toString('base64') }, /padding|not JSON/],
      [{ encryptedData: '' }, /encryptedData is missing/],
    ];
    for (const [patch, re] of cases) {
      const opts = { sessionKey: v.session_key, encryptedData: v.encrypted_data, iv: v.iv, appId: v.appid, ...patch };
      assert.throws(
        () => decryptData(opts),
        (e: unknown) => e instanceof DecryptError && re.test(e.message),
        `${JSON.stringify(patch)}`,
      );
    }
  });

  test('non-JSON plaintext and JSON non-objects are rejected, never returned', () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const c = createCipheriv('aes-128-cbc', key, iv);
    const notJson = Buffer.concat([c.update('hello world', 'utf8'), c.final()]).toString('base64');
    assert.throws(
      () => decryptData({ sessionKey: key.toString('base64'), iv: iv.toString('base64'), encryptedData: notJson }),
      /not JSON/,
    );
    assert.throws(
      () =>
        decryptData({
          sessionKey: key.toString('base64'),
          iv: iv.toString('base64'),
          encryptedData: encrypt([1, 2], key, iv),
        }),
      /not a JSON object/,
    );
  });

  test('round trip with multi-byte text, no appId check when appId is omitted', () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const obj = { phoneNumber: '+8613800000000', city: '广州', watermark: { appid: 'wxabc', timestamp: 1 } };
    const out = decryptData({
      sessionKey: key.toString('base64'),
      iv: iv.toString('base64'),
      encryptedData: encrypt(obj, key, iv),
    });
    assert.deepEqual(out, obj);
  });
});

describe('signatures', () => {
  test('verifyRawDataSignature = sha1(rawData + session_key text)', () => {
    const raw = '{"nickName":"Band","gender":1}';
    const sig = createHash('sha1')
      .update(raw + v.session_key)
      .digest('hex');
    assert.equal(verifyRawDataSignature(raw, v.session_key, sig), true);
    assert.equal(verifyRawDataSignature(raw, v.session_key, sig.toUpperCase()), true);
    assert.equal(verifyRawDataSignature(`${raw} `, v.session_key, sig), false);
    assert.equal(verifyRawDataSignature(raw, v.session_key, 'abc'), false);
  });

  test('sessionSignature keys the HMAC with the base64 TEXT of session_key, not its bytes', () => {
    const expected = createHmac('sha256', Buffer.from(v.session_key, 'utf8')).update('').digest('hex');
    const decodedKey = createHmac('sha256', Buffer.from(v.session_key, 'base64')).update('').digest('hex');
    assert.equal(sessionSignature(v.session_key), expected);
    assert.notEqual(sessionSignature(v.session_key), decodedKey);
    assert.match(sessionSignature(v.session_key, 'x'), /^[0-9a-f]{64}$/);
  });

  test('property: base64 is refused exactly when it breaks the rule (alphabet, up to two "=" at the end, length % 4)', () => {
    const RULE = /^[A-Za-z0-9+/]*={0,2}$/;
    const unit = fc.constantFrom('A', 'Q', 'z', '0', '+', '/', '=', '-', '_', ' ', '*', '\n', 'é', '中');
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 24 }), (s) => {
        const valid = s.length % 4 === 0 && RULE.test(s);
        let refused = false;
        try {
          decryptData({ sessionKey: s, iv: v.iv, encryptedData: v.encrypted_data });
        } catch (e) {
          assert.ok(e instanceof DecryptError);
          refused = /sessionKey is not valid base64/.test(e.message);
        }
        assert.equal(refused, !valid, JSON.stringify(s));
      }),
      { numRuns: 2000 },
    );
  });
});
