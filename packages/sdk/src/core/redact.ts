/**
 * The one place secrets are removed from text before it leaves the library (errors, logs).
 * WeChat carries access_token, appsecret and session keys in query strings and bodies, so
 * every message built from a URL or a body passes through here.
 */
const SECRET_KEYS = [
  'access_token',
  'secret',
  'appsecret',
  'app_secret',
  'session_key',
  'sessionKey',
  'encodingAESKey',
  'encoding_aes_key',
  'EncodingAESKey',
  'appSecret',
  'delivery_sign',
  'biz_id_password',
  'password',
  'signature',
];
const SECRET_KEY_SET = new Set(SECRET_KEYS);
const keyAlt = SECRET_KEYS.join('|');
// key=value in query strings / forms
const QUERY_RE = new RegExp(`((?:^|[?&;\\s,])(?:${keyAlt})=)[^&\\s"',;]*`, 'g');
// "key":"value" in JSON
const JSON_RE = new RegExp(`("(?:${keyAlt})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|[^,}\\s]+)`, 'g');

const extra = new Set<string>();

/** Registers a concrete secret value (e.g. the configured appsecret) to be masked wherever it appears. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) extra.add(value);
}

/** Returns `text` with every known secret replaced by `***`. */
export function redact(text: string): string {
  if (!text) return text;
  // Each pattern needs its separator: most strings (ids, names, short values) skip both scans.
  let out = text.includes('=') ? text.replace(QUERY_RE, '$1***') : text;
  if (out.includes('"')) out = out.replace(JSON_RE, '$1"***"');
  for (const s of extra) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

/**
 * Returns a JSON-shaped copy of `value` with the same rule applied structurally: the value of every
 * secret key (`access_token`, `secret`, `session_key`, `signature`, …) becomes `'***'` whatever its
 * type, at any depth, and every string (keys included) passes through {@link redact}. For logging
 * parsed bodies and query objects; JSON text of such a value could not be masked with `redact`
 * when a secret key held an object or an array (the pattern stops at the first comma).
 * Like `JSON.stringify`, it calls `toJSON()`, drops `undefined` and functions in objects
 * (`null` in arrays), and turns non-finite numbers into `null`; a bigint becomes its decimal string.
 */
export function redactValue(value: unknown): unknown {
  return redactAt(value, 0);
}

// Deeper than any WeChat body; a cyclic or absurdly deep value is cut there rather than overflowing.
const MAX_DEPTH = 64;

function redactAt(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return String(value);
  if (value === null || typeof value !== 'object') return typeof value === 'boolean' ? value : null;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return redactAt((value as { toJSON(): unknown }).toJSON(), depth);
  }
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => redactAt(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    const masked = SECRET_KEY_SET.has(key) ? '***' : redactAt(v, depth + 1);
    const name = redact(key);
    // A parsed body may carry an own "__proto__" key; assigning it would set the copy's prototype.
    if (name === '__proto__')
      Object.defineProperty(out, name, { value: masked, enumerable: true, writable: true, configurable: true });
    else out[name] = masked;
  }
  return out;
}
