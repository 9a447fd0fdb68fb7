import { ValidationError } from '../core/errors.js';
import { isObject } from './validate.js';

/**
 * Request-object validation declared as data: a table of field rules per object, checked before
 * anything is sent. Unknown fields pass (WeChat adds fields faster than SDKs do); lengths are in
 * UTF-8 bytes because that is how WeChat's tables count them.
 */
export type Rule = StringRule | NumberRule | ObjectRule | ArrayRule;

interface Base {
  /** @default true */
  required?: boolean;
}
export interface StringRule extends Base {
  type: 'string';
  maxBytes?: number;
  /** Allowed values. */
  values?: readonly string[];
  /** Must not be empty when present. @default true */
  nonEmpty?: boolean;
}
export interface NumberRule extends Base {
  type: 'number';
  integer?: boolean;
  min?: number;
  max?: number;
  values?: readonly number[];
}
export interface ObjectRule extends Base {
  type: 'object';
  fields: Schema;
  /** Cross-field rules: each returns `[field, message]` when the object breaks it. */
  rules?: ReadonlyArray<(obj: Record<string, any>) => [string, string] | undefined>;
}
export interface ArrayRule extends Base {
  type: 'array';
  items: Rule;
  min?: number;
  max?: number;
}
export type Schema = Readonly<Record<string, Rule>>;

/** A string field, required unless `required: false`. */
export const str = (opts: Omit<StringRule, 'type'> = {}): StringRule => ({ type: 'string', ...opts });
/** A number field (integer unless `integer: false`). */
export const num = (opts: Omit<NumberRule, 'type'> = {}): NumberRule => ({ type: 'number', integer: true, ...opts });
export const obj = (fields: Schema, opts: Omit<ObjectRule, 'type' | 'fields'> = {}): ObjectRule => ({
  type: 'object',
  fields,
  ...opts,
});
export const arr = (items: Rule, opts: Omit<ArrayRule, 'type' | 'items'> = {}): ArrayRule => ({
  type: 'array',
  items,
  ...opts,
});
/** The same rule, optional. */
export const opt = <R extends Rule>(rule: R): R => ({ ...rule, required: false });
/** Cross-field rule: at least one of `fields` is a non-empty string. */
export const oneOf =
  (...fields: string[]) =>
  (o: Record<string, any>): [string, string] | undefined =>
    fields.some((f) => typeof o[f] === 'string' && o[f] !== '')
      ? undefined
      : [fields[0] as string, `one of ${fields.map((f) => `\`${f}\``).join(' or ')} is required`];

function fail(api: string, path: string, message: string): never {
  throw new ValidationError(`\`${path}\` ${message}`, { api, field: path });
}

function checkValue(api: string, v: unknown, rule: Rule, path: string): void {
  if (v === undefined || v === null) {
    if (rule.required !== false) fail(api, path, `is required (${rule.type})`);
    return;
  }
  switch (rule.type) {
    case 'string': {
      if (typeof v !== 'string') fail(api, path, `must be a string (got ${typeof v})`);
      if (v === '' && rule.nonEmpty !== false && rule.required !== false) fail(api, path, 'must not be empty');
      if (rule.maxBytes !== undefined && Buffer.byteLength(v) > rule.maxBytes) {
        fail(api, path, `is longer than ${rule.maxBytes} bytes (UTF-8)`);
      }
      if (rule.values && !rule.values.includes(v)) fail(api, path, `must be one of ${rule.values.join(', ')}`);
      return;
    }
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(api, path, `must be a number (got ${JSON.stringify(v)})`);
      if (rule.integer && !Number.isInteger(v)) fail(api, path, 'must be an integer');
      if (rule.min !== undefined && v < rule.min) fail(api, path, `must be ≥ ${rule.min}`);
      if (rule.max !== undefined && v > rule.max) fail(api, path, `must be ≤ ${rule.max}`);
      if (rule.values && !rule.values.includes(v)) fail(api, path, `must be one of ${rule.values.join(', ')}`);
      return;
    }
    case 'object':
      if (!isObject(v)) fail(api, path, 'must be an object');
      checkObject(api, v, rule, path);
      return;
    case 'array': {
      if (!Array.isArray(v)) fail(api, path, 'must be an array');
      if (rule.min !== undefined && v.length < rule.min) fail(api, path, `must hold at least ${rule.min} item(s)`);
      if (rule.max !== undefined && v.length > rule.max) fail(api, path, `must hold at most ${rule.max} items`);
      for (let i = 0; i < v.length; i++) checkValue(api, v[i], rule.items, `${path}[${i}]`);
      return;
    }
  }
}

function checkObject(api: string, o: Record<string, any>, rule: ObjectRule, path: string): void {
  for (const [k, r] of Object.entries(rule.fields)) checkValue(api, o[k], r, path ? `${path}.${k}` : k);
  for (const check of rule.rules ?? []) {
    const broken = check(o);
    if (broken) {
      throw new ValidationError(`${path ? `\`${path}\`: ` : ''}${broken[1]}`, {
        api,
        field: path ? `${path}.${broken[0]}` : broken[0],
      });
    }
  }
}

/** Builds a `validate` function for an endpoint from its params schema. */
export function validator<P>(api: string, rule: ObjectRule): (params: P) => void {
  return (params) => {
    if (!isObject(params)) throw new ValidationError('params must be an object', { api, field: 'params' });
    checkObject(api, params, rule, '');
  };
}
