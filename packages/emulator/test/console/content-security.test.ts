// The console's Content security page in a real browser: checks with their verdicts, the
// wxa_media_check push once it is due, and a keyword rule added from the page.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { client } from '../helpers.js';
import { type ConsoleSession, skipWithoutChromium, startConsole } from './browser.js';

const OPENID = 'oConsoleSec00000000000000001';

describe('console: content security', { skip: skipWithoutChromium() }, () => {
  let s: ConsoleSession;
  let backend: Server;
  let token: string;
  before(async () => {
    // The app's push endpoint: answers `success` like a backend that accepted the push.
    backend = createServer((_req, res) => res.end('success'));
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/push`;
    s = await startConsole({
      apps: [{ name: 'UGC', push: { url, token: 'secpushtoken', mode: 'plain', format: 'json' } }],
    });
    s.emu.createUser({ openid: OPENID });
    s.emu.security.visit({ openid: OPENID });
    token = await client(s.emu).token();
  });
  after(async () => {
    await s.close();
    backend.closeAllConnections();
    await new Promise<void>((r) => backend.close(() => r()));
  });

  const call = (path: string, body: unknown) => client(s.emu).post(path, body, { query: { access_token: token } });

  it('lists a risky comment with its verdict and a clean one as pass', async () => {
    await call('/wxa/msg_sec_check', { content: '来赌博吧', version: 2, scene: 2, openid: OPENID });
    const page = await s.open('content-security');
    const checks = page.getByTestId('checks');
    await checks.getByText('来赌博吧').waitFor();
    await checks.getByText('risky · 20006').waitFor();
    await call('/wxa/msg_sec_check', { content: '拿铁很好喝', version: 2, scene: 2, openid: OPENID });
    await checks.getByText('拿铁很好喝').waitFor();
    await checks.getByText('pass · 100').waitFor();
    assert.deepEqual(s.pageErrors, []);
  });

  it('shows a media check pending, then its push delivered once the virtual clock reaches it', async () => {
    s.emu.security.addMedia({ url: 'https://cdn.example.com/a.png' });
    s.emu.security.addImageRule({ url: 'https://cdn.example.com/a.png', suggest: 'risky', label: 20002 });
    const r = await call('/wxa/media_check_async', {
      media_url: 'https://cdn.example.com/a.png',
      media_type: 2,
      version: 2,
      scene: 1,
      openid: OPENID,
    });
    const page = await s.open('content-security');
    const checks = page.getByTestId('checks');
    await checks.getByText(/^due /).waitFor();
    s.emu.clock.advance(5);
    await checks.getByText('pushed').waitFor();
    const pushes = page.getByTestId('media-pushes');
    await pushes.getByText(r.json.trace_id).waitFor();
    await pushes.getByText('delivered').waitFor();
    await pushes.getByText('risky · 20002').waitFor();
    assert.ok(!(await page.content()).includes('secpushtoken'));
    assert.deepEqual(s.pageErrors, []);
  });

  it('adds a keyword rule from the page; the next check hits it', async () => {
    const page = await s.open('content-security');
    await page.getByTestId('keyword-input').fill('竞品');
    await page.getByRole('button', { name: 'Add keyword' }).click();
    await page.getByTestId('rules').getByText('竞品').waitFor();
    const r = await call('/wxa/msg_sec_check', { content: '比竞品好', version: 2, scene: 2, openid: OPENID });
    assert.equal(r.json.result.suggest, 'risky');
    assert.equal(r.json.detail.find((d: { strategy: string }) => d.strategy === 'keyword').keyword, '竞品');
    assert.deepEqual(s.pageErrors, []);
  });
});
