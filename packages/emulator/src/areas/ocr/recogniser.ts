/**
 * Real text recognition for the OCR area: one tesseract.js worker per emulator, created on first
 * use and terminated on close. Fully offline: the wasm core comes from `tesseract.js-core` and the
 * English model from `@tesseract.js-data/eng`, both in node_modules, and the worker thread runs
 * with `fetch` disabled so any attempt to download (a CDN fallback) fails loudly instead of hanging.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** One line of recognised text with its bounding box in image pixels. */
export interface RecognisedLine {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** 0–100. */
  confidence: number;
}

export interface RecogniserOptions {
  /**
   * Folder holding `eng.traineddata.gz`.
   * @default `@tesseract.js-data/eng/4.0.0_best_int` (the integer LSTM model: smaller and faster)
   */
  langPath?: string;
}

interface TesseractWorker {
  recognize(image: Buffer, options?: object, output?: object): Promise<{ data: any }>;
  terminate(): Promise<unknown>;
}

/** The default model folder, resolved inside node_modules. */
export function defaultLangPath(): string {
  return join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
}

/**
 * A worker script that disables `fetch` and then runs tesseract's own Node worker script.
 * Written once per process to the temp folder (a worker needs a file; the package ships none).
 */
function offlineWorkerPath(): string {
  const target = require.resolve('tesseract.js/src/worker-script/node/index.js');
  const dir = join(tmpdir(), 'miniapp-emulator-ocr');
  const file = join(dir, `offline-worker-${process.pid}.cjs`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    `'use strict';
globalThis.fetch = async (url) => {
  // tesseract leaves a failed worker thread running: end it once the error has been reported.
  setTimeout(() => process.exit(1), 200);
  throw new Error('miniapp emulator OCR runs offline: refusing to fetch ' + url);
};
require(${JSON.stringify(target)});
`,
  );
  return file;
}

let workerScript: string | undefined;

export class Recogniser {
  private worker?: Promise<TesseractWorker>;
  private closed = false;
  /** How long the last worker start took (ms), for diagnostics and the bench. */
  startupMs?: number;

  constructor(private readonly options: RecogniserOptions = {}) {}

  private async start(): Promise<TesseractWorker> {
    const started = performance.now();
    const { createWorker } = require('tesseract.js') as {
      createWorker(langs: string, oem: number, options: object): Promise<TesseractWorker>;
    };
    workerScript ??= offlineWorkerPath();
    const langPath = this.options.langPath ?? defaultLangPath();
    if (!/^[a-z][a-z0-9+.-]*:/i.test(langPath)) {
      // Fail before spawning a thread: tesseract cannot end a worker whose model failed to load.
      await access(join(langPath, 'eng.traineddata.gz')).catch(() => {
        throw new Error(`OCR model not found: ${join(langPath, 'eng.traineddata.gz')}`);
      });
    }
    // Without an errorHandler tesseract throws job failures from a message listener (an uncaught
    // exception that would kill the emulator); with one, a failed model load never settles
    // createWorker's promise, so the handler settles the start instead.
    let ready = false;
    let startFailed: (err: Error) => void = () => {};
    const failed = new Promise<never>((_, reject) => {
      startFailed = reject;
    });
    const worker = await Promise.race([
      createWorker('eng', 1 /* LSTM only */, {
        workerPath: workerScript,
        langPath,
        gzip: true,
        // Never write eng.traineddata into the current directory.
        cacheMethod: 'none',
        errorHandler: (err: unknown) => {
          if (!ready) startFailed(new Error(String(err)));
        },
      }),
      failed,
    ]);
    ready = true;
    this.startupMs = performance.now() - started;
    return worker;
  }

  private getWorker(): Promise<TesseractWorker> {
    if (this.closed) return Promise.reject(new Error('OCR recogniser is closed'));
    if (!this.worker) {
      this.worker = this.start();
      // A failed start is not cached: the next call tries again.
      this.worker.catch(() => {
        this.worker = undefined;
      });
    }
    return this.worker;
  }

  /** Lines of text in the image, top to bottom. Rejects on unreadable images. */
  async recognise(image: Buffer): Promise<RecognisedLine[]> {
    const worker = await this.getWorker();
    const { data } = await worker.recognize(image, {}, { blocks: true, text: true });
    const lines: RecognisedLine[] = [];
    for (const block of data.blocks ?? []) {
      for (const para of block.paragraphs ?? []) {
        for (const line of para.lines ?? []) {
          const text = String(line.text ?? '').trim();
          if (!text) continue;
          const { x0, y0, x1, y1 } = line.bbox;
          lines.push({ text, x0, y0, x1, y1, confidence: line.confidence ?? 0 });
        }
      }
    }
    return lines;
  }

  /** Whether a worker is running (or starting). */
  get started(): boolean {
    return this.worker !== undefined;
  }

  /** Terminates the worker, if one was started. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.then((x) => x.terminate()).catch(() => {});
  }
}
