// The console's OCR page in a real browser: drop an image to register a fixture, then a call through
// the SDK with that image gets the fixture's answer and shows with its image and result.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { renderTextPng } from '@miniapp-server/emulator';
import { MiniApp } from '@miniapp-server/sdk';
import { type ConsoleSession, skipWithoutChromium, startConsole } from './browser.js';

describe('console: ocr', { skip: skipWithoutChromium() }, () => {
  let s: ConsoleSession;
  let app: MiniApp;
  before(async () => {
    s = await startConsole();
    app = new MiniApp({ appId: s.emu.defaultApp.appid, appSecret: s.emu.defaultApp.secret, baseUrl: s.emu.url });
  });
  after(async () => {
    await app.close();
    await s.close();
  });

  it('registers a fixture from a dropped image; the call shows its image and the fixture answer', async () => {
    const png = renderTextPng('CARD 42');
    const page = await s.open('ocr');
    await page.getByTestId('ocr-calls').getByText('No OCR calls yet', { exact: false }).waitFor();

    const dataTransfer = await page.evaluateHandle((b64) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'card.png', { type: 'image/png' }));
      return dt;
    }, png.toString('base64'));
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
    await page.getByTestId('dropzone').getByText('card.png', { exact: false }).waitFor();
    await page.getByTestId('fixture-kind').selectOption('bankcard');
    await page.getByTestId('fixture-result').fill('{ "number": "6217000010001234567" }');
    await page.getByTestId('add-fixture').click();
    await page.getByTestId('fixtures').getByTestId('fixture-row').getByText('6217000010001234567').waitFor();

    const answer = await app.ocr.bankcard({ img: png });
    assert.equal(answer.number, '6217000010001234567');

    const call = page.getByTestId('ocr-call').first();
    await call.getByText('fixture').waitFor();
    assert.match(await call.innerText(), /6217000010001234567/);
    const img = call.getByTestId('ocr-image');
    await img.waitFor();
    await page.waitForFunction((el) => (el as HTMLImageElement).complete, await img.elementHandle());
    // The image shown is the one the backend sent.
    const size = await img.evaluate((el) => [
      (el as HTMLImageElement).naturalWidth,
      (el as HTMLImageElement).naturalHeight,
    ]);
    assert.deepEqual(size, [png.readUInt32BE(16), png.readUInt32BE(20)]);
    assert.deepEqual(s.pageErrors, []);
  });
});
