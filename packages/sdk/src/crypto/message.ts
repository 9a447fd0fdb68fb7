/**
 * WXBizMsgCrypt for mini-program message push: the `signature` / `msg_signature` hashes and the
 * AES-256-CBC envelope of the `Encrypt` field. Pure functions; the push receiver and the
 * emulator both use them, and both are checked against the published vectors.
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DecryptError, ValidationError } from '../core/errors.js';
import { decodeBase64Strict } from './open-data.js';

const KEY_RE = /^[A-Za-z0-9+/]{43}$/;
/** WXBizMsgCrypt pads to 32-byte blocks (not AES's 16): a 16-byte PKCS#7 is a known trap. */
const PAD_BLOCK = 32;

function sha1OfSorted(parts: string[]): string {
  // Plain code-unit sort, as documented: "1700000000" < "99".
  return createHash('sha1').update(parts.slice().sort().join(''), 'utf8').digest('hex');
}

/**
 * `signature = sha1(sort([token, timestamp, nonce]).join(''))`, lowercase hex: the GET URL check
 * and the plain-mode POST check.
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
export function signature(token: string, timestamp: string | number, nonce: string): string {
  return sha1OfSorted([token, String(timestamp), nonce]);
}

/**
 * `msg_signature = sha1(sort([token, timestamp, nonce, encrypt]).join(''))` where `encrypt` is the
 * `Encrypt` field exactly as received. Safe mode verifies this one, never `signature`.
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
export function msgSignature(token: string, timestamp: string | number, nonce: string, encrypt: string): string {
  return sha1OfSorted([token, String(timestamp), nonce, encrypt]);
}

/** Constant-time string equality (length is not secret: it is fixed for hex digests). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(String(a), 'utf8');
  const y = Buffer.from(String(b), 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Decodes the 43-character EncodingAESKey to the 32-byte AES key (`base64(key + "=")`).
 * The message never includes the key itself.
 */
// A receiver decrypts every push with the same key: remember the last one decoded.
let lastKeyText = '';
let lastKey: Buffer | undefined;

function aesKey(encodingAESKey: unknown, onError: (msg: string) => Error): Buffer {
  if (encodingAESKey === lastKeyText && lastKey) return lastKey;
  if (typeof encodingAESKey !== 'string' || !KEY_RE.test(encodingAESKey)) {
    throw onError('encodingAESKey must be 43 characters of base64 (as shown in the mini-program admin console)');
  }
  lastKey = Buffer.from(`${encodingAESKey}=`, 'base64');
  lastKeyText = encodingAESKey;
  return lastKey;
}

/** Throws ValidationError unless `key` is a usable EncodingAESKey (for checking configuration early). */
export function assertEncodingAESKey(key: unknown): void {
  aesKey(key, (m) => new ValidationError(m, { field: 'encodingAESKey' }));
}

export interface EncryptMessageOptions {
  /** The 43-character EncodingAESKey from the push configuration. */
  encodingAESKey: string;
  /** Your appid; it is appended to the plaintext and checked by the receiver. */
  appId: string;
  /** The plaintext (an XML or JSON message). */
  message: string;
  /**
   * The 16-byte random prefix: a Buffer or a 16-character ASCII string. Only for deterministic tests.
   * @default crypto.randomBytes(16)
   */
  random?: Buffer | Uint8Array | string;
}

/**
 * Encrypts a push message: `base64(AES-256-CBC(key, iv = key[0:16], PKCS7_32(random16 ‖ len_be32 ‖ msg ‖ appid)))`.
 * @returns the `Encrypt` field value (standard base64).
 * @throws ValidationError for a malformed key, appid or random prefix.
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
export function encryptMessage(opts: EncryptMessageOptions): string {
  const key = aesKey(opts.encodingAESKey, (m) => new ValidationError(m, { field: 'encodingAESKey' }));
  if (typeof opts.appId !== 'string' || opts.appId.length === 0) {
    throw new ValidationError('appId must be a non-empty string', { field: 'appId' });
  }
  if (typeof opts.message !== 'string') throw new ValidationError('message must be a string', { field: 'message' });
  let random: Buffer;
  if (opts.random === undefined) random = randomBytes(16);
  else if (typeof opts.random === 'string') random = Buffer.from(opts.random, 'utf8');
  else random = Buffer.from(opts.random);
  if (random.length !== 16) throw new ValidationError('random must be exactly 16 bytes', { field: 'random' });

  const msg = Buffer.from(opts.message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const full = Buffer.concat([random, len, msg, Buffer.from(opts.appId, 'utf8')]);
  const n = PAD_BLOCK - (full.length % PAD_BLOCK);
  const padded = Buffer.concat([full, Buffer.alloc(n, n)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

export interface DecryptMessageOptions {
  /** The 43-character EncodingAESKey from the push configuration. */
  encodingAESKey: string;
  /** Your appid: the decrypted trailer must equal it. */
  appId: string;
  /** The `Encrypt` field exactly as received. */
  encrypt: string;
}

/**
 * Decrypts an `Encrypt` field and checks that the trailing appid is yours. Padding must be a
 * strict PKCS#7 over 32-byte blocks (the official sample treats a bad pad byte as 0; we reject).
 * Verify `msg_signature` before calling this.
 * @returns the plaintext message.
 * @throws DecryptError for every failure (key, base64, length, padding, appid).
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
export function decryptMessage(opts: DecryptMessageOptions): string {
  const key = aesKey(opts.encodingAESKey, (m) => new DecryptError(m));
  if (typeof opts.appId !== 'string' || opts.appId.length === 0)
    throw new DecryptError('appId must be a non-empty string');
  const ct = decodeBase64Strict(opts.encrypt, 'Encrypt');
  // Padding to 32-byte blocks makes every valid ciphertext a multiple of 32 bytes.
  if (ct.length === 0 || ct.length % PAD_BLOCK !== 0) {
    throw new DecryptError(`Encrypt must decode to a non-empty multiple of 32 bytes, got ${ct.length}`);
  }
  let plain: Buffer;
  try {
    const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    d.setAutoPadding(false);
    plain = Buffer.concat([d.update(ct), d.final()]);
  } catch (e) {
    throw new DecryptError('AES-256-CBC decryption failed', { cause: e });
  }
  const pad = plain[plain.length - 1];
  let padOk = pad >= 1 && pad <= PAD_BLOCK && pad <= plain.length;
  if (padOk) for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) padOk = false;
  if (!padOk) throw new DecryptError('bad padding (wrong EncodingAESKey, or a tampered Encrypt field?)');
  const body = plain.subarray(16, plain.length - pad);
  if (body.length < 4) throw new DecryptError('decrypted message is too short');
  const len = body.readUInt32BE(0);
  if (len > body.length - 4) throw new DecryptError('decrypted length prefix exceeds the message');
  const appId = body.subarray(4 + len);
  const expected = Buffer.from(opts.appId, 'utf8');
  if (appId.length !== expected.length || !timingSafeEqual(appId, expected)) {
    throw new DecryptError('the decrypted appid does not match this app (a push meant for another app?)');
  }
  return body.subarray(4, 4 + len).toString('utf8');
}
