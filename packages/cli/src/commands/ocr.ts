import type { OcrImageParams, OcrQuad } from '@miniapp-server/sdk';
import { CREDENTIAL_FLAGS, parse } from '../args.js';
import type { Command } from '../command.js';
import { clientFrom } from '../credentials.js';

/** CLI kind → SDK method, with the document each one reads (the path names are misleading). */
const KINDS = {
  bankcard: { method: 'bankcard', reads: '银行卡 bank card', type: true },
  'business-license': { method: 'businessLicense', reads: '营业执照 business licence', type: false },
  'driver-license': { method: 'driverLicense', reads: "驾驶证 driver's licence (/cv/ocr/drivinglicense)", type: false },
  idcard: { method: 'idcard', reads: '身份证 ID card', type: true },
  'printed-text': { method: 'printedText', reads: '通用印刷体 printed text', type: false },
  'vehicle-license': { method: 'vehicleLicense', reads: '行驶证 vehicle licence (/cv/ocr/driving)', type: true },
  'plate-number': { method: 'plateNumber', reads: '车牌 licence plate', type: false },
} as const;
type Kind = keyof typeof KINDS;

/** Accepts the kebab-case kind or the SDK's method name (`vehicleLicense`). */
function kindOf(name: string | undefined): Kind {
  const found = (Object.keys(KINDS) as Kind[]).find((k) => k === name || KINDS[k].method === name);
  if (!found) throw new Error(`unknown kind ${JSON.stringify(name ?? '')}: one of ${Object.keys(KINDS).join(', ')}`);
  return found;
}

const corners = (q: OcrQuad) => `(${q.left_top.x},${q.left_top.y})-(${q.right_bottom.x},${q.right_bottom.y})`;

/** A readable rendering of one value: positions as corner pairs, sizes as WxH. */
function show(value: unknown): string {
  const v = value as any;
  if (v && typeof v === 'object') {
    if (v.pos?.left_top) return corners(v.pos);
    if (v.left_top) return corners(v);
    if (typeof v.w === 'number' && typeof v.h === 'number') return `${v.w}x${v.h}`;
    return JSON.stringify(v);
  }
  return String(value);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c + ' '.repeat(widths[i] - [...c].length))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The result as a table: printed-text items one per row, everything else field by field. */
export function formatOcrResult(kind: Kind, result: Record<string, unknown>): string {
  const { errcode: _c, errmsg: _m, items, ...fields } = result;
  const out = [`ocr.${KINDS[kind].method} — ${KINDS[kind].reads}`];
  if (Array.isArray(items)) {
    out.push(
      items.length
        ? table([
            ['#', 'text', 'position'],
            ...items.map((it: any, i) => [String(i + 1), String(it.text), show(it.pos)]),
          ])
        : '(no text found)',
    );
  }
  const rows = Object.entries(fields).map(([k, v]) => [k, show(v)]);
  if (rows.length) out.push(table([['field', 'value'], ...rows]));
  return out.join('\n');
}

const command: Command = {
  help: `Usage: miniapp ocr <kind> <file-or-url> [--type photo|scan] [--json]

Recognises an image with WeChat OCR. <file-or-url> is a local image (uploaded as the multipart
part "img", < 2 MB) or an http(s) URL (sent as img_url; WeChat downloads it). --type is accepted
by bankcard, idcard and vehicle-license. --json prints the raw result.

Kinds:
${(Object.keys(KINDS) as Kind[]).map((k) => `  ${k.padEnd(17)} ${KINDS[k].reads}`).join('\n')}

Credentials: --appid/--secret/--base-url or MINIAPP_APPID, MINIAPP_SECRET, MINIAPP_BASE_URL.`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...CREDENTIAL_FLAGS,
      type: { type: 'string' },
      json: { type: 'boolean' },
    } as const);
    const kind = kindOf(positionals[0]);
    const source = positionals[1];
    if (!source) throw new Error('missing <file-or-url> (see miniapp ocr --help)');
    if (values.type !== undefined && !KINDS[kind].type) throw new Error(`--type is not accepted by ${kind}`);
    const image: OcrImageParams = /^https?:\/\//i.test(source) ? { img_url: source } : { img: { path: source } };
    const params = values.type !== undefined ? { ...image, type: values.type } : image;
    const app = clientFrom(values, io.env);
    try {
      const result = (await app.call(`ocr.${KINDS[kind].method}`, params)) as Record<string, unknown>;
      io.stdout.write(`${values.json ? JSON.stringify(result, null, 2) : formatOcrResult(kind, result)}\n`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
export default command;
