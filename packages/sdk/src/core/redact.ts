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
  let out = text.replace(QUERY_RE, '$1***').replace(JSON_RE, '$1"***"');
  for (const s of extra) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}
