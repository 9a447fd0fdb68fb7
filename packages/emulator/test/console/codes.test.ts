// The console's Codes & links page in a real browser: a code generated through the SDK appears live
// as a loaded image with its page, scene and size; generated links are listed with their values.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MiniApp } from '@miniapp-server/sdk';
import { type ConsoleSession, skipWithoutChromium, startConsole } from './browser.js';

describe('console: codes & links', { skip: skipWithoutChromium() }, () => {
  let s: ConsoleSession;
  let app: MiniApp;
  before(async () => {
    s = await startConsole({ apps: [{ name: 'Cafe', pages: ['pages/index/index', 'pages/table/table'] }] });
    app = new MiniApp({ appId: s.emu.defaultApp.appid, appSecret: s.emu.defaultApp.secret, baseUrl: s.emu.url });
  });
  after(async () => {
    await app.close();
    await s.close();
  });

  it('shows a generated code as an image with its page, scene and width', async () => {
    const page = await s.open('codes');
    const codes = page.getByTestId('codes');
    await codes.getByText('No codes yet', { exact: false }).waitFor();

    await app.wxacode.getUnlimited({ scene: 'table=12', page: 'pages/table/table', width: 280, check_path: false });
    const tile = codes.getByTestId('code-tile').filter({ hasText: 'table=12' });
    await tile.waitFor();
    const text = await tile.innerText();
    assert.match(text, /getUnlimited/);
    assert.match(text, /pages\/table\/table/);
    assert.match(text, /280px/);
    // The image really loaded: a PNG of the requested width.
    const img = tile.getByTestId('code-image');
    await img.waitFor();
    await page.waitForFunction((el) => (el as HTMLImageElement).complete, await img.elementHandle());
    assert.equal(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth), 280);

    await app.wxacode.get({ path: 'pages/index/index?from=poster' });
    await codes.getByTestId('code-tile').filter({ hasText: 'pages/index/index?from=poster' }).waitFor();
    assert.equal(await codes.getByTestId('code-tile').count(), 2);
  });

  it('lists URL links and schemes with copyable values', async () => {
    const page = await s.open('codes');
    const { url_link } = await app.urllink.generate({
      path: 'pages/index/index',
      query: 'from=sms',
      expire_type: 1,
      expire_interval: 7,
    });
    const links = page.getByTestId('links');
    await links.getByText(url_link).waitFor();
    assert.match(await links.innerText(), /pages\/index\/index\?from=sms/);
    const { openlink } = await app.urlscheme.generate({ jump_wxa: { path: 'pages/index/index', query: 'a=1' } });
    await links.getByText(openlink).waitFor();
    assert.deepEqual(s.pageErrors, []);
  });
});
