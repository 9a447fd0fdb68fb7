/**
 * Push bodies in both wire formats. XML and JSON parse into the same normalised object (WeChat's
 * field names, numbers as numbers, 64-bit ids as strings, `List`/`Actions` always arrays), and
 * replies serialise back exactly in the request's format.
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
import type { XMLParser } from 'fast-xml-parser';
import { lazyRequire } from '../internal/lazy-require.js';

export type PushFormat = 'xml' | 'json';

/** A parse failure; the receiver answers 400. Never includes the body. */
export class PushParseError extends Error {
  override name = 'PushParseError';
}

/** Fields that are 64-bit integers on the wire: always strings, never JS numbers (they exceed 2^53). */
const BIG_ID_KEYS = new Set(['MsgId', 'MsgID']);
/** Documented numeric fields; JSON pushes sometimes send them as strings ("CreateTime":"1620973045"). */
const NUMERIC_KEYS = new Set([
  'CreateTime',
  'PopupScene',
  'ErrorCode',
  'action_time',
  'order_status',
  'reach_time',
  'Version',
  'Count',
  'ActionTime',
  'ActionType',
  'errcode',
  'resultcode',
  'TimeStamp',
  'version',
  'status_code',
  'isrisky',
  'label',
  'prob',
  ...[
    'pay_time',
    'shipped_time',
    'estimated_settlement_time',
    'confirm_receive_method',
    'confirm_receive_time',
    'settlement_time',
  ],
]);
/** Documented string fields (ids, text): kept as strings even when a JSON sender used a number or XML omitted CDATA. */
const STRING_KEYS = new Set([
  'ToUserName',
  'FromUserName',
  'Content',
  'SessionFrom',
  'MediaId',
  'ThumbMediaId',
  'Title',
  'AppId',
  'PagePath',
  'TemplateId',
  'shopid',
  'shop_order_id',
  'shop_no',
  'waybill_id',
  'action_msg',
  'phone',
  'DeliveryID',
  'WayBillId',
  'OrderId',
  'ActionMsg',
  'delivery_id',
  'biz_id',
  'trace_id',
  'appid',
  'debug_str',
  ...['transaction_id', 'merchant_id', 'sub_merchant_id', 'merchant_trade_no', 'msg'],
]);
/** Elements that are lists on the wire even when only one is present. */
const ARRAY_KEYS = new Set(['List', 'Actions', 'detail']);

/**
 * Deepest nesting accepted in a push body (objects/arrays in JSON, elements in XML). Real pushes
 * nest 3-4 levels; the limit keeps every later step (parser, normalisation) far from the stack.
 */
export const MAX_PUSH_DEPTH = 64;

const CDATA = '#cdata';
const TEXT = '#text';

// fast-xml-parser is loaded with the first XML document (a JSON-only receiver never loads it).
let xml: { parser: XMLParser; validate: typeof import('fast-xml-parser').XMLValidator.validate } | undefined;
function loadXml(): NonNullable<typeof xml> {
  const fxp = lazyRequire('fast-xml-parser') as typeof import('fast-xml-parser');
  xml = { parser: new fxp.XMLParser(XML_OPTIONS), validate: fxp.XMLValidator.validate };
  return xml;
}

const XML_OPTIONS: ConstructorParameters<typeof XMLParser>[0] = {
  ignoreAttributes: true,
  // Never expand entities: no DOCTYPE-declared ones can exist (rejected below) and the five
  // predefined ones plus character references are decoded by hand in `xmlText`.
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  cdataPropName: CDATA,
  textNodeName: TEXT,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => ARRAY_KEYS.has(name),
};

/** Detects the format from the first non-whitespace character; the Content-Type is never trusted. */
export function detectFormat(text: string): PushFormat | undefined {
  const m = /^[\s\uFEFF]*([<{])/.exec(text);
  if (!m) return undefined;
  return m[1] === '<' ? 'xml' : 'json';
}

/**
 * Subscribe events: XML wraps the items in a container named after the event, JSON sends `List`
 * at the top level (PROTOCOL §7.9). Both parse into the XML shape, so handlers read one shape.
 */
const LIST_CONTAINERS: Record<string, string> = {
  subscribe_msg_popup_event: 'SubscribeMsgPopupEvent',
  subscribe_msg_change_event: 'SubscribeMsgChangeEvent',
  subscribe_msg_sent_event: 'SubscribeMsgSentEvent',
};

function wrapTopLevelList(message: Record<string, unknown>): Record<string, unknown> {
  const container = typeof message.Event === 'string' ? LIST_CONTAINERS[message.Event.toLowerCase()] : undefined;
  if (!container || message.List === undefined || message[container] !== undefined) return message;
  const { List, ...rest } = message;
  return { ...rest, [container]: { List } };
}

/** Parses a push body (XML or JSON, detected from the body) into the normalised object. */
export function parsePush(text: string): { format: PushFormat; message: Record<string, unknown> } {
  const format = detectFormat(text);
  if (format === 'xml') return { format, message: parseXml(text) };
  if (format === 'json') return { format, message: wrapTopLevelList(parseJson(text)) };
  throw new PushParseError('the body is neither XML nor JSON');
}

/**
 * The deepest element nesting of an XML text, scanned without recursion (comments, CDATA and
 * processing instructions skipped); stops early once `max` is exceeded.
 */
function xmlDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let i = text.indexOf('<');
  while (i !== -1 && i < text.length) {
    if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end === -1) return false; // malformed: the validator reports it
      i = text.indexOf('<', end + 3);
      continue;
    }
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) return false;
      i = text.indexOf('<', end + 3);
      continue;
    }
    const close = text.indexOf('>', i + 1);
    if (close === -1) return false;
    const next = text.charCodeAt(i + 1);
    if (next === 0x2f /* / */) depth--;
    else if (next !== 0x3f /* ? */ && next !== 0x21 /* ! */ && text.charCodeAt(close - 1) !== 0x2f) {
      if (++depth > max) return true;
    }
    i = text.indexOf('<', close + 1);
  }
  return false;
}

function parseXml(text: string): Record<string, unknown> {
  // Refused outright: DOCTYPEs are how entity-expansion and external-entity attacks start.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new PushParseError('XML with a DOCTYPE or ENTITY declaration is refused');
  if (xmlDepthExceeds(text, MAX_PUSH_DEPTH)) {
    throw new PushParseError(`XML nested deeper than ${MAX_PUSH_DEPTH} levels`);
  }
  const { parser, validate } = xml ?? loadXml();
  const valid = validate(text);
  if (valid !== true) throw new PushParseError(`malformed XML: ${valid.err.msg}`);
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text);
  } catch (e) {
    throw new PushParseError(`malformed XML: ${(e as Error).message}`);
  }
  const roots = Object.keys(doc);
  if (roots.length !== 1) throw new PushParseError('XML must have exactly one root element');
  // WeChat's root is <xml>; any single root is accepted.
  const root = fromXml(doc[roots[0]]);
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new PushParseError('the XML root element has no fields');
  }
  return normalise(root) as Record<string, unknown>;
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined XML entities and character references in non-CDATA text. */
function xmlText(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (all, ref: string) => {
    if (ref[0] !== '#') return NAMED_ENTITIES[ref];
    const cp = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
  });
}

/** Bare numeric text becomes a number when it round-trips exactly (no leading zeros, safe range). */
function bareValue(s: string): string | number {
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    if (String(n) === s && (!Number.isInteger(n) || Number.isSafeInteger(n))) return n;
  }
  return s;
}

/** Turns fast-xml-parser output into plain values: CDATA → string, bare text → string or number. */
function fromXml(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fromXml);
  if (typeof node === 'string') return bareValue(xmlText(node));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length > 0 && keys.every((k) => k === CDATA || k === TEXT)) {
    // CDATA content is text by definition: never converted to a number.
    const text = obj[TEXT] === undefined ? '' : xmlText(String(obj[TEXT]));
    const cdata = obj[CDATA];
    return text + (Array.isArray(cdata) ? cdata.join('') : (cdata ?? ''));
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k !== TEXT && k !== CDATA && k !== '__proto__') out[k] = fromXml(obj[k]);
  return out;
}

function parseJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(quoteUnsafeIntegers(text, MAX_PUSH_DEPTH));
  } catch (e) {
    throw new PushParseError(`malformed JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PushParseError('the JSON body is not an object');
  }
  return normalise(value) as Record<string, unknown>;
}

/**
 * Rewrites integer literals beyond 2^53 as JSON strings before `JSON.parse` can round them
 * (a bare 64-bit `MsgId` would otherwise lose its last digits). Tracks string state so text
 * inside strings is never touched. In the same pass, refuses nesting deeper than `maxDepth`.
 */
export function quoteUnsafeIntegers(json: string, maxDepth = Number.POSITIVE_INFINITY): string {
  let out = '';
  let last = 0;
  let depth = 0;
  const n = json.length;
  for (let i = 0; i < n; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22) {
      // A string: jump to its closing quote (one preceded by an even run of backslashes).
      let q = json.indexOf('"', i + 1);
      while (q !== -1) {
        let b = q - 1;
        while (json.charCodeAt(b) === 0x5c) b--;
        if ((q - 1 - b) % 2 === 0) break;
        q = json.indexOf('"', q + 1);
      }
      if (q === -1) break; // unterminated: JSON.parse reports it
      i = q;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) throw new PushParseError(`JSON nested deeper than ${maxDepth} levels`);
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      depth--;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      // A number: digits, '.', 'e', 'E', '+', '-'.
      let j = i + 1;
      let integer = true;
      for (; j < n; j++) {
        const d = json.charCodeAt(j);
        if (d >= 0x30 && d <= 0x39) continue;
        if (d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d) integer = false;
        else break;
      }
      // Up to 15 characters is always safe: only longer integers (an optional '-', then digits) need a look.
      if (integer && j - i > 15) {
        const token = json.slice(i, j);
        if (!Number.isSafeInteger(Number(token))) {
          out += `${json.slice(last, i)}"${token}"`;
          last = j;
        }
      }
      i = j - 1;
    }
  }
  return last === 0 ? json : out + json.slice(last);
}

/** The index of the first character at or after `i` that is not JSON whitespace. */
function skipJsonSpace(text: string, i: number): number {
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = text.charCodeAt(++i));
  return i;
}

const JSON_ENCRYPT = /\s*:\s*"([^"\\]*(?:\\.[^"\\]*)*)"/y;

/**
 * Reads only the `Encrypt` field of an encrypted push's envelope, without parsing the rest:
 * until `msg_signature` is checked the envelope is attacker-controlled, and `Encrypt` is all
 * the signature covers. Linear in the body; undefined when there is no such field.
 */
export function extractEncrypt(text: string, format: PushFormat): string | undefined {
  if (format === 'json') {
    for (let i = text.indexOf('"Encrypt"'); i !== -1; i = text.indexOf('"Encrypt"', i + 9)) {
      // The usual body, `"Encrypt":"<base64>"`: the value is the text up to the next quote when it
      // holds no backslash (base64 has none); anything else takes the general path below.
      // (A raw control character inside is not refused here but by the signature check: a 401.)
      let v = skipJsonSpace(text, i + 9);
      if (text.charCodeAt(v) === 0x3a) {
        v = skipJsonSpace(text, v + 1);
        if (text.charCodeAt(v) === 0x22) {
          const end = text.indexOf('"', v + 1);
          const backslash = text.indexOf('\\', v + 1);
          if (end !== -1 && (backslash === -1 || backslash > end)) return text.slice(v + 1, end);
        }
      }
      JSON_ENCRYPT.lastIndex = i + 9;
      const m = JSON_ENCRYPT.exec(text);
      if (!m) continue;
      try {
        return JSON.parse(`"${m[1]}"`) as string;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
  const open = text.indexOf('<Encrypt>');
  if (open === -1) return undefined;
  const start = open + 9;
  const end = text.indexOf('</Encrypt>', start);
  if (end === -1) return undefined;
  const inner = text.slice(start, end).trim();
  if (inner.startsWith('<![CDATA[')) {
    return inner.endsWith(']]>') ? inner.slice(9, -3) : undefined;
  }
  return inner.includes('<') ? undefined : xmlText(inner);
}

/** Applies the field rules shared by both formats, recursively. */
function normalise(value: unknown, key?: string): unknown {
  if (key !== undefined && ARRAY_KEYS.has(key) && !Array.isArray(value)) {
    value = value === undefined || value === null || value === '' ? [] : [value];
  }
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // "__proto__" would replace the object's prototype on assignment: drop it.
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) if (k !== '__proto__') out[k] = normalise(obj[k], k);
    return out;
  }
  if (key !== undefined && (BIG_ID_KEYS.has(key) || STRING_KEYS.has(key)) && typeof value === 'number') {
    return String(value);
  }
  if (key !== undefined && NUMERIC_KEYS.has(key) && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n) || !Number.isInteger(n)) return n;
  }
  return value;
}

function cdata(s: string): string {
  // "]]>" cannot appear inside one CDATA section: split it across two.
  return `<![CDATA[${s.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

function xmlElement(name: string, value: unknown): string {
  if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw new PushParseError(`invalid XML element name: ${name}`);
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => xmlElement(name, v)).join('');
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => xmlElement(k, v))
      .join('')}</${name}>`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `<${name}>${String(value)}</${name}>`;
  }
  return `<${name}>${cdata(String(value))}</${name}>`;
}

/**
 * Serialises a message in WeChat's wire format: XML `<xml>` with CDATA strings and bare numbers,
 * arrays as repeated elements; or JSON with raw UTF-8 (CJK is never `\u`-escaped).
 */
export function serialisePush(message: Record<string, unknown>, format: PushFormat): string {
  if (format === 'json') return JSON.stringify(message);
  return xmlElement('xml', message);
}
