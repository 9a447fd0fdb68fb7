#!/usr/bin/env node
// `npm run screenshots`: seeds an emulator with the demo's steps (examples/demo-steps.mjs: every API
// family, so every console page has something to show) plus a failed-and-redelivered push and an
// injected fault, then photographs each console page with Debian's chromium into docs/console/.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { renderTextPng, startEmulator } from '@miniapp-server/emulator';
import { MiniApp } from '@miniapp-server/sdk';
import { chromium } from 'playwright-core';
import { steps } from '../examples/demo-steps.mjs';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'docs/console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// A fixed virtual time so the pictures do not change from run to run more than they must.
const emu = await startEmulator({ clock: { start: Date.UTC(2026, 10, 24, 4, 30) / 1000, frozen: true } });
const { appid, secret } = emu.defaultApp;
const app = new MiniApp({ appId: appid, appSecret: secret, baseUrl: emu.url });
const ctx = { emu, app, state: {} };
const quiet = console.log;
console.log = () => {}; // the steps' receivers log what they get
try {
  for (const [title, run] of steps) {
    try {
      await run(ctx);
    } catch (err) {
      console.error(`seed step failed: ${title}: ${err.message}`);
    }
  }
} finally {
  console.log = quiet;
}

// A push that fails (nothing listens on port 9), then the same push redelivered once the URL is fixed.
const push = emu.getApp(appid).push;
emu.push.configure({ timeoutMs: 500, retries: 1 });
emu.updateApp(appid, { push: { ...push, url: 'http://127.0.0.1:9/wechat/push' } });
const failed = await emu.push.userMessage({ openid: ctx.state.user.openid, Content: '能开发票吗？' });
emu.updateApp(appid, { push });
await emu.push.redeliver(failed.id);
// An injected fault, fired once.
emu.addFault({ path: '/wxa/getwxacodeunlimit', kind: 'errcode', errcode: 45009, count: 1 });
await app.wxacode.getUnlimited({ scene: 'table=13' }).catch(() => {});
await app.wxacode.getUnlimited({ scene: 'table=13', page: 'pages/index/index', width: 280 });
// An ID card answered by a registered fixture.
const card = renderTextPng('ID 110101199003071234');
emu.ocr.addFixture({
  kind: 'idcard',
  image: card,
  result: {
    type: 'Front',
    name: '张三',
    id: '110101199003071234',
    gender: '男',
    nationality: '汉',
    addr: '北京市东城区',
  },
});
await app.ocr.idcard({ img: card, type: 'photo' });
emu.addFault({ path: '/cv/ocr/*', kind: 'latency', ms: 200 });

/** Each page to photograph; `prepare` may click before the picture. */
const shots = [
  { page: 'overview', file: 'overview.png' },
  { page: 'users', file: 'users.png', params: { openid: ctx.state.user.openid } },
  { page: 'codes', file: 'codes.png' },
  { page: 'ocr', file: 'ocr.png' },
  {
    page: 'pushes',
    file: 'pushes.png',
    prepare: (page) => page.getByTestId('delivery-row').first().click(),
    ready: '[data-testid="delivery-detail"]',
  },
  {
    page: 'intracity',
    file: 'intracity.png',
    prepare: (page) => page.getByTestId('order-row').first().click(),
    ready: '[data-testid="order-detail"]',
  },
  { page: 'deliveries', file: 'deliveries.png', ready: '[data-testid="route-plot"]' },
  { page: 'parcels', file: 'parcels.png', ready: '[data-testid="timeline"]' },
  { page: 'content-security', file: 'content-security.png' },
  { page: 'order-shipping', file: 'order-shipping.png', ready: '[data-testid="timeline"]' },
  { page: 'requests', file: 'requests.png' },
  { page: 'users', file: 'users-zh.png', lang: 'zh', params: { openid: ctx.state.user.openid } },
  { page: 'overview', file: 'overview-mobile.png', viewport: { width: 390, height: 844 } },
];

await mkdir(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  for (const shot of shots) {
    const context = await browser.newContext({
      viewport: shot.viewport ?? { width: 1280, height: 800 },
      deviceScaleFactor: 1,
      timezoneId: 'Asia/Shanghai',
      locale: shot.lang === 'zh' ? 'zh-CN' : 'en-US',
    });
    const page = await context.newPage();
    const q = new URLSearchParams(shot.params ?? {}).toString();
    await page.goto(`${emu.url}/__emulator/ui?lang=${shot.lang ?? 'en'}#/${shot.page}${q ? `?${q}` : ''}`);
    await page.locator('[data-testid="connection"].conn-live').waitFor({ state: 'attached' });
    await page.locator('.card').first().waitFor();
    if (shot.prepare) await shot.prepare(page);
    if (shot.ready) await page.locator(shot.ready).first().waitFor();
    // Data and images arrive right after the first paint.
    await page.waitForTimeout(600);
    await page.evaluate(() => Promise.all([...document.images].map((i) => i.decode().catch(() => {}))));
    await page.screenshot({ path: join(out, shot.file), fullPage: true });
    await context.close();
    console.log(`docs/console/${shot.file}`);
  }
} finally {
  await browser.close();
  await app.close();
  await ctx.state.receiver?.close();
  await emu.close();
}
