/**
 * WXBizMsgCrypt for mini-program message push: the `signature` / `msg_signature` hashes and the
 * AES-256-CBC envelope of the `Encrypt` field. Pure functions; the push receiver and the
 * emulator both use them, and both are checked against the published vectors.
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
import type { Decipher } from 'node:crypto';
import { nodeCrypto } from '../internal/node-crypto.js';
import { DecryptError, ValidationError } from '../core/errors.js';
import { decodeBase64Strict } from './open-data.js';

const KEY_RE = /^[A-Za-z0-9+/]{43}$/;
/** WXBizMsgCrypt pads to 32-byte blocks (not AES's 16): a 16-byte PKCS#7 is a known trap. */
const PAD_BLOCK = 32;

// One-shot `crypto.hash` (Node >= 20.12) skips the Hash object a push would otherwise allocate.
type OneShotHash = (alg: string, data: string, enc: 'hex') => string;
function sha1Hex(text: string): string {
  const c = nodeCrypto();
  const oneShot = (c as { hash?: OneShotHash }).hash;
  return oneShot ? oneShot('sha1', text, 'hex') : c.createHash('sha1').update(text, 'utf8').digest('hex');
}

function sha1OfSorted(parts: string[]): string {
  // Plain code-unit sort, as documented: "1700000000" < "99". `parts` is always a fresh array.
  parts.sort();
  let text = parts[0];
  for (let i = 1; i < parts.length; i++) text += parts[i];
  return sha1Hex(text);
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

/**
 * Constant-time string equality (length is not secret: it is fixed for hex digests). Compares
 * UTF-16 code units without encoding either side.
 */
export function safeEqual(a: string, b: string): boolean {
  const x = String(a);
  const y = String(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x.charCodeAt(i) ^ y.charCodeAt(i);
  return diff === 0;
}

/** A decoded EncodingAESKey: the AES key, and an AES-256-ECB decipher kept for the key's lifetime. */
interface AesKey {
  key: Buffer;
  /** Whole-block AES decryption without padding is stateless: one decipher serves every push. */
  ecb?: Decipher;
}

// Receivers decrypt every push with the same key or two: decode each once (a few, bounded).
const keys = new Map<string, AesKey>();
const MAX_KEYS = 16;

/**
 * Decodes the 43-character EncodingAESKey to the 32-byte AES key (`base64(key + "=")`).
 * The message never includes the key itself.
 */
function aesKey(encodingAESKey: unknown, onError: (msg: string) => Error): AesKey {
  const known = keys.get(encodingAESKey as string);
  if (known) return known;
  if (typeof encodingAESKey !== 'string' || !KEY_RE.test(encodingAESKey)) {
    throw onError('encodingAESKey must be 43 characters of base64 (as shown in the mini-program admin console)');
  }
  if (keys.size >= MAX_KEYS) keys.clear();
  const k: AesKey = { key: Buffer.from(`${encodingAESKey}=`, 'base64') };
  keys.set(encodingAESKey, k);
  return k;
}

/** Throws ValidationError unless `key` is a usable EncodingAESKey (for checking configuration early). */
export function assertEncodingAESKey(key: unknown): void {
  aesKey(key, (m) => new ValidationError(m, { field: 'encodingAESKey' }));
}

/**
 * AES-256-CBC decryption of whole blocks with iv = key[0:16], computed as ECB (one long-lived
 * decipher per key: no cipher context per push) plus the CBC chaining XOR, in place.
 */
function cbcDecrypt(k: AesKey, ct: Buffer): Buffer {
  k.ecb ??= nodeCrypto().createDecipheriv('aes-256-ecb', k.key, null).setAutoPadding(false);
  let plain: Buffer;
  try {
    plain = k.ecb.update(ct);
  } catch (e) {
    k.ecb = undefined;
    throw new DecryptError('AES-256-CBC decryption failed', { cause: e });
  }
  if (plain.length !== ct.length) {
    // Cannot happen for whole blocks; never let a partial block leak into the next push.
    k.ecb = undefined;
    throw new DecryptError('AES-256-CBC decryption failed');
  }
  const iv = k.key;
  for (let i = 0; i < 16; i++) plain[i] ^= iv[i];
  for (let i = 16; i < plain.length; i++) plain[i] ^= ct[i - 16];
  return plain;
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
  const { key } = aesKey(opts.encodingAESKey, (m) => new ValidationError(m, { field: 'encodingAESKey' }));
  if (typeof opts.appId !== 'string' || opts.appId.length === 0) {
    throw new ValidationError('appId must be a non-empty string', { field: 'appId' });
  }
  if (typeof opts.message !== 'string') throw new ValidationError('message must be a string', { field: 'message' });
  let random: Buffer;
  if (opts.random === undefined) random = nodeCrypto().randomBytes(16);
  else if (typeof opts.random === 'string') random = Buffer.from(opts.random, 'utf8');
  else random = Buffer.from(opts.random);
  if (random.length !== 16) throw new ValidationError('random must be exactly 16 bytes', { field: 'random' });

  const msg = Buffer.from(opts.message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const full = Buffer.concat([random, len, msg, Buffer.from(opts.appId, 'utf8')]);
  const n = PAD_BLOCK - (full.length % PAD_BLOCK);
  const padded = Buffer.concat([full, Buffer.alloc(n, n)]);
  const cipher = nodeCrypto().createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
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
  const k = aesKey(opts.encodingAESKey, (m) => new DecryptError(m));
  const appId = opts.appId;
  if (typeof appId !== 'string' || appId.length === 0) throw new DecryptError('appId must be a non-empty string');
  const ct = decodeBase64Strict(opts.encrypt, 'Encrypt');
  // Padding to 32-byte blocks makes every valid ciphertext a multiple of 32 bytes.
  if (ct.length === 0 || ct.length % PAD_BLOCK !== 0) {
    throw new DecryptError(`Encrypt must decode to a non-empty multiple of 32 bytes, got ${ct.length}`);
  }
  // random(16) ‖ len_be32 ‖ message ‖ appid ‖ pad: one pass over the plaintext, no copies but the text.
  const plain = cbcDecrypt(k, ct);
  const end = plain.length;
  const pad = plain[end - 1];
  let bad = pad < 1 || pad > PAD_BLOCK ? 1 : 0;
  if (!bad) for (let i = end - pad; i < end; i++) bad |= plain[i] ^ pad;
  if (bad) throw new DecryptError('bad padding (wrong EncodingAESKey, or a tampered Encrypt field?)');
  const bodyEnd = end - pad;
  if (bodyEnd - 16 < 4) throw new DecryptError('decrypted message is too short');
  const len = plain.readUInt32BE(16);
  if (len > bodyEnd - 20) throw new DecryptError('decrypted length prefix exceeds the message');
  if (!trailerIs(plain, 20 + len, bodyEnd, appId)) {
    throw new DecryptError('the decrypted appid does not match this app (a push meant for another app?)');
  }
  return plain.toString('utf8', 20, 20 + len);
}

/** Whether bytes [from, to) are `appId` in UTF-8, in time independent of where they differ. */
function trailerIs(buf: Buffer, from: number, to: number, appId: string): boolean {
  // Appids are ASCII (wx + 16 hex); anything else goes through a UTF-8 encoding.
  let ascii = true;
  for (let i = 0; i < appId.length; i++) if (appId.charCodeAt(i) > 0x7f) ascii = false;
  const expected = ascii ? undefined : Buffer.from(appId, 'utf8');
  const n = expected ? expected.length : appId.length;
  if (to - from !== n) return false;
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= buf[from + i] ^ (expected ? expected[i] : appId.charCodeAt(i));
  return diff === 0;
}
