// The messaging area over raw HTTP: wire details the SDK hides (exact msgid digits, media headers,
// the addTemplate form spellings, errcodes the SDK's validation would pre-empt), the pushes it
// hands to the push hook, and its admin API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import messages from '../src/areas/messages/index.js';
import type { AreaContext, AreaModule } from '../src/context.js';
import { type EmulatorHandle, startEmulator } from '../src/index.js';

let emu: EmulatorHandle;
let token: string;
let areaCtx: AreaContext;
const pushes: { appid: string; message: Record<string, any> }[] = [];
const OPENID = 'oRawMsgUser0000000000000000';

/** Stands in for the push area through the documented hook: records what would be delivered. */
const recorder: AreaModule = {
  name: 'pushRecorder',
  register(ctx) {
    areaCtx = ctx;
    ctx.providePush(async (appid, message) => {
      pushes.push({ appid, message });
      return { delivered: true };
    });
  },
};

async function wx(
  method: 'GET' | 'POST',
  path: string,
  init: { query?: Record<string, string>; json?: unknown; form?: string; body?: BodyInit } = {},
) {
  const qs = new URLSearchParams({ access_token: token, ...init.query });
  const headers: Record<string, string> = {};
  let body = init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = init.form;
  }
  const res = await fetch(`${emu.url}${path}?${qs}`, { method, headers, body });
  const buf = Buffer.from(await res.arrayBuffer());
  return { res, buf, text: buf.toString('utf8'), json: () => JSON.parse(buf.toString('utf8')) };
}

async function admin(method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await fetch(`${emu.url}/__emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

function png(): Buffer {
  const img = new PNG({ width: 4, height: 4 });
  img.data.fill(200);
  return PNG.sync.write(img);
}

before(async () => {
  emu = await startEmulator({ port: 0, clock: { start: 1_700_000_000, frozen: true }, areas: [messages, recorder] });
  emu.updateApp(emu.defaultApp.appid, {
    push: { url: 'http://127.0.0.1:9/push', token: 'pushtoken', mode: 'plain', format: 'json' },
  });
  emu.createUser({ openid: OPENID });
  const res = await fetch(`${emu.url}/cgi-bin/stable_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credential',
      appid: emu.defaultApp.appid,
      secret: emu.defaultApp.secret,
    }),
  });
  token = ((await res.json()) as { access_token: string }).access_token;
});

after(async () => {
  await emu?.close();
});

describe('subscribe templates over the wire', () => {
  test('addtemplate accepts JSON, repeated form keys and indexed form keys', async () => {
    const a = (
      await wx('POST', '/wxaapi/newtmpl/addtemplate', { json: { tid: '99', kidList: [3, 1], sceneDesc: '支付' } })
    ).json();
    const b = (
      await wx('POST', '/wxaapi/newtmpl/addtemplate', {
        form: 'tid=401&kidList=2&kidList=1&sceneDesc=%E9%A2%84%E7%BA%A6',
      })
    ).json();
    const c = (await wx('POST', '/wxaapi/newtmpl/addtemplate', { form: 'tid=1536&kidList[1]=4&kidList[0]=1' })).json();
    for (const r of [a, b, c]) assert.equal(r.errcode, 0, JSON.stringify(r));
    const list = (await wx('GET', '/wxaapi/newtmpl/gettemplate')).json().data;
    const content = (id: string) => list.find((t: any) => t.priTmplId === id).content;
    assert.equal(content(a.priTmplId), '支付时间:{{time3.DATA}}\n商品名称:{{thing1.DATA}}\n');
    assert.equal(content(b.priTmplId), '预约时间:{{time2.DATA}}\n预约人:{{name1.DATA}}\n');
    assert.equal(content(c.priTmplId), '商品名称:{{thing1.DATA}}\n发货时间:{{date4.DATA}}\n');
  });

  test('new one-time templates take kidList [] and keep every keyword; addtemplate errcodes', async () => {
    const r = (await wx('POST', '/wxaapi/newtmpl/addtemplate', { json: { tid: '10000015', kidList: [] } })).json();
    assert.equal(r.errcode, 0);
    const t = (await wx('GET', '/wxaapi/newtmpl/gettemplate'))
      .json()
      .data.find((x: any) => x.priTmplId === r.priTmplId);
    assert.equal(t.content, '服务内容:{{thing1.DATA}}\n当前进度:{{phrase2.DATA}}\n');
    const code = async (json: unknown) => (await wx('POST', '/wxaapi/newtmpl/addtemplate', { json })).json().errcode;
    assert.equal(await code({ tid: '99', kidList: [] }), 200020);
    assert.equal(await code({ tid: '99', kidList: [1, 1] }), 200020);
    assert.equal(await code({ tid: '99', kidList: [1, 2], sceneDesc: '一二三四五六七八九十一二三四五六' }), 200021);
    assert.equal(await code({ tid: 'abc', kidList: [1, 2] }), 200014);
  });

  test('getpubtemplatetitles errcodes 200016–200019; categoryId as in the official example', async () => {
    const code = async (query: Record<string, string>) =>
      (await wx('GET', '/wxaapi/newtmpl/getpubtemplatetitles', { query })).json().errcode;
    assert.equal(await code({ start: '0', limit: '1' }), 200018);
    assert.equal(await code({ ids: '2,x', start: '0', limit: '1' }), 200019);
    assert.equal(await code({ ids: '2', start: '-1', limit: '1' }), 200016);
    assert.equal(await code({ ids: '2', start: '0', limit: '31' }), 200017);
    const ok = (
      await wx('GET', '/wxaapi/newtmpl/getpubtemplatetitles', { query: { ids: '2', start: '0', limit: '5' } })
    ).json();
    assert.deepEqual(ok.data, [{ tid: 2233, title: '物流状态更新提醒', type: 3, categoryId: '2' }]);
  });
});

describe('subscribe send and pushes', () => {
  test('msgid digits are exact, and popup/sent events go to the push hook', async () => {
    const { priTmplId } = (
      await wx('POST', '/wxaapi/newtmpl/addtemplate', { json: { tid: '401', kidList: [1, 3] } })
    ).json();
    pushes.length = 0;
    const sub = await admin('POST', 'messages/subscriptions', { openid: OPENID, accept: [priTmplId], popupScene: 0 });
    assert.equal(sub.status, 200);
    assert.equal(pushes.length, 1);
    const popup = pushes[0]!.message;
    assert.equal(popup.Event, 'subscribe_msg_popup_event');
    assert.equal(popup.ToUserName, emu.defaultApp.originalId);
    assert.equal(popup.FromUserName, OPENID);
    assert.deepEqual(popup.SubscribeMsgPopupEvent.List, [
      { TemplateId: priTmplId, SubscribeStatusString: 'accept', PopupScene: 0 },
    ]);

    const sent = await wx('POST', '/cgi-bin/message/subscribe/send', {
      json: {
        touser: OPENID,
        template_id: priTmplId,
        data: { name1: { value: '张三' }, thing3: { value: '人民广场店' } },
      },
    });
    assert.match(sent.res.headers.get('content-type') ?? '', /^application\/json/);
    const m = /^\{"errcode":0,"errmsg":"ok","msgid":(\d+)\}$/.exec(sent.text);
    assert.ok(m, sent.text);
    const msgid = m[1]!;
    assert.ok(BigInt(msgid) > BigInt(Number.MAX_SAFE_INTEGER));
    const event = pushes.at(-1)!.message;
    assert.equal(event.Event, 'subscribe_msg_sent_event');
    assert.deepEqual(event.SubscribeMsgSentEvent.List, [
      { TemplateId: priTmplId, MsgID: msgid, ErrorCode: 0, ErrorStatus: 'success' },
    ]);
    const inbox = await admin('GET', `messages/inbox?openid=${OPENID}`);
    assert.equal(inbox.json.at(-1).msgid, msgid);
  });
});

describe('customer service over the wire', () => {
  test('the admin user-message route opens the window and pushes the text message', async () => {
    pushes.length = 0;
    const r = await admin('POST', 'messages/user-message', { openid: OPENID, content: '在吗？' });
    assert.equal(r.status, 200);
    assert.deepEqual(
      pushes.map((p) => p.message.MsgType),
      ['text'],
    );
    const msg = pushes[0]!.message;
    assert.equal(msg.Content, '在吗？');
    assert.equal(msg.CreateTime, emu.clock.now());
    assert.match(msg.MsgId, /^\d{19}$/);
    const w = await admin('GET', `messages/window?openid=${OPENID}`);
    assert.equal(w.json.open, true);
    assert.equal(w.json.repliesLeft, 5);
  });

  test('a user.message event from another area opens the window too', async () => {
    const user = emu.createUser({ openid: 'oEventUser00000000000000000' }).openid;
    const send = () =>
      wx('POST', '/cgi-bin/message/custom/send', { json: { touser: user, msgtype: 'text', text: { content: 'hi' } } });
    assert.equal((await send()).json().errcode, 45015);
    areaCtx.emit('user.message', { appid: emu.defaultApp.appid, openid: user, time: emu.clock.now() });
    assert.equal((await send()).json().errcode, 0);
  });

  test('errcodes the SDK would pre-empt: 40008, 47001, 45072, 40004, 41005', async () => {
    await admin('POST', 'messages/user-message', { openid: OPENID });
    const cs = async (json: unknown) => (await wx('POST', '/cgi-bin/message/custom/send', { json })).json().errcode;
    assert.equal(await cs({ touser: OPENID, msgtype: 'video', video: {} }), 40008);
    assert.equal(await cs({ touser: OPENID, msgtype: 'text' }), 47001);
    const typing = await wx('POST', '/cgi-bin/message/custom/typing', { json: { touser: OPENID, command: 'typing' } });
    assert.equal(typing.json().errcode, 45072);

    const form = new FormData();
    form.append('media', new Blob([new Uint8Array(png())], { type: 'image/png' }), 'a.png');
    assert.equal(
      (await wx('POST', '/cgi-bin/media/upload', { query: { type: 'voice' }, body: form })).json().errcode,
      40004,
    );
    const empty = new FormData();
    empty.append('other', 'x');
    assert.equal(
      (await wx('POST', '/cgi-bin/media/upload', { query: { type: 'image' }, body: empty })).json().errcode,
      41005,
    );
  });

  test('media/get: image bytes with Content-disposition; JSON error otherwise', async () => {
    const form = new FormData();
    const bytes = png();
    form.append('media', new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }), 'blob');
    const up = (await wx('POST', '/cgi-bin/media/upload', { query: { type: 'image' }, body: form })).json();
    const got = await wx('GET', '/cgi-bin/media/get', { query: { media_id: up.media_id } });
    assert.equal(got.res.headers.get('content-type'), 'image/png'); // sniffed, not the part's label
    assert.equal(got.res.headers.get('content-disposition'), `attachment; filename="${up.media_id}.png"`);
    assert.ok(got.buf.equals(bytes));
    const bad = await wx('GET', '/cgi-bin/media/get', { query: { media_id: 'nope' } });
    assert.match(bad.res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(bad.json().errcode, 40007);
  });
});

describe('admin API', () => {
  test('bad admin input answers 400; library, media, official accounts; reset clears the inbox', async () => {
    assert.equal((await admin('POST', 'messages/user-message', { openid: 'oNobody' })).status, 400);
    assert.equal((await admin('POST', 'messages/subscriptions', { openid: OPENID, accept: ['nope'] })).status, 400);
    const lib = await admin('GET', 'messages/library');
    assert.ok(lib.json.templates.length >= 5);
    const media = await admin('GET', 'messages/media');
    assert.ok(media.json.every((m: any) => m.contentType === 'image/png' && !('data' in m)));
    const bound = await admin('POST', 'messages/official-accounts', {
      oaAppid: 'wx2222222222222222',
      templates: ['T1'],
    });
    assert.deepEqual(
      bound.json.map((a: any) => a.appid),
      ['wxfeedfacecafe0001', 'wx2222222222222222'],
    );
    const uni = await wx('POST', '/cgi-bin/message/wxopen/template/uniform_send', {
      json: {
        touser: OPENID,
        mp_template_msg: { appid: 'wx2222222222222222', template_id: 'T1', data: { first: { value: 'x' } } },
      },
    });
    assert.equal(uni.json().errcode, 0);
    assert.ok((await admin('GET', `messages/inbox?openid=${OPENID}`)).json.length > 0);
    emu.reset();
    emu.createUser({ openid: OPENID });
    assert.deepEqual((await admin('GET', `messages/inbox?openid=${OPENID}`)).json, []);
  });
});
