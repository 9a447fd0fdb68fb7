/**
 * How WeChat writes a push on the wire, as data (PROTOCOL §7.8, §7.9, §8.8, §9.7). Every push the
 * emulator sends, whichever area built it (`ctx.push(appid, message)`), goes through
 * `serialiseWechatPush`, so an area only has to name its fields here:
 *
 * - `INT64_KEYS`: 64-bit ids. Areas keep them as decimal strings (JS numbers cannot hold them);
 *   they go out as bare JSON numbers and bare XML text, exactly as WeChat sends them.
 * - `LIST_KEYS`: lists that JSON writes as an object when there is one item (XML repeats the
 *   element either way).
 * - `JSON_LIFTED`: XML containers whose content JSON writes at the top level (the subscribe
 *   events: `<SubscribeMsgPopupEvent><List>…` in XML, `"List": …` in JSON).
 *
 * Strings are CDATA in XML and numbers bare; keys keep the order the area gave them.
 */

/** 64-bit integer fields: bare numbers on the wire, written from their decimal strings. */
export const INT64_KEYS: ReadonlySet<string> = new Set(['MsgId', 'MsgID']);
/** List fields that JSON writes as a bare object when they hold one item (§7.9). */
export const LIST_KEYS: ReadonlySet<string> = new Set(['List']);
/** XML containers that JSON does not have: their fields move to the top level (§7.9). */
export const JSON_LIFTED: ReadonlySet<string> = new Set([
  'SubscribeMsgPopupEvent',
  'SubscribeMsgChangeEvent',
  'SubscribeMsgSentEvent',
]);

const DECIMAL = /^-?\d+$/;

function int64(key: string, value: unknown): string | undefined {
  if (!INT64_KEYS.has(key)) return undefined;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' && DECIMAL.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

function jsonValue(key: string | undefined, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const big = key === undefined ? undefined : int64(key, value);
  if (big !== undefined) return big;
  if (Array.isArray(value)) {
    if (key !== undefined && LIST_KEYS.has(key) && value.length === 1) return jsonValue(undefined, value[0]);
    return `[${value.map((v) => jsonValue(undefined, v) ?? 'null').join(',')}]`;
  }
  if (value !== null && typeof value === 'object') return jsonObject(value as Record<string, unknown>, false);
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

function jsonObject(obj: Record<string, unknown>, top: boolean): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (top && JSON_LIFTED.has(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [ik, iv] of Object.entries(v as Record<string, unknown>)) {
        const s = jsonValue(ik, iv);
        if (s !== undefined) parts.push(`${JSON.stringify(ik)}:${s}`);
      }
      continue;
    }
    const s = jsonValue(k, v);
    if (s !== undefined) parts.push(`${JSON.stringify(k)}:${s}`);
  }
  return `{${parts.join(',')}}`;
}

function cdata(s: string): string {
  // "]]>" cannot appear inside one CDATA section: split it across two.
  return `<![CDATA[${s.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

function xmlElement(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => xmlElement(name, v)).join('');
  const big = int64(name, value);
  if (big !== undefined) return `<${name}>${big}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => xmlElement(k, v))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `<${name}>${String(value)}</${name}>`;
  }
  return `<${name}>${cdata(String(value))}</${name}>`;
}

/** Serialises a push message exactly as WeChat writes it in `format`. */
export function serialiseWechatPush(message: Record<string, unknown>, format: 'xml' | 'json'): string {
  return format === 'json' ? jsonObject(message, true) : xmlElement('xml', message);
}
