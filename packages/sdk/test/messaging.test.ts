// Messaging through the public client (MiniApp) against the emulator: every endpoint, success and
// each documented error, the 48 h window and subscription acceptance on the virtual clock,
// multipart upload + download of a real image, and validation errors that send nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
import { MiniApp, ValidationError } from '@miniapp-server/sdk';
import { PNG } from 'pngjs';
import { apiError } from './helpers/errors.js';

let emu: EmulatorHandle;
let app: MiniApp;
let dir: string;
let png: Buffer;
let pngPath: string;
const OPENID = 'oMsgUser000000000000000000A';
const OA = { appid: 'wxfeedfacecafe0001', template: 'oaTmplOrderStatus000000000000000000000001' };

/** A real 8×6 PNG with varied pixels. */
function makePng(): Buffer {
  const img = new PNG({ width: 8, height: 6 });
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 37) % 256;
  return PNG.sync.write(img);
}

before(async () => {
  emu = await startEmulator({ port: 0, clock: { start: 1_700_000_000, frozen: true } });
  app = new MiniApp({
    appId: emu.defaultApp.appid,
    appSecret: emu.defaultApp.secret,
    baseUrl: emu.url,
    maxRetries: 0,
    clock: { now: () => emu.clock.nowMs() },
  });
  emu.createUser({ openid: OPENID });
  dir = mkdtempSync(join(tmpdir(), 'messaging-test-'));
  png = makePng();
  pngPath = join(dir, 'photo.png');
  writeFileSync(pngPath, png);
});

after(async () => {
  await app?.close();
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const text = (content: string) => ({ touser: OPENID, msgtype: 'text' as const, text: { content } });

describe('customerServiceMessage', () => {
  test('send needs a user message in the last 48 h, at most 5 replies per message', async () => {
    await apiError(app.customerServiceMessage.send(text('too early')), 45015);
    await emu.messages.userMessage({ openid: OPENID, content: '你好' });
    for (let i = 1; i <= 5; i++) assert.equal((await app.customerServiceMessage.send(text(`reply ${i}`))).errcode, 0);
    await apiError(app.customerServiceMessage.send(text('sixth')), 45047);

    await emu.messages.userMessage({ openid: OPENID });
    emu.advanceClock(48 * 3600); // exactly 48 h later: still inside
    await app.customerServiceMessage.send(text('late but in time'));
    emu.advanceClock(1);
    await apiError(app.customerServiceMessage.send(text('too late')), 45015);

    const inbox = emu.messages.inbox({ openid: OPENID });
    assert.deepEqual(
      inbox.filter((m: any) => m.type === 'customerServiceMessage').map((m: any) => m.payload.text.content),
      ['reply 1', 'reply 2', 'reply 3', 'reply 4', 'reply 5', 'late but in time'],
    );
  });

  test('link and miniprogrampage messages; unknown openid 40003', async () => {
    await emu.messages.userMessage({ openid: OPENID });
    await app.customerServiceMessage.send({
      touser: OPENID,
      msgtype: 'link',
      link: { title: '订单详情', description: '', url: 'https://example.com/o/1', thumb_url: '' },
    });
    const { media_id } = await app.customerServiceMessage.uploadTempMedia({ media: png });
    await app.customerServiceMessage.send({
      touser: OPENID,
      msgtype: 'miniprogrampage',
      miniprogrampage: { title: '查看订单', pagepath: 'pages/order/detail?id=1', thumb_media_id: media_id },
    });
    const last = emu.messages.inbox({ openid: OPENID }).slice(-2);
    assert.deepEqual(
      last.map((m: any) => m.msgtype),
      ['link', 'miniprogrampage'],
    );
    await apiError(app.customerServiceMessage.send({ ...text('x'), touser: 'oNobody' }), 40003);
  });

  test('setTyping: needs an interaction in the last 30 s, not twice, CancelTyping ends it', async () => {
    const fresh = emu.createUser({ openid: 'oTypingUser0000000000000000' }).openid;
    await apiError(app.customerServiceMessage.setTyping({ touser: fresh, command: 'Typing' }), 45080);
    await emu.messages.userMessage({ openid: fresh });
    await app.customerServiceMessage.setTyping({ touser: fresh, command: 'Typing' });
    await apiError(app.customerServiceMessage.setTyping({ touser: fresh, command: 'Typing' }), 45081);
    await app.customerServiceMessage.setTyping({ touser: fresh, command: 'CancelTyping' });
    await app.customerServiceMessage.setTyping({ touser: fresh, command: 'Typing' });
    await app.customerServiceMessage.setTyping({ touser: fresh, command: 'CancelTyping' });
    emu.advanceClock(31);
    await apiError(app.customerServiceMessage.setTyping({ touser: fresh, command: 'Typing' }), 45080);
  });

  test('uploadTempMedia from a file path, getTempMedia returns the same bytes', async () => {
    const up = await app.customerServiceMessage.uploadTempMedia({ media: { path: pngPath } });
    assert.equal(up.type, 'image');
    assert.equal(typeof up.created_at, 'number');
    assert.equal(up.created_at, emu.clock.now());
    const got = await app.customerServiceMessage.getTempMedia({ media_id: up.media_id });
    assert.equal(got.contentType, 'image/png');
    assert.equal(got.filename, `${up.media_id}.png`);
    assert.ok(got.data.equals(png));

    const logged = emu.requests({ path: '/cgi-bin/media/upload', limit: 1 })[0]!;
    assert.equal(logged.query.type, 'image');
    assert.equal(logged.files?.[0]?.field, 'media');
    assert.equal(logged.files?.[0]?.filename, 'photo.png');
  });

  test('uploadTempMedia accepts Buffer, Uint8Array and Blob; image messages use the media_id', async () => {
    await emu.messages.userMessage({ openid: OPENID });
    for (const media of [png, new Uint8Array(png), new Blob([new Uint8Array(png)], { type: 'image/png' })]) {
      const { media_id } = await app.customerServiceMessage.uploadTempMedia({ media });
      const got = await app.customerServiceMessage.getTempMedia({ media_id });
      assert.ok(got.data.equals(png));
      await app.customerServiceMessage.send({ touser: OPENID, msgtype: 'image', image: { media_id } });
    }
    await apiError(app.customerServiceMessage.uploadTempMedia({ media: Buffer.from('not an image') }), 40005);
  });

  test('media_id lives 3 days; JSON error bodies become ApiError 40007', async () => {
    const { media_id } = await app.customerServiceMessage.uploadTempMedia({ media: png });
    await apiError(app.customerServiceMessage.getTempMedia({ media_id: 'no-such-media' }), 40007);
    emu.advanceClock(3 * 86400 - 1);
    await app.customerServiceMessage.getTempMedia({ media_id });
    emu.advanceClock(1);
    await apiError(app.customerServiceMessage.getTempMedia({ media_id }), 40007);
    await emu.messages.userMessage({ openid: OPENID });
    await apiError(app.customerServiceMessage.send({ touser: OPENID, msgtype: 'image', image: { media_id } }), 40007);
  });
});

describe('uniformMessage', () => {
  const mp = (over: Record<string, unknown> = {}) => ({
    appid: OA.appid,
    template_id: OA.template,
    url: 'https://example.com/order/1',
    data: { first: { value: '您的订单已发货', color: '#173177' }, keyword1: { value: 'T1001' } },
    ...over,
  });

  test('mp_template_msg with miniprogram.pagepath or path (sent exactly as given)', async () => {
    await app.uniformMessage.send({
      touser: OPENID,
      mp_template_msg: mp({ miniprogram: { appid: emu.defaultApp.appid, pagepath: 'pages/index/index' } }),
    });
    await app.uniformMessage.send({
      touser: OPENID,
      mp_template_msg: mp({ miniprogram: { appid: emu.defaultApp.appid, path: 'pages/index/index' } }),
    });
    const sent = emu.requests({ path: '/cgi-bin/message/wxopen/template/uniform_send', limit: 2 });
    assert.deepEqual(
      sent.map((r: any) => r.body.mp_template_msg.miniprogram),
      [
        { appid: emu.defaultApp.appid, pagepath: 'pages/index/index' },
        { appid: emu.defaultApp.appid, path: 'pages/index/index' },
      ],
    );
    const inbox = emu.messages.inbox({ openid: OPENID }).filter((m: any) => m.type === 'uniformMessage');
    assert.equal(inbox.length, 2);
    assert.equal(inbox[0].template_id, OA.template);
  });

  test('errors: 40013 unbound official account, 40037 template, 40003 openid, 41028 retired weapp msg', async () => {
    await apiError(
      app.uniformMessage.send({ touser: OPENID, mp_template_msg: mp({ appid: 'wx1111111111111111' }) }),
      40013,
    );
    await apiError(app.uniformMessage.send({ touser: OPENID, mp_template_msg: mp({ template_id: 'nope' }) }), 40037);
    await apiError(app.uniformMessage.send({ touser: 'oNobody', mp_template_msg: mp() }), 40003);
    await apiError(
      app.uniformMessage.send({
        touser: OPENID,
        weapp_template_msg: { template_id: 't', form_id: 'f', data: { keyword1: { value: 'v' } } },
      }),
      41028,
    );
  });
});

describe('subscribeMessage', () => {
  let oneTime: string;
  let longTerm: string;

  test('template library: getCategory, getPubTemplateTitleList, getPubTemplateKeyWordsById', async () => {
    const cats = await app.subscribeMessage.getCategory();
    assert.ok(cats.data.some((c) => c.id === 616));
    const titles = await app.subscribeMessage.getPubTemplateTitleList({ ids: [616, 2], start: 0, limit: 2 });
    assert.equal(titles.data.length, 2);
    assert.ok(titles.count >= 3);
    const page2 = await app.subscribeMessage.getPubTemplateTitleList({ ids: '616,2', start: 2, limit: 30 });
    assert.equal(page2.data.length, titles.count - 2);
    assert.equal(emu.requests({ path: '/wxaapi/newtmpl/getpubtemplatetitles', limit: 1 })[0]!.query.ids, '616,2');
    const kw = await app.subscribeMessage.getPubTemplateKeyWordsById({ tid: 99 });
    assert.equal(kw.count, kw.data.length);
    assert.deepEqual(
      kw.data.map((k) => `${k.rule}${k.kid}`),
      ['thing1', 'amount2', 'time3', 'character_string4', 'thing5'],
    );
    await apiError(app.subscribeMessage.getPubTemplateKeyWordsById({ tid: '424242' }), 200014);
  });

  test('addTemplate, getTemplateList, deleteTemplate', async () => {
    oneTime = (await app.subscribeMessage.addTemplate({ tid: '99', kidList: [1, 2, 3], sceneDesc: '下单后通知' }))
      .priTmplId;
    longTerm = (await app.subscribeMessage.addTemplate({ tid: '2233', kidList: [1, 2, 3] })).priTmplId;
    const temp = (await app.subscribeMessage.addTemplate({ tid: '401', kidList: [1, 2] })).priTmplId;
    const list = await app.subscribeMessage.getTemplateList();
    const one = list.data.find((t) => t.priTmplId === oneTime)!;
    assert.equal(one.title, '付款成功通知');
    assert.equal(one.type, 2);
    assert.equal(one.content, '商品名称:{{thing1.DATA}}\n支付金额:{{amount2.DATA}}\n支付时间:{{time3.DATA}}\n');
    assert.equal(list.data.find((t) => t.priTmplId === longTerm)!.type, 3);
    await app.subscribeMessage.deleteTemplate({ priTmplId: temp });
    assert.ok(!(await app.subscribeMessage.getTemplateList()).data.some((t) => t.priTmplId === temp));
    await apiError(app.subscribeMessage.deleteTemplate({ priTmplId: temp }), 40037);
    await apiError(app.subscribeMessage.addTemplate({ tid: '424242', kidList: [1, 2] }), 200014);
    await apiError(app.subscribeMessage.addTemplate({ tid: '99', kidList: [1, 42] }), 200020);
    const sent = emu.requests({ path: '/wxaapi/newtmpl/addtemplate', limit: 1 })[0]!;
    assert.deepEqual(sent.body, { tid: '99', kidList: [1, 42] }); // JSON by default
  });

  const data = {
    thing1: { value: '拿铁咖啡' },
    amount2: { value: '¥25.00' },
    time3: { value: '2023年11月15日 06:13' },
  };

  test('send needs acceptance; a one-time acceptance is consumed, msgid is an exact string', async () => {
    await apiError(app.subscribeMessage.send({ touser: OPENID, template_id: oneTime, data }), 43101);
    await emu.messages.subscribe({ openid: OPENID, accept: [oneTime] });
    const r = await app.subscribeMessage.send({
      touser: OPENID,
      template_id: oneTime,
      data,
      page: 'pages/index/index?from=msg',
      miniprogram_state: 'trial',
      lang: 'zh_CN',
    });
    assert.equal(typeof r.msgid, 'string');
    assert.ok(BigInt(r.msgid!) > 2n ** 53n);
    const delivered = emu.messages.inbox({ openid: OPENID }).at(-1);
    assert.equal(delivered.type, 'subscribeMessage');
    assert.equal(delivered.msgid, r.msgid); // no rounding on the way
    assert.deepEqual(delivered.payload.data, data);
    await apiError(app.subscribeMessage.send({ touser: OPENID, template_id: oneTime, data }), 43101);

    // Two acceptances = two sends.
    await emu.messages.subscribe({ openid: OPENID, accept: [oneTime] });
    await emu.messages.subscribe({ openid: OPENID, accept: [oneTime] });
    const a = await app.subscribeMessage.send({ touser: OPENID, template_id: oneTime, data });
    const b = await app.subscribeMessage.send({ touser: OPENID, template_id: oneTime, data });
    assert.equal(BigInt(b.msgid!) - BigInt(a.msgid!), 1n); // adjacent ids stay distinct (they would collide as numbers)
    await apiError(app.subscribeMessage.send({ touser: OPENID, template_id: oneTime, data }), 43101);
  });

  test('long-term acceptance is reusable until rejected', async () => {
    const lt = {
      character_string1: { value: 'YT9876543210' },
      phrase2: { value: '派送中' },
      time3: { value: '2023-11-15 09:15' },
    };
    await emu.messages.subscribe({ openid: OPENID, accept: [longTerm] });
    for (let i = 0; i < 3; i++) await app.subscribeMessage.send({ touser: OPENID, template_id: longTerm, data: lt });
    emu.advanceClock(30 * 86400);
    await app.subscribeMessage.send({ touser: OPENID, template_id: longTerm, data: lt });
    await emu.messages.subscribe({ openid: OPENID, reject: [longTerm] });
    await apiError(app.subscribeMessage.send({ touser: OPENID, template_id: longTerm, data: lt }), 43101);
  });

  test('errors: 40037 template, 47003 data, 40003 openid, 41030 page', async () => {
    await emu.messages.subscribe({ openid: OPENID, accept: [oneTime] });
    await apiError(app.subscribeMessage.send({ touser: OPENID, template_id: 'unknown', data }), 40037);
    await apiError(app.subscribeMessage.send({ touser: 'oNobody', template_id: oneTime, data }), 40003);
    const e1 = await apiError(
      app.subscribeMessage.send({
        touser: OPENID,
        template_id: oneTime,
        data: { thing1: data.thing1, amount2: data.amount2 },
      }),
      47003,
    );
    assert.match(e1.errmsg, /time3/);
    const e2 = await apiError(
      app.subscribeMessage.send({
        touser: OPENID,
        template_id: oneTime,
        data: { ...data, thing1: { value: '这是一个超过二十个字符长度限制的商品名称示例文本' } },
      }),
      47003,
    );
    assert.match(e2.errmsg, /thing1/);
    await apiError(
      app.subscribeMessage.send({ touser: OPENID, template_id: oneTime, data: { ...data, thing9: { value: 'x' } } }),
      47003,
    );

    // 41030 only when the app has a page list.
    emu.updateApp(emu.defaultApp.appid, { pages: ['pages/index/index', 'pages/order/detail'] });
    try {
      await apiError(
        app.subscribeMessage.send({ touser: OPENID, template_id: oneTime, data, page: 'pages/nope' }),
        41030,
      );
      const ok = await app.subscribeMessage.send({
        touser: OPENID,
        template_id: oneTime,
        data,
        page: 'pages/order/detail?id=7',
      });
      assert.ok(ok.msgid);
    } finally {
      emu.updateApp(emu.defaultApp.appid, { pages: [] });
    }
  });
});

describe('validation errors are thrown before anything is sent', () => {
  const cases: [string, () => Promise<unknown>][] = [
    ['send without touser', () => app.customerServiceMessage.send({ msgtype: 'text', text: { content: 'x' } } as any)],
    ['send unknown msgtype', () => app.customerServiceMessage.send({ touser: OPENID, msgtype: 'video' } as any)],
    ['send payload missing', () => app.customerServiceMessage.send({ touser: OPENID, msgtype: 'text' } as any)],
    [
      'send image without media_id',
      () => app.customerServiceMessage.send({ touser: OPENID, msgtype: 'image', image: {} } as any),
    ],
    [
      'send miniprogrampage without thumb',
      () =>
        app.customerServiceMessage.send({
          touser: OPENID,
          msgtype: 'miniprogrampage',
          miniprogrampage: { title: 't', pagepath: 'p' },
        } as any),
    ],
    ['setTyping bad command', () => app.customerServiceMessage.setTyping({ touser: OPENID, command: 'typing' } as any)],
    ['uploadTempMedia without media', () => app.customerServiceMessage.uploadTempMedia({} as any)],
    ['getTempMedia without media_id', () => app.customerServiceMessage.getTempMedia({} as any)],
    ['uniform without message', () => app.uniformMessage.send({ touser: OPENID })],
    [
      'uniform data not { value }',
      () =>
        app.uniformMessage.send({
          touser: OPENID,
          mp_template_msg: { appid: OA.appid, template_id: OA.template, data: { first: 'hi' } as any },
        }),
    ],
    [
      'subscribe data not { value }',
      () => app.subscribeMessage.send({ touser: OPENID, template_id: 't', data: { thing1: '咖啡' } as any }),
    ],
    [
      'subscribe without touser',
      () => app.subscribeMessage.send({ template_id: 't', data: { a: { value: 'x' } } } as any),
    ],
    [
      'subscribe bad miniprogram_state',
      () =>
        app.subscribeMessage.send({
          touser: OPENID,
          template_id: 't',
          data: { a: { value: 'x' } },
          miniprogram_state: 'production' as any,
        }),
    ],
    [
      'subscribe bad lang',
      () =>
        app.subscribeMessage.send({ touser: OPENID, template_id: 't', data: { a: { value: 'x' } }, lang: 'fr' as any }),
    ],
    ['addTemplate one keyword', () => app.subscribeMessage.addTemplate({ tid: '99', kidList: [1] })],
    [
      'addTemplate long sceneDesc',
      () => app.subscribeMessage.addTemplate({ tid: '99', kidList: [1, 2], sceneDesc: 'x'.repeat(16) }),
    ],
    ['deleteTemplate without id', () => app.subscribeMessage.deleteTemplate({} as any)],
    ['titles limit > 30', () => app.subscribeMessage.getPubTemplateTitleList({ ids: '616', start: 0, limit: 31 })],
    ['titles bad ids', () => app.subscribeMessage.getPubTemplateTitleList({ ids: '', start: 0, limit: 1 })],
    ['keywords without tid', () => app.subscribeMessage.getPubTemplateKeyWordsById({} as any)],
  ];

  test('each bad call rejects with ValidationError and the emulator sees no request', async () => {
    emu.clearRequests();
    for (const [name, call] of cases) {
      await assert.rejects(call(), (e: unknown) => e instanceof ValidationError, name);
    }
    assert.deepEqual(emu.requests(), []);
  });

  test('ValidationError names the API and the field', async () => {
    const err = await app.subscribeMessage
      .send({ touser: OPENID, template_id: 't', data: { thing1: { value: 'ok' }, time2: 'now' } as any })
      .catch((e) => e);
    assert.ok(err instanceof ValidationError);
    assert.equal(err.api, 'subscribeMessage.send');
    assert.equal(err.field, 'data.time2');
  });
});
