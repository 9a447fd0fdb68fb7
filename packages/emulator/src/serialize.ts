/**
 * JSON round-tripping for area slices, which may hold Maps, Sets, Buffers and Dates.
 * Tagged objects (`{"$map": [...]}`) keep exportState() plain JSON.
 */

export function toJsonSafe(value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [toJsonSafe(k), toJsonSafe(v)]) };
  if (value instanceof Set) return { $set: [...value].map(toJsonSafe) };
  if (Buffer.isBuffer(value)) return { $buf: value.toString('base64') };
  if (value instanceof Uint8Array) return { $buf: Buffer.from(value).toString('base64') };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'function' && v !== undefined) out[k] = toJsonSafe(v);
    return out;
  }
  return value;
}

export function fromJsonSafe(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonSafe);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      if (keys[0] === '$map' && Array.isArray(o.$map))
        return new Map((o.$map as [unknown, unknown][]).map(([k, v]) => [fromJsonSafe(k), fromJsonSafe(v)]));
      if (keys[0] === '$set' && Array.isArray(o.$set)) return new Set(o.$set.map(fromJsonSafe));
      if (keys[0] === '$buf' && typeof o.$buf === 'string') return Buffer.from(o.$buf, 'base64');
      if (keys[0] === '$date' && typeof o.$date === 'string') return new Date(o.$date);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = fromJsonSafe(v);
    return out;
  }
  return value;
}

/**
 * Makes `target` hold `next`'s content while keeping its identity when both are the same kind
 * of container (Map, Set, array, plain object); returns the value to store.
 */
export function refreshInPlace(target: unknown, next: unknown): unknown {
  if (target instanceof Map && next instanceof Map) {
    target.clear();
    for (const [k, v] of next) target.set(k, v);
    return target;
  }
  if (target instanceof Set && next instanceof Set) {
    target.clear();
    for (const v of next) target.add(v);
    return target;
  }
  if (Array.isArray(target) && Array.isArray(next)) {
    target.length = 0;
    target.push(...next);
    return target;
  }
  if (isPlain(target) && isPlain(next)) {
    for (const k of Object.keys(target)) delete target[k];
    Object.assign(target, next);
    return target;
  }
  return next;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}
