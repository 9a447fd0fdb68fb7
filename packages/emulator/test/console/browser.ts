/**
 * Browser tests of the console: a real emulator, the console built from source, and Debian's
 * Chromium driven by playwright-core (never a downloaded browser). One browser per test file:
 *
 *   describe('console: users', { skip: skipWithoutChromium() }, () => {
 *     let s: ConsoleSession;
 *     before(async () => { s = await startConsole(); });
 *     after(() => s.close());
 *     it('…', async () => { const page = await s.open('users'); … });
 *   });
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from '@miniapp-server/emulator';
import { type Browser, type Locator, type Page, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

const PKG = fileURLToPath(new URL('../../', import.meta.url));
const UI_SRC = join(PKG, 'src/console/ui');
const BUNDLE = join(PKG, 'dist/console/app.js');

/**
 * `false` when Chromium is installed. Without it: a printed reason to skip on a developer
 * machine, and an error in CI (CI=true), where .ci/run installs it.
 */
export function skipWithoutChromium(): false | string {
  if (existsSync(CHROMIUM)) return false;
  const reason = `chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`;
  if (process.env.CI === 'true') throw new Error(`${reason}; the console browser tests must run in CI`);
  console.log(`SKIPPED console browser tests: ${reason}`);
  return reason;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/** Builds dist/console when it is missing or older than the UI source (`npm test` builds it anyway). */
export function ensureConsoleBuilt(): void {
  if (existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= newestMtime(UI_SRC)) return;
  execFileSync(process.execPath, [join(PKG, 'scripts/build-console.mjs'), '--quiet'], { stdio: 'inherit' });
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * A local HTTP endpoint standing in for the backend's push URL: records every request body and
 * answers with what `answer()` says (default HTTP 200 "success").
 */
export async function startPushEndpoint(
  answer: () => { status: number; body: string } = () => ({ status: 200, body: 'success' }),
) {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      bodies.push(body);
      const a = answer();
      res.statusCode = a.status;
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/push`;
  return { url, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Waits until the element's visible text matches (live data may pass through earlier states first); returns it. */
export async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await locator.innerText().catch(() => '');
    if (pattern.test(text)) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${pattern} in: ${text}`);
}

export interface ConsoleSession {
  emu: EmulatorHandle;
  browser: Browser;
  /** `http://127.0.0.1:<port>/__emulator/ui` */
  url: string;
  /**
   * A fresh tab (the previous one is closed) on `#/<pageId>`, in English unless `lang` says
   * otherwise, 1280×900 unless `viewport` says otherwise, in the Asia/Shanghai time zone.
   */
  open(
    pageId: string,
    options?: { params?: Record<string, string>; lang?: 'en' | 'zh'; viewport?: { width: number; height: number } },
  ): Promise<Page>;
  /** Uncaught errors and console.error lines of the pages opened so far. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

/** Starts an emulator (frozen clock unless `options.clock` says otherwise) and a browser. */
export async function startConsole(options: EmulatorOptions = {}): Promise<ConsoleSession> {
  ensureConsoleBuilt();
  const emu = await startEmulator({ clock: { start: 1_767_225_600, frozen: true }, ...options });
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await emu.close();
    throw err;
  }
  const url = `${emu.url}/__emulator/ui`;
  const pageErrors: string[] = [];
  let current: Page | undefined;
  return {
    emu,
    browser,
    url,
    pageErrors,
    async open(pageId, opts = {}) {
      await current?.context().close();
      const context = await browser.newContext({
        viewport: opts.viewport ?? { width: 1280, height: 900 },
        timezoneId: 'Asia/Shanghai',
        locale: opts.lang === 'zh' ? 'zh-CN' : 'en-US',
      });
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(String(err)));
      page.on('console', (msg) => {
        if (msg.type() === 'error') pageErrors.push(msg.text());
      });
      const q = new URLSearchParams(opts.params ?? {}).toString();
      await page.goto(`${url}?lang=${opts.lang ?? 'en'}#/${pageId}${q ? `?${q}` : ''}`);
      // The shell is up once the app list arrived and the live feed is connected.
      await page.locator('[data-testid="connection"].conn-live').waitFor({ state: 'attached' });
      current = page;
      return page;
    },
    async close() {
      await browser.close().catch(() => {});
      await emu.close();
    },
  };
}
