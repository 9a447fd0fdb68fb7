// The console's Users page in a real browser: a user created in the console logs in through the SDK
// with the code the console issued; messages both ways and subscribe answers show up live.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MiniApp } from '@miniapp-server/sdk';
import { type ConsoleSession, skipWithoutChromium, startConsole, startPushEndpoint } from './browser.js';

describe('console: users', { skip: skipWithoutChromium() }, () => {
  let s: ConsoleSession;
  let app: MiniApp;
  let endpoint: Awaited<ReturnType<typeof startPushEndpoint>>;
  before(async () => {
    s = await startConsole();
    app = new MiniApp({ appId: s.emu.defaultApp.appid, appSecret: s.emu.defaultApp.secret, baseUrl: s.emu.url });
    // The backend's push endpoint (plain mode): answers "success".
    endpoint = await startPushEndpoint();
    s.emu.updateApp(s.emu.defaultApp.appid, {
      push: { url: endpoint.url, token: 'tok', mode: 'plain', format: 'xml' },
    });
  });
  after(async () => {
    await app.close();
    await endpoint.close();
    await s.close();
  });

  it('creates a user, issues a login code, and shows the SDK login live', async () => {
    const page = await s.open('users');
    await page.getByTestId('new-nickname').fill('Ann');
    await page.getByTestId('create-user').click();
    const profile = page.getByTestId('profile');
    await profile.getByText('User · Ann').waitFor();
    await profile.getByTestId('last-login').getByText('never logged in').waitFor();

    await page.getByTestId('new-login-code').click();
    const code = (await page.getByTestId('login-code').innerText()).trim();
    assert.match(code, /^\S{20,}$/);
    const session = await app.auth.code2Session({ js_code: code });
    const openid = await profile.locator('.copyable code').first().innerText();
    assert.equal(session.openid, openid);

    // No reload: the login arrives over the live feed.
    await profile.getByTestId('last-login').getByText('1 login(s)').waitFor();
    assert.match(await profile.getByTestId('last-login').innerText(), /2026-01-01 08:00:00/);
    // The session_key is never on the page.
    assert.ok(!(await page.content()).includes(session.session_key));

    await page.getByTestId('new-phone-code').click();
    const phoneCode = (await page.getByTestId('phone-code').innerText()).trim();
    const phone = await app.phonenumber.getPhoneNumber({ code: phoneCode, openid });
    assert.equal(phone.phone_info.purePhoneNumber, '13800138000');
    assert.deepEqual(s.pageErrors, []);
  });

  it('sends a message as the user (pushed to the app) and shows the reply and a subscribe notice as bubbles', async () => {
    const user = s.emu.createUser({ nickname: 'Bo' });
    const page = await s.open('users', { params: { openid: user.openid } });
    const inbox = page.getByTestId('inbox');
    await inbox.getByText('No messages yet', { exact: false }).waitFor();

    await page.getByTestId('user-message').fill('Where is my coffee?');
    await page.getByTestId('send-as-user').click();
    const mine = inbox.getByTestId('user-bubble');
    await mine.getByText('Where is my coffee?').waitFor();
    await mine.getByText('pushed to your server').waitFor();
    assert.ok(endpoint.bodies.some((b) => b.includes('Where is my coffee?')));

    // The backend answers within the 48-hour window; the bubble appears without a reload.
    await app.customerServiceMessage.send({ touser: user.openid, msgtype: 'text', text: { content: 'On its way!' } });
    await inbox.getByTestId('app-bubble').getByText('On its way!').waitFor();

    // A subscribe template: the user accepts it in the console, the backend sends, a service notification shows.
    const { priTmplId } = await app.subscribeMessage.addTemplate({
      tid: '99',
      kidList: [1, 2, 3],
      sceneDesc: 'orders',
    });
    const row = page.getByTestId('subscriptions').getByTestId('template-row').filter({ hasText: priTmplId });
    await row.getByText('not asked').waitFor();
    await row.getByRole('button', { name: 'Accept' }).click();
    await row.getByText('accepted').waitFor();
    await app.subscribeMessage.send({
      touser: user.openid,
      template_id: priTmplId,
      data: { thing1: { value: 'Latte' }, amount2: { value: '¥25.00' }, time3: { value: '2026-01-01 12:30' } },
    });
    const notice = inbox.getByTestId('service-notice');
    await notice.getByText('Latte').waitFor();
    assert.match(await notice.innerText(), /Service notification/);
    await row.getByText('0 send(s) left').waitFor();

    await row.getByRole('button', { name: 'Reject' }).click();
    await row.getByText('rejected').waitFor();
    assert.deepEqual(s.pageErrors, []);
  });
});
