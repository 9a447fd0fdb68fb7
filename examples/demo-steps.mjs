// The demo's steps, one per API family. Each step gets { emu, app, state } and returns what to print.
import { createCipheriv } from 'node:crypto';

/** @type {Array<[string, (ctx: any) => Promise<unknown>]>} */
export const steps = [
  [
    'the emulator creates a user and a wx.login code',
    async ({ emu, state }) => {
      state.user = emu.createUser({ unionid: 'oUnionDemo0000000000000001', nickname: 'Demo' });
      state.code = emu.createLoginCode({ openid: state.user.openid }).code;
      return { openid: state.user.openid, code: state.code };
    },
  ],
  [
    'auth.code2Session: the backend logs the user in',
    async ({ app, state }) => {
      const r = await app.auth.code2Session({ js_code: state.code });
      state.session_key = r.session_key;
      return r;
    },
  ],
  [
    'app.accessToken(): one stable token for 20 concurrent callers',
    async ({ app, emu }) => {
      const tokens = await Promise.all(Array.from({ length: 20 }, () => app.accessToken()));
      return { distinct_tokens: new Set(tokens).size, token_requests: emu.tokenRequestCount() };
    },
  ],
  [
    'auth.checkSessionKey (HMAC signature computed by the SDK)',
    async ({ app, state }) => app.auth.checkSessionKey({ openid: state.user.openid, session_key: state.session_key }),
  ],
  [
    'auth.resetUserSessionKey',
    async ({ app, state }) => {
      const r = await app.auth.resetUserSessionKey({ openid: state.user.openid, session_key: state.session_key });
      state.session_key = r.session_key;
      return r;
    },
  ],
  [
    'auth.getPaidUnionId after a payment recorded in the emulator',
    async ({ app, emu, state }) => {
      emu.recordPayment({ openid: state.user.openid, transaction_id: '4200000000202611240001' });
      return app.auth.getPaidUnionId({ openid: state.user.openid, transaction_id: '4200000000202611240001' });
    },
  ],
  [
    'phonenumber.getPhoneNumber',
    async ({ app, emu }) => {
      const { code } = emu.createPhoneCode({ phoneNumber: '13800138000' });
      return (await app.phonenumber.getPhoneNumber({ code })).phone_info;
    },
  ],
  [
    'app.decryptData: open data encrypted with the session_key',
    async ({ app, state }) => {
      const iv = Buffer.alloc(16, 7);
      const c = createCipheriv('aes-128-cbc', Buffer.from(state.session_key, 'base64'), iv);
      const plain = JSON.stringify({ nickName: 'Demo', watermark: { appid: app.appId, timestamp: 1764000000 } });
      const encryptedData = Buffer.concat([c.update(plain), c.final()]).toString('base64');
      return app.decryptData({ sessionKey: state.session_key, encryptedData, iv: iv.toString('base64') });
    },
  ],
  [
    'a 40001 storm: every token invalidated, 50 calls → one refresh, all succeed',
    async ({ app, emu, state }) => {
      const before = emu.tokenRequestCount();
      emu.invalidateTokens();
      const r = await Promise.all(
        Array.from({ length: 50 }, () =>
          app.auth.checkSessionKey({ openid: state.user.openid, session_key: state.session_key }),
        ),
      );
      return { succeeded: r.length, token_requests: emu.tokenRequestCount() - before };
    },
  ],
];
