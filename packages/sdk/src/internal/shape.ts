import { ValidationError } from '../core/errors.js';

/**
 * Request shapes declared as data: `{ field: rule }`, checked before anything is sent. A rule is
 * a type name (`'string'`, `'int'`, `'number'`, `'object'`; a trailing `?` makes it optional),
 * an enum `{ oneOf: [...] }`, a nested shape `{ shape }` or an array of shapes `{ items }`
 * (each with `optional?`), or `{ int: [min, max] }`.
 */
export type Rule =
  | 'string'
  | 'string?'
  | 'int'
  | 'int?'
  | 'number'
  | 'number?'
  | 'object'
  | 'object?'
  | { oneOf: readonly (string | number)[]; optional?: boolean }
  | { int: readonly [number, number]; optional?: boolean }
  | { shape: Shape; optional?: boolean }
  | { items: Shape; optional?: boolean };
export type Shape = { readonly [field: string]: Rule };

function fail(api: string, field: string, message: string): never {
  throw new ValidationError(`\`${field}\` ${message}`, { api, field });
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Throws ValidationError (naming the API and the dotted field) where `value` breaks `shape`. */
export function checkShape(api: string, value: unknown, shape: Shape, prefix = ''): void {
  if (!isObj(value)) fail(api, prefix.replace(/\.$/, '') || 'params', 'must be an object');
  for (const [key, rule] of Object.entries(shape)) {
    const field = prefix + key;
    const v = value[key];
    const optional = typeof rule === 'string' ? rule.endsWith('?') : rule.optional === true;
    if (v === undefined || v === null) {
      if (!optional) fail(api, field, 'is required');
      continue;
    }
    if (typeof rule === 'string') {
      const type = rule.replace('?', '');
      if (type === 'string' && (typeof v !== 'string' || (!optional && v === '')))
        fail(api, field, 'must be a non-empty string');
      if (type === 'int' && !Number.isInteger(v)) fail(api, field, 'must be an integer');
      if (type === 'number' && (typeof v !== 'number' || !Number.isFinite(v))) fail(api, field, 'must be a number');
      if (type === 'object' && !isObj(v)) fail(api, field, 'must be an object');
    } else if ('oneOf' in rule) {
      if (!rule.oneOf.includes(v as string | number))
        fail(api, field, `must be one of ${rule.oneOf.join(', ')} (got ${JSON.stringify(v)})`);
    } else if ('int' in rule) {
      const [min, max] = rule.int;
      if (!Number.isInteger(v) || (v as number) < min || (v as number) > max)
        fail(api, field, `must be an integer from ${min} to ${max}`);
    } else if ('shape' in rule) {
      checkShape(api, v, rule.shape, `${field}.`);
    } else {
      if (!Array.isArray(v)) fail(api, field, 'must be an array');
      for (const [i, item] of (v as unknown[]).entries()) checkShape(api, item, rule.items, `${field}[${i}].`);
    }
  }
}
