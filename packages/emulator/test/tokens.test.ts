import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import { RID, T0, client, start } from './helpers.js';

let emu: EmulatorHandle;
let c: ReturnType<typeof client>;
before(async () => {
  emu = await start();
  c = client(emu);
});
after(() => emu.close());
beforeEach(() => {
  emu.reset();
  emu.setClock(T0);
});

/** errcode of a token-authenticated call. */
async function use(token: string | undefined): Promise<number> {
  const r = await c.get('/wxa/checksession', {
    access_token: token,
    openid: 'nobody',
    sig_method: 'hmac_sha256',
    signature: 'x',
  });
  // 40003 = the token passed and the handler ran.
  return r.json.errcode === 40003 ? 0 : r.json.errcode;
}

describe('GET /cgi-bin/token (classic)', () => {
  it('issues a bare {access_token, expires_in: 7200} with the real content type', async () => {
    const r = await c.classicToken();
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'application/json; encoding=utf-8');
    assert.deepEqual(Object.keys(r.json).sort(), ['access_token', 'expires_in']);
    assert.equal(r.json.expires_in, 7200);
    assert.ok(r.json.access_token.length >= 100);
  });

  it('issues a new token per call; the previous one works 5 more minutes, then 40001', async () => {
    const a = (await c.classicToken()).json.access_token;
    const b = (await c.classicToken()).json.access_token;
    assert.notEqual(a, b);
    assert.equal(await use(a), 0);
    emu.advanceClock(299);
    assert.equal(await use(a), 0);
    emu.advanceClock(1);
    assert.equal(await use(a), 40001);
    assert.equal(await use(b), 0);
  });

  it('expires after 7200 s with 42001', async () => {
    const a = (await c.classicToken()).json.access_token;
    emu.advanceClock(7199);
    assert.equal(await use(a), 0);
    emu.advanceClock(1);
    assert.equal(await use(a), 42001);
  });

  it('checks grant_type (40002), appid (41002/40013) and secret (41004/40125)', async () => {
    const { appid, secret } = emu.defaultApp;
    const cases: [Record<string, string | undefined>, number][] = [
      [{ grant_type: 'authorization_code', appid, secret }, 40002],
      [{ appid, secret }, 40002],
      [{ grant_type: 'client_credential', secret }, 41002],
      [{ grant_type: 'client_credential', appid: 'wxffffffffffffffff', secret }, 40013],
      [{ grant_type: 'client_credential', appid }, 41004],
      [{ grant_type: 'client_credential', appid, secret: 'wrong' }, 40125],
    ];
    for (const [query, code] of cases) {
      const r = await c.get('/cgi-bin/token', query);
      assert.equal(r.status, 200);
      assert.equal(r.json.errcode, code, JSON.stringify(query));
      assert.match(r.json.errmsg, RID);
      assert.ok(!r.text.includes(secret), 'the secret never appears in an answer');
    }
  });

  it('answers 45009 after 2000 calls a day and resets at Beijing midnight', async () => {
    emu.setClock(Date.UTC(2024, 0, 1, 15, 0, 0) / 1000); // 23:00 in Beijing
    const statuses = new Map<number, number>();
    for (let i = 0; i < 20; i++) {
      const batch = await Promise.all(Array.from({ length: 100 }, () => c.classicToken()));
      for (const r of batch) statuses.set(r.json.errcode ?? 0, (statuses.get(r.json.errcode ?? 0) ?? 0) + 1);
    }
    assert.deepEqual([...statuses], [[0, 2000]]);
    const over = await c.classicToken();
    assert.equal(over.json.errcode, 45009);
    emu.advanceClock(3600); // midnight in Beijing
    assert.equal((await c.classicToken()).json.errcode, undefined);
  });

  it('requires GET (43001 on POST)', async () => {
    const r = await c.post('/cgi-bin/token', {});
    assert.equal(r.json.errcode, 43001);
  });
});

describe('POST /cgi-bin/stable_token', () => {
  it('returns the same token while valid, with the remaining lifetime', async () => {
    const a = await c.stableToken();
    assert.equal(a.json.expires_in, 7200);
    emu.advanceClock(1000);
    const b = await c.stableToken();
    assert.equal(b.json.access_token, a.json.access_token);
    assert.equal(b.json.expires_in, 6200);
  });

  it('renews in the last 5 minutes; old and new both work; expires_in is always >= 300', async () => {
    const a = (await c.stableToken()).json;
    emu.advanceClock(7200 - 301);
    const same = (await c.stableToken()).json;
    assert.equal(same.access_token, a.access_token);
    assert.equal(same.expires_in, 301);
    emu.advanceClock(1);
    const b = (await c.stableToken()).json;
    assert.notEqual(b.access_token, a.access_token);
    assert.equal(b.expires_in, 7200);
    assert.equal(await use(a.access_token), 0);
    assert.equal(await use(b.access_token), 0);
    emu.advanceClock(300);
    assert.equal(await use(a.access_token), 42001);
    assert.equal(await use(b.access_token), 0);
  });

  it('force_refresh revokes the old token (40001) and issues a new one', async () => {
    const a = (await c.stableToken()).json.access_token;
    const b = (await c.stableToken({ force_refresh: true })).json.access_token;
    assert.notEqual(a, b);
    assert.equal(await use(a), 40001);
    assert.equal(await use(b), 0);
  });

  it('a force within 30 s of the last force returns the current token without refreshing', async () => {
    const a = (await c.stableToken({ force_refresh: true })).json.access_token;
    emu.advanceClock(29);
    const b = (await c.stableToken({ force_refresh: true })).json;
    assert.equal(b.access_token, a);
    assert.equal(b.expires_in, 7200 - 29);
    emu.advanceClock(1);
    const d = (await c.stableToken({ force_refresh: true })).json.access_token;
    assert.notEqual(d, a);
  });

  it('allows 20 forced refreshes a day, then 45009', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await c.stableToken({ force_refresh: true });
      assert.ok(r.json.access_token, `force #${i + 1}`);
      emu.advanceClock(30);
    }
    const r = await c.stableToken({ force_refresh: true });
    assert.equal(r.json.errcode, 45009);
    assert.ok((await c.stableToken()).json.access_token, 'plain calls still work');
  });

  it('is isolated from classic tokens, and both kinds are accepted by business APIs', async () => {
    const s = (await c.stableToken()).json.access_token;
    const k1 = (await c.classicToken()).json.access_token;
    await c.classicToken();
    emu.advanceClock(301);
    assert.equal(await use(k1), 40001);
    assert.equal(await use(s), 0);
    assert.equal((await c.stableToken()).json.access_token, s);
    const s2 = (await c.stableToken({ force_refresh: true })).json.access_token;
    assert.equal(await use(s2), 0);
    const k3 = (await c.classicToken()).json.access_token;
    assert.equal(await use(k3), 0);
  });

  it('takes JSON only: a form body or malformed JSON answers 41002', async () => {
    const { appid, secret } = emu.defaultApp;
    const form = await c.post('/cgi-bin/stable_token', `grant_type=client_credential&appid=${appid}&secret=${secret}`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.json.errcode, 41002);
    assert.equal((await c.post('/cgi-bin/stable_token', '{"appid":')).json.errcode, 41002);
    assert.equal((await c.get('/cgi-bin/stable_token')).json.errcode, 43002);
  });

  it('checks grant_type, appid and secret', async () => {
    assert.equal((await c.stableToken({ grant_type: 'x' })).json.errcode, 40002);
    assert.equal((await c.stableToken({ appid: 'wxffffffffffffffff' })).json.errcode, 40013);
    assert.equal((await c.stableToken({ secret: 'bad' })).json.errcode, 40125);
    assert.equal((await c.stableToken({ secret: undefined })).json.errcode, 41004);
  });
});

describe('token checks on business endpoints', () => {
  it('41001 missing, 40001 unknown', async () => {
    assert.equal(await use(undefined), 41001);
    assert.equal(await use('not-a-token'), 40001);
  });

  it('invalidateTokens revokes every live token of the app', async () => {
    const k = (await c.classicToken()).json.access_token;
    const s = (await c.stableToken()).json.access_token;
    const r = await c.admin('POST', `apps/${emu.defaultApp.appid}/invalidate-tokens`);
    assert.deepEqual(r.json, { invalidated: 2 });
    assert.equal(await use(k), 40001);
    assert.equal(await use(s), 40001);
    const s2 = (await c.stableToken()).json.access_token;
    assert.notEqual(s2, s, 'a revoked stable token is replaced by a plain call');
  });

  it('counts token requests per appid', async () => {
    emu.clearRequests();
    await c.classicToken();
    await c.stableToken();
    await c.get('/cgi-bin/token', { grant_type: 'client_credential', appid: 'wxother', secret: 'x' });
    assert.equal(emu.tokenRequestCount(emu.defaultApp.appid), 2);
    assert.equal(emu.tokenRequestCount(), 3);
    const r = await c.admin('GET', `token-requests?appid=${emu.defaultApp.appid}`);
    assert.deepEqual(r.json, { count: 2 });
    assert.equal(emu.requests({ path: '/cgi-bin/*' }).length, 3);
  });
});
