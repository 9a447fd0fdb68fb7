/**
 * Masks secrets in admin views: the console and any other admin client see `***` instead of
 * app secrets, EncodingAESKeys, push tokens, session keys and carrier/API keys. Key-based, so
 * an area's new admin view is covered as soon as its secret fields use one of these names.
 */

/** Object keys whose values are secrets wherever they appear. Add an area's secret field names here. */
export const SECRET_FIELDS = new Set([
  'secret',
  'appsecret',
  'app_secret',
  'appSecret',
  'session_key',
  'sessionKey',
  'encodingAESKey',
  'EncodingAESKey',
  'encoding_aes_key',
  'access_token',
  'delivery_sign',
  'keySecret',
  'biz_id_password',
  'password',
  'private_key',
  'privateKey',
  'sym_key',
  'symKey',
  'symmetricKey',
  'callbackToken',
]);

/** Keys that are secrets only inside an object under the given parent key (push.token is the signing token). */
const NESTED_SECRET_FIELDS: Record<string, Set<string>> = { push: new Set(['token']) };

export const MASK = '***';

/** A deep copy of `value` with every secret field replaced by `***` (empty values stay empty). */
export function maskSecrets(value: unknown, parent?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, parent));
  if (!value || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // Buffers, Dates: left to JSON
  const nested = parent ? NESTED_SECRET_FIELDS[parent] : undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const secret = SECRET_FIELDS.has(k) || nested?.has(k);
    out[k] = secret && v !== undefined && v !== null && v !== '' ? MASK : maskSecrets(v, k);
  }
  return out;
}
