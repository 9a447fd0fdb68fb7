/**
 * Key layout. Every key of one app carries the appid as a Redis Cluster hash tag (`{wx…}`),
 * so the token, its lock and every Lua script touching them land in one slot, and different
 * apps spread over the cluster.
 *
 *   <prefix>{<appid>}:<kind>:token   hash { t: token, e: expiresAt, f: fetchedAt }
 *   <prefix>{<appid>}:<kind>:lock    string: the lock owner's random id
 *   <prefix>dedupe:<key>             string "1" (push dedupe; one key per push, no tag needed)
 */

/** Default prefix of every key this package writes. */
export const DEFAULT_KEY_PREFIX = 'miniapp:';

// Braces would open or close a hash tag and colons would blur the layout; appids never contain
// them, but a store key is an opaque string, so escape instead of trusting it.
function part(s: string): string {
  return s.replace(/[{}:%]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Splits the token manager's store key (`<kind>:<appid>`, e.g. `stable:wx1234`) into its parts.
 * A key without a colon is treated as an appid of kind `default`.
 */
export function splitStoreKey(key: string): { kind: string; appId: string } {
  const i = key.indexOf(':');
  if (i < 0) return { kind: 'default', appId: key };
  return { kind: key.slice(0, i), appId: key.slice(i + 1) };
}

/** Redis keys for one token-store key. */
export function tokenKeys(prefix: string, storeKey: string): { token: string; lock: string } {
  const { kind, appId } = splitStoreKey(storeKey);
  const base = `${prefix}{${part(appId)}}:${part(kind)}`;
  return { token: `${base}:token`, lock: `${base}:lock` };
}

/** Redis key for one push-dedupe key. */
export function dedupeKey(prefix: string, key: string): string {
  return `${prefix}dedupe:${key}`;
}
