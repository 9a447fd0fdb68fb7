// The console's Overview in a real browser: apps with masked secrets, the clock controls, calls per API
// arriving live, and the language switch.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ConsoleSession, skipWithoutChromium, startConsole, waitForText } from './browser.js';

/** What the console shows for a virtual time (the test browser runs in Asia/Shanghai). */
const beijing = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);

describe('console: overview', { skip: skipWithoutChromium() }, () => {
  let s: ConsoleSession;
  before(async () => {
    s = await startConsole({
      apps: [
        {
          name: 'Coffee Shop',
          push: {
            url: 'http://127.0.0.1:9/wx',
            token: 'pushtoken1',
            mode: 'safe',
            format: 'json',
            encodingAESKey: 'k'.repeat(43),
          },
        },
      ],
    });
  });
  after(() => s.close());

  it('shows the app config with every secret masked', async () => {
    const page = await s.open('overview');
    const apps = page.getByTestId('apps');
    await apps.getByText('Coffee Shop').waitFor();
    const text = await apps.innerText();
    assert.match(text, /safe/);
    assert.match(text, /http:\/\/127\.0\.0\.1:9\/wx/);
    const app = s.emu.defaultApp;
    for (const secret of [app.secret, 'pushtoken1', 'k'.repeat(43)])
      assert.ok(!(await page.content()).includes(secret));
    assert.deepEqual(s.pageErrors, []);
  });

  it('advances the virtual clock by a day and an hour', async () => {
    const page = await s.open('overview');
    const time = page.getByTestId('clock-time');
    const start = s.emu.clock.nowMs();
    await time.filter({ hasText: beijing(start) }).waitFor();
    await page.getByRole('button', { name: '+1 day' }).click();
    await time.filter({ hasText: beijing(start + 86_400_000) }).waitFor();
    await page.getByRole('button', { name: '+1 h' }).click();
    await time.filter({ hasText: beijing(start + 90_000_000) }).waitFor();
    assert.equal(s.emu.clock.nowMs(), start + 90_000_000);
  });

  it('counts calls per API and errcodes live, without a reload', async () => {
    const page = await s.open('overview');
    await page.getByTestId('calls-per-api').getByText('No API calls yet', { exact: false }).waitFor();
    const { appid } = s.emu.defaultApp;
    await fetch(`${s.emu.url}/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=wrong`);
    await fetch(`${s.emu.url}/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=wrong`);
    const row = page.getByTestId('calls-per-api').getByRole('row', { name: /\/cgi-bin\/token/ });
    await waitForText(row, /\/cgi-bin\/token\s+2\s+2/); // 2 calls, 2 errors
    await page.getByTestId('errcodes').getByText('40125').waitFor();
  });

  it("lists the app's access tokens without their values, and invalidates them", async () => {
    const page = await s.open('overview');
    const tokens = page.getByTestId('tokens');
    await tokens.getByText('No access token issued yet.').waitFor();
    const { appid, secret } = s.emu.defaultApp;
    const before = s.emu.tokenRequestCount(appid); // earlier tests asked with a wrong secret
    const body = JSON.stringify({ grant_type: 'client_credential', appid, secret });
    const token = (await (await fetch(`${s.emu.url}/cgi-bin/stable_token`, { method: 'POST', body })).json())
      .access_token;
    const row = tokens.getByTestId('token-row');
    await row.getByText('live').waitFor();
    assert.match(await row.innerText(), /stable/);
    await waitForText(tokens.getByTestId('token-requests'), new RegExp(`: ${before + 1}$`));
    assert.ok(!(await page.content()).includes(token));

    await page.getByTestId('invalidate-tokens').click();
    await row.getByText('revoked').waitFor();
    await page.locator('.toast-ok', { hasText: '1 token(s) invalidated' }).waitFor();
    const answer = await (await fetch(`${s.emu.url}/wxa/getpaidunionid?access_token=${token}&openid=x`)).json();
    assert.equal(answer.errcode, 40001);
  });

  it('switches the labels to Chinese', async () => {
    const page = await s.open('overview');
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: '概览' }).waitFor();
    await page.getByText('虚拟时钟').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  });
});
