import { ValidationError } from '../core/errors.js';

/**
 * Validation of big request objects declared as data: one rule per field (type, required,
 * limits), nested objects and arrays, and an optional cross-field `refine` per object. Every
 * failure is a ValidationError naming the API and the dotted field path, before anything is sent.
 */

interface Common {
  /** @default false */
  required?: boolean;
}
export interface StringRule extends Common {
  type: 'string';
  /** Most characters. */
  max?: number;
  /** Most UTF-8 bytes (WeChat counts bytes for some ids and names). */
  maxBytes?: number;
  /** An empty string counts as missing. @default false */
  allowEmpty?: boolean;
}
export interface NumberRule extends Common {
  type: 'number';
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound (`(0, 50]` is `gt: 0, max: 50`). */
  gt?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Most decimal places (money in yuan: 2). */
  decimals?: number;
  /** Allowed values. */
  oneOf?: readonly number[];
}
export interface ObjectRule extends Common {
  type: 'object';
  fields: Schema;
  /** Cross-field check; returns the problem (field relative to this object), or undefined. */
  refine?: (obj: Record<string, any>) => { field: string; message: string } | undefined;
  /** Most characters of the object's JSON (e.g. `goods_detail` ≤ 10240). */
  maxJson?: number;
}
export interface ArrayRule extends Common {
  type: 'array';
  items: FieldRule;
  minItems?: number;
  maxItems?: number;
}
export type FieldRule = StringRule | NumberRule | ObjectRule | ArrayRule;
/** Field name → rule. Fields not listed are passed through unchecked. */
export type Schema = Readonly<Record<string, FieldRule>>;

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

function decimalsOf(n: number): number {
  const s = String(n);
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

function problem(rule: FieldRule, v: unknown, path: string, api: string): string | undefined {
  switch (rule.type) {
    case 'string': {
      if (typeof v !== 'string') return 'must be a string';
      if (rule.max !== undefined && [...v].length > rule.max) return `must be at most ${rule.max} characters`;
      if (rule.maxBytes !== undefined && Buffer.byteLength(v) > rule.maxBytes)
        return `must be at most ${rule.maxBytes} bytes (UTF-8)`;
      return undefined;
    }
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return `must be a number (got ${JSON.stringify(v)})`;
      if (rule.integer && !Number.isInteger(v)) return 'must be an integer';
      if (rule.oneOf && !rule.oneOf.includes(v)) return `must be one of ${rule.oneOf.join(', ')} (got ${v})`;
      if (rule.gt !== undefined && !(v > rule.gt)) return `must be greater than ${rule.gt} (got ${v})`;
      if (rule.min !== undefined && v < rule.min) return `must be at least ${rule.min} (got ${v})`;
      if (rule.max !== undefined && v > rule.max) return `must be at most ${rule.max} (got ${v})`;
      if (rule.decimals !== undefined && decimalsOf(v) > rule.decimals)
        return `must have at most ${rule.decimals} decimal places (got ${v})`;
      return undefined;
    }
    case 'array': {
      if (!Array.isArray(v)) return 'must be an array';
      if (rule.minItems !== undefined && v.length < rule.minItems) return `must have at least ${rule.minItems} item(s)`;
      if (rule.maxItems !== undefined && v.length > rule.maxItems) return `must have at most ${rule.maxItems} items`;
      for (let i = 0; i < v.length; i++) checkField(api, rule.items, v[i], `${path}[${i}]`);
      return undefined;
    }
    case 'object': {
      if (!isObject(v)) return 'must be an object';
      if (rule.maxJson !== undefined && JSON.stringify(v).length > rule.maxJson)
        return `must be at most ${rule.maxJson} characters as JSON`;
      checkSchema(api, rule.fields, v, path);
      const p = rule.refine?.(v);
      if (p) fail(api, `${path}.${p.field}`, p.message);
      return undefined;
    }
  }
}

function fail(api: string, field: string, message: string): never {
  throw new ValidationError(`\`${field}\` ${message}`, { api, field });
}

function checkField(api: string, rule: FieldRule, v: unknown, path: string): void {
  const missing = v === undefined || v === null || (v === '' && !(rule.type === 'string' && rule.allowEmpty));
  if (missing) {
    if (rule.required)
      fail(api, path, `is required${rule.type === 'string' ? ' (non-empty string)' : ` (${rule.type})`}`);
    return;
  }
  const p = problem(rule, v, path, api);
  if (p) fail(api, path, p);
}

/** Checks `value` against `schema`; `prefix` names nested paths (`cargo.goods_weight`). */
export function checkSchema(api: string, schema: Schema, value: unknown, prefix = ''): void {
  if (!isObject(value)) {
    throw new ValidationError(prefix ? `\`${prefix}\` must be an object` : 'params must be an object', {
      api,
      field: prefix || 'params',
    });
  }
  for (const [name, rule] of Object.entries(schema)) {
    checkField(api, rule, value[name], prefix ? `${prefix}.${name}` : name);
  }
}

/** Checks params against an object rule: its fields, then its cross-field `refine`. */
export function checkObject(api: string, rule: Pick<ObjectRule, 'fields' | 'refine'>, value: unknown): void {
  checkSchema(api, rule.fields, value);
  const p = rule.refine?.(value as Record<string, any>);
  if (p) fail(api, p.field, p.message);
}
