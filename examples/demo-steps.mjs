// The demo's steps, one per API family. Each step gets { emu, app, state } and returns what to print.
import { createCipheriv } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTextPng } from '@miniapp-server/emulator';
import { logisticsSteps } from './demo-logistics.mjs';
import { securitySteps } from './demo-security.mjs';
import { deliverySteps } from './demo-immediate-delivery.mjs';
import { startPushReceiver } from './push-receiver.mjs';
import { intracitySteps } from './demo-intracity.mjs';

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
    'push: the backend receives a user message (safe mode, JSON) and replies',
    async ({ app, emu, state }) => {
      const push = { token: 'demo-push-token', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };
      const receiver = await startPushReceiver({
        ...push,
        appId: app.appId,
        now: () => emu.clock.nowMs(),
        log: () => {},
      });
      state.receiver = receiver;
      emu.updateApp(app.appId, { push: { url: receiver.url, ...push, mode: 'safe', format: 'json' } });
      const d = await emu.push.userMessage({ openid: state.user.openid, Content: '你好，我的订单到哪了？' });
      return {
        delivery: d.status,
        attempts: d.attempts.length,
        received: receiver.received[0]?.Content,
        reply: d.reply?.message,
      };
    },
  ],
  [
    'customerServiceMessage: one message of each kind (text, image, link, miniprogrampage)',
    async ({ app, state }) => {
      const png = renderTextPng('HELLO');
      const { media_id } = await app.customerServiceMessage.uploadTempMedia({ media: png });
      const touser = state.user.openid;
      await app.customerServiceMessage.setTyping({ touser, command: 'Typing' });
      await app.customerServiceMessage.send({ touser, msgtype: 'text', text: { content: '在的！包裹已发出' } });
      await app.customerServiceMessage.send({ touser, msgtype: 'image', image: { media_id } });
      await app.customerServiceMessage.send({
        touser,
        msgtype: 'link',
        link: {
          title: '订单详情',
          description: '点击查看',
          url: 'https://example.com/order/1',
          thumb_url: 'https://example.com/t.png',
        },
      });
      await app.customerServiceMessage.send({
        touser,
        msgtype: 'miniprogrampage',
        miniprogrampage: { title: '查看订单', pagepath: 'pages/index/index', thumb_media_id: media_id },
      });
      return { media_id };
    },
  ],
  [
    'subscribeMessage: add a template, the user accepts it, send (msgid as a string)',
    async ({ app, emu, state }) => {
      const { priTmplId } = await app.subscribeMessage.addTemplate({
        tid: '99',
        kidList: [1, 2, 3],
        sceneDesc: '下单通知',
      });
      await emu.messages.subscribe({ openid: state.user.openid, accept: [priTmplId] });
      return app.subscribeMessage.send({
        touser: state.user.openid,
        template_id: priTmplId,
        data: { thing1: { value: '拿铁咖啡' }, amount2: { value: '¥25.00' }, time3: { value: '2026年11月24日 12:30' } },
      });
    },
  ],
  [
    "the user's inbox in the emulator",
    async ({ emu, state }) =>
      emu.messages
        .inbox({ openid: state.user.openid })
        .map((m) => `${m.kind ?? m.type ?? m.api}: ${JSON.stringify(m.payload ?? m.body ?? m).slice(0, 90)}`)
        .join('\n'),
  ],
  [
    'wxacode.getUnlimited: a mini-program code written to disk',
    async ({ app }) => {
      const { data, contentType } = await app.wxacode.getUnlimited({ scene: 'table=12', page: 'pages/index/index' });
      const dir = join(tmpdir(), 'miniapp-demo');
      await mkdir(dir, { recursive: true });
      const file = join(dir, 'table-12.png');
      await writeFile(file, data);
      return { file, contentType, bytes: data.length };
    },
  ],
  [
    'urllink.generate + urllink.query',
    async ({ app }) => {
      const { url_link } = await app.urllink.generate({
        path: 'pages/index/index',
        query: 'from=demo',
        expire_type: 1,
        expire_interval: 7,
      });
      const info = await app.urllink.query({ url_link });
      return { url_link, path: info.url_link_info?.path };
    },
  ],
  [
    'ocr.bankcard: real text recognition (offline tesseract) on a generated card image',
    async ({ app }) => app.ocr.bankcard({ img: renderTextPng('6222 0212 3456 7890') }),
  ],
  [
    'ocr.printedText on a generated two-line image',
    async ({ app }) => {
      const r = await app.ocr.printedText({ img: renderTextPng('INVOICE NO 12345\nTOTAL 99.50') });
      return r.items.map((i) => i.text).join(' | ');
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
  ...logisticsSteps,
  ...securitySteps,
  ...deliverySteps,
  ...intracitySteps,
];
