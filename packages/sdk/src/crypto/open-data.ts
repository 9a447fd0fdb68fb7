import { nodeCrypto } from '../internal/node-crypto.js';
import { DecryptError } from '../core/errors.js';

/**
 * Strict base64 decode: rejects characters outside the alphabet (a `+` turned into a space is the classic bug).
 * The same rule as /^[A-Za-z0-9+/]*={0,2}$/ with a length that is a multiple of 4, checked without
 * the regex (a tenth of a push's handling time): Node's decoder skips characters outside the
 * alphabet and stops at an inner `=`, so any such character makes the output shorter than the
 * length implies. It accepts the URL-safe `-` and `_`, which are therefore refused first.
 * (tested against the regex as a property: test/crypto-open-data.test.ts)
 */
export function decodeBase64Strict(value: unknown, what: string): Buffer {
  if (typeof value !== 'string' || value.length === 0) throw new DecryptError(`${what} is missing or not a string`);
  const n = value.length;
  const pad = value.charCodeAt(n - 1) !== 0x3d ? 0 : value.charCodeAt(n - 2) !== 0x3d ? 1 : 2;
  // Non-ASCII characters are refused first too: the decoder reads only their low byte.
  const ascii = Buffer.byteLength(value, 'utf8') === n;
  const out =
    ascii && n % 4 === 0 && !value.includes('-') && !value.includes('_') ? Buffer.from(value, 'base64') : undefined;
  if (!out || out.length !== (n / 4) * 3 - pad) {
    const hint = value.includes(' ') ? ' (it contains a space: was a "+" decoded as a space in a URL or form?)' : '';
    throw new DecryptError(`${what} is not valid base64${hint}`);
  }
  return out;
}

export interface DecryptDataOptions {
  /** The user's session_key (base64 text from code2Session). */
  sessionKey: string;
  /** `encryptedData` from the mini program (base64). */
  encryptedData: string;
  /** `iv` from the mini program (base64). */
  iv: string;
  /** When given, `watermark.appid` must equal it. `app.decryptData` always passes its own appid. */
  appId?: string;
}

/**
 * Decrypts mini-program open data (`encryptedData` + `iv`): AES-128-CBC, PKCS#7, JSON.
 * Checks `watermark.appid` when `appId` is given.
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html
 * @throws DecryptError naming what was wrong (base64, key/iv length, padding, JSON, watermark)
 */
export function decryptData<T = Record<string, unknown>>(
  opts: DecryptDataOptions,
): T & {
  watermark: { appid: string; timestamp: number };
} {
  const key = decodeBase64Strict(opts.sessionKey, 'sessionKey');
  const iv = decodeBase64Strict(opts.iv, 'iv');
  const data = decodeBase64Strict(opts.encryptedData, 'encryptedData');
  if (key.length !== 16) throw new DecryptError(`sessionKey must decode to 16 bytes, got ${key.length}`);
  if (iv.length !== 16) throw new DecryptError(`iv must decode to 16 bytes, got ${iv.length}`);
  if (data.length === 0 || data.length % 16 !== 0) {
    throw new DecryptError(`encryptedData must be a non-empty multiple of 16 bytes, got ${data.length}`);
  }
  let plain: Buffer;
  try {
    const d = nodeCrypto().createDecipheriv('aes-128-cbc', key, iv);
    d.setAutoPadding(false);
    plain = Buffer.concat([d.update(data), d.final()]);
  } catch (e) {
    throw new DecryptError('AES-128-CBC decryption failed', { cause: e });
  }
  const pad = plain[plain.length - 1];
  if (pad < 1 || pad > 16 || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
    throw new DecryptError('bad PKCS#7 padding (wrong session_key or iv, or a stale session_key?)');
  }
  const text = plain.subarray(0, plain.length - pad).toString('utf8');
  let obj: any;
  try {
    obj = JSON.parse(text);
  } catch {
    throw new DecryptError('decrypted data is not JSON (wrong session_key or iv?)');
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
    throw new DecryptError('decrypted data is not a JSON object');
  if (opts.appId !== undefined) {
    const wm = obj.watermark;
    if (!wm || typeof wm !== 'object') throw new DecryptError('decrypted data has no watermark');
    if (wm.appid !== opts.appId)
      throw new DecryptError('watermark.appid does not match this app (data from another app?)');
  }
  return obj;
}

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && nodeCrypto().timingSafeEqual(x, y);
}

/**
 * Verifies `signature === sha1(rawData + sessionKey)` (session_key as its base64 text).
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html
 */
export function verifyRawDataSignature(rawData: string, sessionKey: string, signature: string): boolean {
  if (typeof rawData !== 'string' || typeof sessionKey !== 'string' || typeof signature !== 'string') return false;
  const expected = nodeCrypto()
    .createHash('sha1')
    .update(rawData + sessionKey, 'utf8')
    .digest('hex');
  return safeEqualHex(expected, signature.toLowerCase());
}

/**
 * The user-session signature used by checkSessionKey/resetUserSessionKey:
 * lowercase hex HMAC-SHA256 keyed by the session_key's base64 **text** (not decoded) over `data` ("" by default).
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_checksessionkey
 */
export function sessionSignature(sessionKey: string, data = ''): string {
  return nodeCrypto().createHmac('sha256', Buffer.from(sessionKey, 'utf8')).update(data, 'utf8').digest('hex');
}
