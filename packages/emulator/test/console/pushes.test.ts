// The console's Pushes page in a real browser: a push the backend refuses shows as failed with the
// status and the decrypted payload; once the backend is fixed, Redeliver delivers it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ConsoleSession, skipWithoutChromium, startConsole, startPushEndpoint } from './browser.js';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

describe('console: pushes', { skip: skipWithoutChromium() }, () => {
  let s: ConsoleSession;
  let endpoint: Awaited<ReturnType<typeof startPushEndpoint>>;
  let healthy = false;
  before(async () => {
    s = await startConsole();
    // The backend's push endpoint: HTTP 500 until it is "fixed".
    endpoint = await startPushEndpoint(() =>
      healthy ? { status: 200, body: 'success' } : { status: 500, body: 'boom' },
    );
    s.emu.updateApp(s.emu.defaultApp.appid, {
      push: { url: endpoint.url, token: 'pushtoken', encodingAESKey: KEY, mode: 'safe', format: 'json' },
    });
    s.emu.push.configure({ retries: 1, timeoutMs: 2000 });
  });
  after(async () => {
    await endpoint.close();
    await s.close();
  });

  it('shows a failed push with its attempts and decrypted payload, then redelivers it', async () => {
    const page = await s.open('pushes');
    const table = page.getByTestId('deliveries');
    await table.getByText('No pushes yet', { exact: false }).waitFor();

    const user = s.emu.createUser({ nickname: 'Cy' });
    const failed = await s.emu.push.userMessage({ openid: user.openid, Content: 'refund please' });
    assert.equal(failed.status, 'failed');
    // Safe mode: what went over the wire is encrypted...
    assert.ok(endpoint.bodies.length === 2 && endpoint.bodies.every((b) => !b.includes('refund please')));

    const row = table.locator(`[data-delivery="${failed.id}"]`);
    await row.getByText('failed').waitFor();
    const cells = await row.locator('td').allInnerTexts();
    assert.match(cells[0] as string, /^text/);
    assert.equal(cells[3], '500'); // HTTP status of the last attempt
    assert.equal(cells[5], '1'); // one retry
    // ...and the console shows it decrypted, with both attempts.
    await row.click();
    const detail = table.getByTestId('delivery-detail');
    await detail.getByText('"refund please"', { exact: false }).waitFor();
    assert.equal(await detail.getByText('HTTP 500').count(), 2);
    assert.ok(!(await page.content()).includes(KEY));

    healthy = true;
    await row.getByTestId('redeliver').click();
    const again = table.getByTestId('delivery-row').filter({ hasText: `redelivery of ${failed.id}` });
    await again.getByText('delivered').waitFor();
    assert.equal((await again.locator('td').allInnerTexts())[3], '200');
    await page.locator('.toast-ok', { hasText: 'Redelivered as' }).waitFor();
    // The original stays failed: a redelivery is a new delivery.
    assert.match(await row.innerText(), /failed/);
    assert.equal(endpoint.bodies.length, 3);
    assert.deepEqual(s.pageErrors, []);
  });
});
