import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  DecryptError,
  decryptMessage,
  encryptMessage,
  msgSignature,
  signature,
  ValidationError,
} from '../src/index.js';

const vectors = JSON.parse(readFileSync(new URL('./fixtures/vectors.json', import.meta.url), 'utf8')) as {
  msg_crypt: Array<Record<string, any>>;
};

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wxb11529c136998cb6';

describe('msg_crypt vectors', () => {
  for (const group of vectors.msg_crypt) {
    const { token, encoding_aes_key: encodingAESKey, appid: appId } = group;
    group.cases.forEach((c: Record<string, any>, i: number) => {
      test(`${group.id} #${i} (${c.kind})`, () => {
        switch (c.kind) {
          case 'encrypt_decrypt':
            assert.equal(Buffer.byteLength(c.message), c.message_length_bytes);
            assert.equal(encryptMessage({ encodingAESKey, appId, message: c.message, random: c.random }), c.encrypt);
            assert.equal(
              encryptMessage({ encodingAESKey, appId, message: c.message, random: Buffer.from(c.random) }),
              c.encrypt,
            );
            assert.equal(decryptMessage({ encodingAESKey, appId, encrypt: c.encrypt }), c.message);
            break;
          case 'msg_signature':
            assert.equal(msgSignature(token, c.timestamp, c.nonce, c.encrypt), c.msg_signature);
            break;
          case 'decrypt': {
            assert.equal(msgSignature(token, c.timestamp, c.nonce, c.encrypt), c.msg_signature);
            const msg = decryptMessage({ encodingAESKey, appId, encrypt: c.encrypt });
            assert.equal(msg, c.expect.message);
            assert.equal(Buffer.byteLength(msg), c.expect.message_length_bytes);
            // Same bytes back with the published random prefix.
            assert.equal(encryptMessage({ encodingAESKey, appId, message: msg, random: c.expect.random }), c.encrypt);
            // The easywechat case: another appid must be rejected.
            assert.throws(() => decryptMessage({ encodingAESKey, appId: 'wx0000000000000000', encrypt: c.encrypt }), {
              name: 'DecryptError',
              message: /appid/,
            });
            break;
          }
          case 'encrypt': {
            const enc = encryptMessage({ encodingAESKey, appId, message: c.message, random: c.random });
            assert.equal(enc, c.expect.encrypt);
            assert.equal(msgSignature(token, c.timestamp, c.nonce, enc), c.expect.msg_signature);
            assert.equal(decryptMessage({ encodingAESKey, appId, encrypt: enc }), c.message);
            break;
          }
          case 'encrypted_echostr':
            assert.equal(msgSignature(token, c.timestamp, c.nonce, c.echostr), c.msg_signature);
            assert.equal(decryptMessage({ encodingAESKey, appId, encrypt: c.echostr }), c.expect.message);
            break;
          case 'invalid_signature':
            assert.notEqual(msgSignature(token, c.timestamp, c.nonce, c.echostr), c.msg_signature);
            break;
          default:
            assert.fail(`unknown vector kind ${c.kind}`);
        }
      });
    });
  }
});

describe('signatures', () => {
  test('plain string sort, not numeric', () => {
    // sorted: "1700000000" < "99" < "tok"
    const expected = signature('tok', '99', '1700000000');
    assert.equal(signature('tok', 99, '1700000000'), expected);
    assert.match(expected, /^[0-9a-f]{40}$/);
    assert.equal(signature('99', '1700000000', 'tok'), expected);
  });
});

describe('encrypt/decrypt', () => {
  test('round trips random and multi-byte messages', () => {
    for (const message of ['', 'a', '我是中文abcd123', '😀'.repeat(100), 'x'.repeat(27), 'x'.repeat(28)]) {
      const encrypt = encryptMessage({ encodingAESKey: KEY, appId: APPID, message });
      assert.equal(Buffer.from(encrypt, 'base64').length % 32, 0);
      assert.equal(decryptMessage({ encodingAESKey: KEY, appId: APPID, encrypt }), message);
    }
  });

  test('property: decrypt(encrypt(m)) = m for any string, key and appid', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.stringMatching(/^wx[0-9a-f]{16}$/),
        (message, keyBytes, appId) => {
          const encodingAESKey = Buffer.from(keyBytes).toString('base64').slice(0, 43);
          const encrypt = encryptMessage({ encodingAESKey, appId, message });
          assert.equal(decryptMessage({ encodingAESKey, appId, encrypt }), message);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('property: decrypting random bytes never throws anything but DecryptError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decryptMessage({ encodingAESKey: KEY, appId: APPID, encrypt: Buffer.from(bytes).toString('base64') });
        } catch (e) {
          assert.ok(e instanceof DecryptError, String(e));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('rejects tampering, bad padding, bad base64, bad keys', () => {
    const encrypt = encryptMessage({ encodingAESKey: KEY, appId: APPID, message: 'hello' });
    const ct = Buffer.from(encrypt, 'base64');
    ct[ct.length - 1] ^= 1;
    assert.throws(
      () => decryptMessage({ encodingAESKey: KEY, appId: APPID, encrypt: ct.toString('base64') }),
      DecryptError,
    );
    assert.throws(
      () => decryptMessage({ encodingAESKey: KEY, appId: APPID, encrypt: encrypt.slice(0, 24) }),
      DecryptError,
    );
    const vector = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==';
    assert.throws(() => decryptMessage({ encodingAESKey: KEY, appId: APPID, encrypt: vector.replace(/\+/g, ' ') }), {
      name: 'DecryptError',
      message: /space/,
    });
    assert.throws(() => decryptMessage({ encodingAESKey: KEY, appId: APPID, encrypt: 'not base64!' }), DecryptError);
    assert.throws(() => decryptMessage({ encodingAESKey: 'short', appId: APPID, encrypt }), DecryptError);
    const wrongKey = `B${KEY.slice(1)}`;
    assert.throws(() => decryptMessage({ encodingAESKey: wrongKey, appId: APPID, encrypt }), DecryptError);
    // PKCS#7 over 16-byte blocks (a known trap, PROTOCOL §11.21) yields a length that is not a multiple of 32.
    const key = Buffer.from(`${KEY}=`, 'base64');
    const full = Buffer.concat([randomBytes(16), Buffer.from([0, 0, 0, 5]), Buffer.from('hello'), Buffer.from(APPID)]);
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)); // Node pads with PKCS#7/16
    const sixteen = Buffer.concat([cipher.update(full), cipher.final()]);
    assert.notEqual(sixteen.length % 32, 0);
    assert.throws(() => decryptMessage({ encodingAESKey: KEY, appId: APPID, encrypt: sixteen.toString('base64') }), {
      name: 'DecryptError',
      message: /32/,
    });
    assert.throws(() => encryptMessage({ encodingAESKey: 'short', appId: APPID, message: 'x' }), ValidationError);
    assert.throws(
      () => encryptMessage({ encodingAESKey: KEY, appId: APPID, message: 'x', random: 'abc' }),
      ValidationError,
    );
    assert.throws(
      () => encryptMessage({ encodingAESKey: KEY, appId: APPID, message: 'x', random: randomBytes(15) }),
      ValidationError,
    );
  });

  test('keys used in turn, and a refused push between good ones, never disturb each other', () => {
    const other = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
    const good = encryptMessage({ encodingAESKey: KEY, appId: APPID, message: '{"a":1}' });
    const fromOther = encryptMessage({ encodingAESKey: other, appId: 'wx0000000000000002', message: '<xml/>' });
    const tampered = Buffer.from(good, 'base64');
    tampered[40] ^= 0xff;
    for (let i = 0; i < 3; i++) {
      assert.equal(decryptMessage({ encodingAESKey: KEY, appId: APPID, encrypt: good }), '{"a":1}');
      assert.throws(
        () => decryptMessage({ encodingAESKey: KEY, appId: APPID, encrypt: tampered.toString('base64') }),
        DecryptError,
      );
      assert.equal(
        decryptMessage({ encodingAESKey: other, appId: 'wx0000000000000002', encrypt: fromOther }),
        '<xml/>',
      );
      // The other app's push under this key: bad padding or a wrong appid, never its text.
      assert.throws(() => decryptMessage({ encodingAESKey: KEY, appId: APPID, encrypt: fromOther }), DecryptError);
    }
  });

  test('the appid trailer must match exactly, compared as UTF-8', () => {
    const encrypt = encryptMessage({ encodingAESKey: KEY, appId: APPID, message: 'm' });
    for (const appId of [APPID.slice(0, -1), `${APPID}0`, APPID.toUpperCase()]) {
      assert.throws(() => decryptMessage({ encodingAESKey: KEY, appId, encrypt }), { message: /appid/ });
    }
    const unicode = encryptMessage({ encodingAESKey: KEY, appId: 'wx应用', message: 'm' });
    assert.equal(decryptMessage({ encodingAESKey: KEY, appId: 'wx应用', encrypt: unicode }), 'm');
    assert.throws(() => decryptMessage({ encodingAESKey: KEY, appId: 'wx应甩', encrypt: unicode }), {
      message: /appid/,
    });
  });

  test('errors never contain the key', () => {
    try {
      decryptMessage({ encodingAESKey: `${KEY}X`, appId: APPID, encrypt: 'AAAA' });
      assert.fail('should throw');
    } catch (e) {
      assert.ok(!(e as Error).message.includes(KEY));
    }
  });
});
