import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  ApiError,
  type GetUnlimitedParams,
  type LineColor,
  type MiniApp,
  type WxacodeResult,
} from '@miniapp-server/sdk';
import { CREDENTIAL_FLAGS, parse } from '../args.js';
import type { Command, CommandIO } from '../command.js';
import { clientFrom } from '../credentials.js';
import { csvLine, csvRecords } from '../csv.js';
import { errorLine } from '../output.js';
import { Progress } from '../progress.js';
import { RateLimiter } from '../rate-limiter.js';

/** WeChat allows 5000 getUnlimited calls a minute; stay 4% under it (latency jitter, SDK retries). */
export const DEFAULT_RATE = 4800;
const DEFAULT_CONCURRENCY = 8;

const CODE_FLAGS = {
  page: { type: 'string' },
  width: { type: 'string' },
  'env-version': { type: 'string' },
  hyaline: { type: 'boolean' },
  'auto-color': { type: 'boolean' },
  'line-color': { type: 'string' },
  'no-check-path': { type: 'boolean' },
} as const;

const HELP = `Usage:
  miniapp qrcode --scene <scene> [--page <page>] -o <file.png>        one getUnlimited code
  miniapp qrcode --path <path?query> [--square] -o <file.png>         one wxacode.get code
                                                                       (--square: createQRCode)
  miniapp qrcode batch <scenes.csv> --out <dir> [--page <page>]       one getUnlimited code per row

Code options: --page pages/index/index (no leading /), --width 280-1280, --env-version
release|trial|develop, --hyaline (transparent), --line-color r,g,b or #rrggbb, --auto-color,
--no-check-path (allow unpublished pages).

Batch: the CSV needs a header row with a \`scene\` column; optional \`page\`, \`filename\` and
\`width\` columns override the flags per row. Files already in --out are skipped (resumable; --force
regenerates them). --concurrency N (default ${DEFAULT_CONCURRENCY}) calls in flight, --rate N calls per
minute (default ${DEFAULT_RATE}, under WeChat's 5000/min), --no-progress. Failed rows are listed at the
end and written to <dir>/failures.csv (which can be fed back as the next input); the exit code is 1
when any row failed.

Credentials: --appid/--secret/--base-url or MINIAPP_APPID, MINIAPP_SECRET, MINIAPP_BASE_URL.`;

function parseWidth(v: string | undefined, what: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`${what} must be an integer (280-1280)`);
  return n; // the SDK validates the range
}

function parseColor(v: string | undefined): LineColor | undefined {
  if (v === undefined) return undefined;
  const hex = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(v);
  if (hex) return { r: Number.parseInt(hex[1]!, 16), g: Number.parseInt(hex[2]!, 16), b: Number.parseInt(hex[3]!, 16) };
  const parts = v.split(',').map((x) => Number(x.trim()));
  if (parts.length === 3 && parts.every((x) => Number.isInteger(x)))
    return { r: parts[0]!, g: parts[1]!, b: parts[2]! };
  throw new Error('--line-color must be r,g,b (0-255 each) or #rrggbb');
}

/** Options shared by single and batch codes, from flags. */
function codeOptions(values: Record<string, unknown>): Omit<GetUnlimitedParams, 'scene'> {
  const o: Omit<GetUnlimitedParams, 'scene'> = {};
  if (values.page !== undefined) o.page = values.page as string;
  const width = parseWidth(values.width as string | undefined, '--width');
  if (width !== undefined) o.width = width;
  if (values['env-version'] !== undefined) o.env_version = values['env-version'] as GetUnlimitedParams['env_version'];
  if (values.hyaline) o.is_hyaline = true;
  if (values['auto-color']) o.auto_color = true;
  const color = parseColor(values['line-color'] as string | undefined);
  if (color) o.line_color = color;
  if (values['no-check-path']) o.check_path = false;
  return o;
}

/** Writes via a temporary file and a rename, so an interrupted run never leaves a half file that resuming would skip. */
async function writeAtomic(file: string, data: Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.partial`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/** Short error text for reports: `errcode 45009: …` for API errors (rid kept), else the message. */
function describe(err: unknown): { errcode: string; message: string } {
  if (err instanceof ApiError) return { errcode: String(err.errcode), message: err.errmsg };
  return { errcode: '', message: errorLine(err).replace(/^miniapp: /, '') };
}

/**
 * Default file name for a scene: the scene itself when it is a safe file name, otherwise the
 * safe characters plus a short hash (scenes may contain `/ : * ?`), so names are stable across
 * runs and resuming works.
 */
export function sceneFilename(scene: string): string {
  if (/^[0-9A-Za-z._=-]+$/.test(scene) && !scene.startsWith('.')) return `${scene}.png`;
  const safe = scene.replace(/[^0-9A-Za-z._=-]/g, '_').replace(/^\./, '_');
  return `${safe}-${createHash('sha1').update(scene).digest('hex').slice(0, 8)}.png`;
}

async function single(values: Record<string, unknown>, io: CommandIO): Promise<number> {
  const out = values.output as string | undefined;
  if (!out) throw new Error('missing -o <file.png> (see miniapp qrcode --help)');
  const scene = values.scene as string | undefined;
  const path = values.path as string | undefined;
  if ((scene === undefined) === (path === undefined))
    throw new Error('pass either --scene (getUnlimited) or --path (get / --square)');
  const opts = codeOptions(values);
  const app = clientFrom(values, io.env);
  try {
    let result: WxacodeResult;
    if (scene !== undefined) {
      result = await app.wxacode.getUnlimited({ ...opts, scene });
    } else if (values.square) {
      result = await app.wxacode.createQRCode({ path: path!, width: opts.width });
    } else {
      const { page: _page, check_path: _cp, ...round } = opts;
      if (_page !== undefined) throw new Error('--page is for --scene codes; put the page in --path');
      result = await app.wxacode.get({ ...round, path: path! });
    }
    await writeAtomic(out, result.data);
    const used = result.numUsed !== undefined ? `, ${result.numUsed} codes used of the 100,000 cap` : '';
    io.stdout.write(`wrote ${out} (${result.data.length} bytes, ${result.contentType}${used})\n`);
    return 0;
  } finally {
    await app.close();
  }
}

interface Job {
  line: number;
  scene: string;
  page?: string;
  width?: number;
  filename: string;
}

interface Failure {
  line: number;
  scene: string;
  page: string;
  filename: string;
  errcode: string;
  message: string;
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}

/** Turns CSV records into jobs; rows that cannot become a job are failures straight away. */
function plan(text: string, defaults: { page?: string; width?: number }): { jobs: Job[]; failures: Failure[] } {
  const { header, records } = csvRecords(text);
  if (!header.includes('scene')) throw new Error('the CSV needs a header row with a "scene" column');
  const jobs: Job[] = [];
  const failures: Failure[] = [];
  const seen = new Map<string, number>();
  for (const { line, values: v } of records) {
    const scene = v.scene ?? '';
    const page = v.page || defaults.page;
    let filename = v.filename || sceneFilename(scene);
    const fail = (message: string) => failures.push({ line, scene, page: page ?? '', filename, errcode: '', message });
    if (basename(filename) !== filename || filename === '..' || filename === '.') {
      fail('filename must be a plain file name (no directories)');
      continue;
    }
    if (!/\.[A-Za-z0-9]+$/.test(filename)) filename += '.png';
    const dup = seen.get(filename);
    if (dup !== undefined) {
      fail(`duplicate filename ${filename} (row ${dup})`);
      continue;
    }
    seen.set(filename, line);
    let width: number | undefined;
    try {
      width = v.width ? parseWidth(v.width, 'width') : defaults.width;
    } catch (e) {
      fail((e as Error).message);
      continue;
    }
    jobs.push({ line, scene, page, width, filename });
  }
  return { jobs, failures };
}

async function batch(csvPath: string | undefined, values: Record<string, unknown>, io: CommandIO): Promise<number> {
  if (!csvPath) throw new Error('missing <scenes.csv> (see miniapp qrcode --help)');
  const outDir = values.out as string | undefined;
  if (!outDir) throw new Error('missing --out <dir>');
  const concurrency = Number(values.concurrency ?? DEFAULT_CONCURRENCY);
  if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 256))
    throw new Error('--concurrency must be 1-256');
  const limiter = new RateLimiter(Number(values.rate ?? DEFAULT_RATE));
  const opts = codeOptions(values);
  const { jobs, failures } = plan(await readFile(csvPath, 'utf8'), { page: opts.page, width: opts.width });
  await mkdir(outDir, { recursive: true });

  const total = jobs.length + failures.length;
  const progress = values['no-progress'] ? undefined : new Progress({ total, stream: io.stderr, label: 'qrcode' });
  const counts = { done: 0, skipped: 0, failed: failures.length };
  for (const _ of failures) progress?.tick('failed');
  const started = performance.now();
  const app: MiniApp = clientFrom(values, io.env);

  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const file = join(outDir, job.filename);
      if (!values.force && (await exists(file))) {
        counts.skipped++;
        progress?.tick('skipped');
        continue;
      }
      try {
        await limiter.acquire();
        const params: GetUnlimitedParams = { ...opts, scene: job.scene };
        if (job.page !== undefined) params.page = job.page;
        if (job.width !== undefined) params.width = job.width;
        const result = await app.wxacode.getUnlimited(params);
        await writeAtomic(file, result.data);
        counts.done++;
        progress?.tick('done');
      } catch (err) {
        failures.push({
          line: job.line,
          scene: job.scene,
          page: job.page ?? '',
          filename: job.filename,
          ...describe(err),
        });
        counts.failed++;
        progress?.tick('failed');
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, jobs.length)) }, worker));
  } finally {
    progress?.finish();
    await app.close();
  }

  const seconds = (performance.now() - started) / 1000;
  const rate = seconds > 0 ? counts.done / seconds : 0;
  io.stdout.write(
    `generated ${counts.done}, skipped ${counts.skipped} (already present), failed ${counts.failed} of ${total} rows ` +
      `in ${seconds.toFixed(1)} s (${rate.toFixed(1)} codes/s, limit ${limiter.perMinute}/min)\n`,
  );
  const failuresFile = join(outDir, 'failures.csv');
  if (failures.length === 0) {
    await rm(failuresFile, { force: true }); // a stale list from an earlier run would mislead
    return 0;
  }
  failures.sort((a, b) => a.line - b.line);
  let csv = csvLine(['line', 'scene', 'page', 'filename', 'errcode', 'error']);
  for (const f of failures) csv += csvLine([f.line, f.scene, f.page, f.filename, f.errcode, f.message]);
  await writeFile(failuresFile, csv);
  const shown = failures.slice(0, 20);
  io.stderr.write(`${failures.length} row(s) failed (all in ${failuresFile}):\n`);
  for (const f of shown) {
    io.stderr.write(`  row ${f.line} scene=${f.scene}: ${f.errcode ? `errcode ${f.errcode}: ` : ''}${f.message}\n`);
  }
  if (failures.length > shown.length) io.stderr.write(`  … and ${failures.length - shown.length} more\n`);
  return 1;
}

const command: Command = {
  help: HELP,
  async run(argv, io) {
    if (argv[0] === 'batch') {
      const { values, positionals } = parse(argv.slice(1), {
        ...CREDENTIAL_FLAGS,
        ...CODE_FLAGS,
        out: { type: 'string' },
        concurrency: { type: 'string' },
        rate: { type: 'string' },
        force: { type: 'boolean' },
        'no-progress': { type: 'boolean' },
      });
      if (positionals.length > 1) throw new Error(`unexpected argument "${positionals[1]}"`);
      return batch(positionals[0], values, io);
    }
    const { values } = parse(
      argv,
      {
        ...CREDENTIAL_FLAGS,
        ...CODE_FLAGS,
        scene: { type: 'string' },
        path: { type: 'string' },
        square: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
      },
      false,
    );
    return single(values, io);
  },
};
export default command;
