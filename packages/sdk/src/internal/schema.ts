import { ValidationError } from '../core/errors.js';
import { isObject } from './validate.js';

/**
 * Validation of big request objects declared as data: one rule per field (type, required,
 * limits), nested objects and arrays, and cross-field rules per object. Every failure is a
 * ValidationError naming the API and the dotted field path (`cargo.detail_list[0].name`), before
 * anything is sent. Fields not listed pass through unchecked (WeChat adds fields faster than SDKs
 * do). WeChat's tables count some lengths in UTF-8 bytes and some in characters: both are here.
 */
export type Rule = StringRule | NumberRule | ObjectRule | ArrayRule;

interface Base {
  /** @default true */
  required?: boolean;
}
export interface StringRule extends Base {
  type: 'string';
  /** Most UTF-8 bytes. */
  maxBytes?: number;
  /** Most characters (code points). */
  maxChars?: number;
  /** Allowed values. */
  values?: readonly string[];
  /** An empty string counts as missing. @default true */
  nonEmpty?: boolean;
}
export interface NumberRule extends Base {
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
  values?: readonly number[];
}
/** A broken cross-field rule: the field (relative to the object) and what is wrong with it. */
export type Broken = [field: string, message: string];
export interface ObjectRule extends Base {
  type: 'object';
  fields: Schema;
  /** Cross-field rules, checked after the fields: each returns what is broken, or undefined. */
  rules?: ReadonlyArray<(obj: Record<string, any>) => Broken | undefined>;
  /** Most characters of the object's JSON (e.g. `goods_detail` ≤ 10240). */
  maxJson?: number;
}
export interface ArrayRule extends Base {
  type: 'array';
  items: Rule;
  /** Fewest items. */
  min?: number;
  /** Most items. */
  max?: number;
}
/** Field name → rule. */
export type Schema = Readonly<Record<string, Rule>>;

/** A string field, required unless `required: false` (or wrapped in `opt`). */
export const str = (opts: Omit<StringRule, 'type'> = {}): StringRule => ({ type: 'string', ...opts });
/** A number field (integer unless `integer: false`). */
export const num = (opts: Omit<NumberRule, 'type'> = {}): NumberRule => ({ type: 'number', integer: true, ...opts });
/** Money in yuan: ≥ 0 with at most 2 decimal places. */
export const yuan = (opts: Omit<NumberRule, 'type'> = {}): NumberRule =>
  num({ integer: false, min: 0, decimals: 2, ...opts });
/** A 0/1 flag. */
export const flag = (opts: Omit<NumberRule, 'type' | 'values'> = {}): NumberRule => num({ values: [0, 1], ...opts });
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
/** Cross-field rule: at least one of `fields` is a non-empty string (the first is named when none is). */
export const oneOf =
  (...fields: string[]) =>
  (o: Record<string, any>): Broken | undefined =>
    fields.some((f) => typeof o[f] === 'string' && o[f] !== '')
      ? undefined
      : [
          fields[0] as string,
          `is required unless ${fields
            .slice(1)
            .map((f) => `\`${f}\``)
            .join(' or ')} is given`,
        ];

function fail(api: string, path: string, message: string): never {
  throw new ValidationError(`\`${path}\` ${message}`, { api, field: path });
}

function decimalsOf(n: number): number {
  const s = String(n);
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

function checkValue(api: string, v: unknown, rule: Rule, path: string): void {
  const empty = v === '' && rule.type === 'string' && rule.nonEmpty !== false;
  if (v === undefined || v === null || empty) {
    if (rule.required !== false)
      fail(api, path, `is required (${rule.type === 'string' ? 'non-empty string' : rule.type})`);
    return;
  }
  switch (rule.type) {
    case 'string': {
      if (typeof v !== 'string') fail(api, path, `must be a string (got ${typeof v})`);
      if (rule.maxChars !== undefined && [...v].length > rule.maxChars) {
        fail(api, path, `must be at most ${rule.maxChars} characters`);
      }
      if (rule.maxBytes !== undefined && Buffer.byteLength(v) > rule.maxBytes) {
        fail(api, path, `must be at most ${rule.maxBytes} bytes (UTF-8)`);
      }
      if (rule.values && !rule.values.includes(v)) {
        fail(api, path, `must be one of ${rule.values.join(', ')} (got ${JSON.stringify(v)})`);
      }
      return;
    }
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(api, path, `must be a number (got ${JSON.stringify(v)})`);
      if (rule.integer && !Number.isInteger(v)) fail(api, path, `must be an integer (got ${v})`);
      if (rule.values && !rule.values.includes(v))
        fail(api, path, `must be one of ${rule.values.join(', ')} (got ${v})`);
      if (rule.gt !== undefined && !(v > rule.gt)) fail(api, path, `must be greater than ${rule.gt} (got ${v})`);
      if (rule.min !== undefined && v < rule.min) fail(api, path, `must be at least ${rule.min} (got ${v})`);
      if (rule.max !== undefined && v > rule.max) fail(api, path, `must be at most ${rule.max} (got ${v})`);
      if (rule.decimals !== undefined && decimalsOf(v) > rule.decimals) {
        fail(api, path, `must have at most ${rule.decimals} decimal places (got ${v})`);
      }
      return;
    }
    case 'object':
      if (!isObject(v)) fail(api, path, 'must be an object');
      if (rule.maxJson !== undefined && JSON.stringify(v).length > rule.maxJson) {
        fail(api, path, `must be at most ${rule.maxJson} characters as JSON`);
      }
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

function checkObject(
  api: string,
  o: Record<string, any>,
  rule: Pick<ObjectRule, 'fields' | 'rules'>,
  path: string,
): void {
  const at = (k: string) => (path ? `${path}.${k}` : k);
  for (const [k, r] of Object.entries(rule.fields)) checkValue(api, o[k], r, at(k));
  for (const check of rule.rules ?? []) {
    const broken = check(o);
    if (broken) fail(api, at(broken[0]), broken[1]);
  }
}

/** Checks `params` against an object rule: its fields, then its cross-field rules. */
export function check(api: string, rule: Pick<ObjectRule, 'fields' | 'rules'>, params: unknown): void {
  if (!isObject(params)) throw new ValidationError('params must be an object', { api, field: 'params' });
  checkObject(api, params, rule, '');
}

/** Builds a `validate` function for an endpoint from its params rule. */
export function validator<P>(api: string, rule: Pick<ObjectRule, 'fields' | 'rules'>): (params: P) => void {
  return (params) => check(api, rule, params);
}
