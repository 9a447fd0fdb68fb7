import { ValidationError } from '../core/errors.js';

/**
 * Shared param checks of the endpoint tables. Every check throws ValidationError naming the API
 * and the field, before anything is sent.
 */

/** `env_version` values of codes and links. */
export const ENV_VERSIONS: readonly string[] = ['release', 'trial', 'develop'];

/** Throws the ValidationError for `field`. */
export function fail(api: string, field: string, message: string): never {
  throw new ValidationError(message, { api, field });
}

/** The params themselves must be an object. */
export function checkParams(api: string, p: unknown): asserts p is Record<string, any> {
  if (p == null || typeof p !== 'object') fail(api, 'params', 'params must be an object');
}

/** A plain (non-array) object. */
export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `obj[field]` must be a non-empty string. `path` names the field in messages (e.g. `text.content`). */
export function requireString(api: string, obj: unknown, field: string, path = field): void {
  const v = isObject(obj) ? obj[field] : undefined;
  if (typeof v !== 'string' || v.length === 0) {
    throw new ValidationError(`\`${path}\` is required (non-empty string)`, { api, field: path });
  }
}

/** `obj[field]` is absent or a string. */
export function optionalString(api: string, obj: Record<string, any>, field: string, path = field): void {
  if (obj[field] !== undefined && typeof obj[field] !== 'string') {
    throw new ValidationError(`\`${path}\` must be a string`, { api, field: path });
  }
}

/** `obj[field]` must be a plain object; returns it. */
export function requireObject(api: string, obj: unknown, field: string, path = field): Record<string, any> {
  const v = isObject(obj) ? obj[field] : undefined;
  if (!isObject(v)) throw new ValidationError(`\`${path}\` is required (an object)`, { api, field: path });
  return v;
}

/** `obj[field]` is absent or one of `allowed`. */
export function optionalEnum(api: string, obj: Record<string, any>, field: string, allowed: readonly string[]): void {
  const v = obj[field];
  if (v !== undefined && !allowed.includes(v)) {
    throw new ValidationError(`\`${field}\` must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`, {
      api,
      field,
    });
  }
}

/**
 * Template `data`: a non-empty object whose every value is `{ value: string | number, color? }`.
 * WeChat answers 47003 for anything else; a bare string (`{ thing1: 'x' }`) is the usual mistake.
 */
export function requireTemplateData(api: string, obj: unknown, field: string, path = field): void {
  const data = requireObject(api, obj, field, path);
  const keys = Object.keys(data);
  if (keys.length === 0) throw new ValidationError(`\`${path}\` must have at least one keyword`, { api, field: path });
  for (const k of keys) {
    const item = data[k];
    const v = isObject(item) ? item.value : undefined;
    if (typeof v !== 'string' && typeof v !== 'number') {
      throw new ValidationError(`\`${path}.${k}\` must be { value: string } (got ${JSON.stringify(item)})`, {
        api,
        field: `${path}.${k}`,
      });
    }
    if (item.color !== undefined && typeof item.color !== 'string') {
      throw new ValidationError(`\`${path}.${k}.color\` must be a string`, { api, field: `${path}.${k}.color` });
    }
  }
}
