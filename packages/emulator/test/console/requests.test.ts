// The console's Requests page in a real browser: the live log, filtered by errcode and by API, and
// fault injection driven from the page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError, MiniApp } from '@miniapp-server/sdk';
import { type ConsoleSession, skipWithoutChromium, startConsole } from './browser.js';

describe('console: requests', { skip: skipWithoutChromium() }, () => {
  let s: ConsoleSession;
  let app: MiniApp;
  let tokenUrl: string;
  before(async () => {
    s = await startConsole();
    const { appid, secret } = s.emu.defaultApp;
    app = new MiniApp({ appId: appid, appSecret: secret, baseUrl: s.emu.url, maxRetries: 0 });
    tokenUrl = `${s.emu.url}/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=`;
  });
  after(async () => {
    await app.close();
    await s.close();
  });

  it('filters the log by errcode and by API; secrets are redacted', async () => {
    await fetch(`${tokenUrl}wrong`); // 40125
    await fetch(`${tokenUrl}wrong`);
    await fetch(`${tokenUrl}${s.emu.defaultApp.secret}`); // 0
    await app.wxacode.getUnlimited({ scene: 'x=1' }); // a token request + the code
    const page = await s.open('requests');
    const log = page.getByTestId('request-log');
    const rows = log.getByTestId('request-row');
    await log.getByTestId('request-count').getByText('5 request(s)').waitFor();

    await page.getByTestId('filter-errcode').selectOption('40125');
    await log.getByTestId('request-count').getByText('2 request(s)').waitFor();
    assert.deepEqual(await rows.getByTestId('request-errcode').allInnerTexts(), ['40125', '40125']);
    assert.match(page.url(), /errcode=40125/);

    // A new failure arrives live and matches the filter.
    await fetch(`${tokenUrl}wrong`);
    await log.getByTestId('request-count').getByText('3 request(s)').waitFor();

    await page.getByTestId('filter-errcode').selectOption('');
    await page.getByTestId('filter-api').selectOption('/wxa/getwxacodeunlimit');
    await log.getByTestId('request-count').getByText('1 request(s)').waitFor();
    // Open the row: the query shows, with the token redacted.
    await rows.first().click();
    const shown = await log.innerText();
    assert.match(shown, /"access_token": "\*\*\*"/);
    assert.ok(!(await page.content()).includes(s.emu.defaultApp.secret));
  });

  it('injects a fault from the page; the failing call shows with the fault id', async () => {
    const page = await s.open('requests');
    const faults = page.getByTestId('faults');
    await faults.getByTestId('fault-path').fill('/wxa/getwxacodeunlimit');
    await faults.getByTestId('fault-value').fill('45009');
    await faults.getByTestId('add-fault').click();
    const fault = faults.getByTestId('fault-row');
    await fault.getByText('errcode 45009').waitFor();
    await fault.getByText('fired 0×').waitFor();

    const err = await app.wxacode.getUnlimited({ scene: 'x=2' }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiError && err.errcode === 45009);
    // Count 1: it fired once and retired.
    await faults.getByText('No faults', { exact: false }).waitFor();
    await page.getByTestId('filter-errcode').selectOption('45009');
    const row = page.getByTestId('request-row');
    await row.getByText(/^fault /).waitFor();
    // The fault row is also in the unfiltered list: wait until the filtered answer has replaced it.
    await page
      .waitForFunction(() => document.querySelectorAll('[data-testid="request-row"]').length === 1, undefined, {
        timeout: 5000,
      })
      .catch(() => undefined);
    assert.equal(await row.count(), 1);
    assert.deepEqual(s.pageErrors, []);
  });
});
