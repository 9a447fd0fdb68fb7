// Content security through the public client against the emulator: msgSecCheck v2 (verdicts,
// errcode 0 for risky text) and v1, mediaCheckAsync v2/v1 with their wxa_media_check pushes in
// XML and JSON (verdicts and the -1008 download failure), imgSecCheck, every errcode the rules
// produce, and validation that sends nothing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import {
  type MiniApp,
  ValidationError,
  type WxaMediaCheckEvent,
  isRisky,
  mediaCheckErrcode,
} from '@miniapp-server/sdk';
import { PNG } from 'pngjs';
import { startEmulatorApp } from './helpers/emulator-app.js';
import { apiError, rejectsWith } from './helpers/errors.js';
import { type PushApp, startPushApp } from './helpers/push-app.js';

let emu: EmulatorHandle;
let app: MiniApp;
let pushes: PushApp;
const OPENID = 'oSecUser00000000000000000001';
const STRANGER = 'oSecStranger0000000000000001';
const V1_TEST = '特3456书yuuo莞6543李zxcz蒜7782法fgnv级';

function png(seed: number): Buffer {
  const img = new PNG({ width: 4, height: 4 });
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i * seed) % 256;
  return PNG.sync.write(img);
}

before(async () => {
  ({ emu, app } = await startEmulatorApp());
  emu.createUser({ openid: OPENID });
  pushes = await startPushApp(emu);
});

after(async () => {
  await app?.close();
  await emu?.close();
  await pushes?.close();
});

beforeEach(() => emu.security.visit({ openid: OPENID }));

const text = (content: string, extra: Record<string, unknown> = {}) => ({
  content,
  scene: 2 as const,
  openid: OPENID,
  ...extra,
});

describe('msgSecCheck v2', () => {
  test('a clean text passes: errcode 0, suggest pass, label 100, detail an array', async () => {
    const r = await app.security.msgSecCheck(text('今天天气真好'));
    assert.equal(r.errcode, 0);
    assert.deepEqual(r.result, { suggest: 'pass', label: 100 });
    assert.ok(Array.isArray(r.detail) && r.detail.length >= 1);
    assert.match(r.trace_id, /^[0-9a-f]+-[0-9a-f]+-[0-9a-f]+$/);
    assert.equal(isRisky(r), false);
    // The SDK sent version 2 for the caller.
    const sent = emu.requests({ path: '/wxa/msg_sec_check' }).at(-1);
    assert.equal((sent?.body as Record<string, unknown>).version, 2);
  });

  test('a risky text still answers errcode 0: the verdict is in result', async () => {
    const r = await app.security.msgSecCheck(text('一起来赌博吧'));
    assert.equal(r.errcode, 0);
    assert.equal(r.result.suggest, 'risky');
    assert.equal(r.result.label, 20006);
    assert.equal(isRisky(r), true);
    const model = r.detail.find((d) => d.strategy === 'content_model');
    assert.equal(model?.suggest, 'risky');
    assert.equal(typeof model?.prob, 'number');
  });

  test('custom keywords per strategy; review is not risky; title and nickname are checked too', async () => {
    const rule = emu.security.addTextRule({
      strategy: 'keyword',
      match: '竞品',
      suggest: 'review',
      label: 21000,
      level: 20,
    });
    const r = await app.security.msgSecCheck(text('好评', { title: '比竞品好' }));
    assert.equal(r.result.suggest, 'review');
    assert.equal(isRisky(r), false);
    const kw = r.detail.find((d) => d.strategy === 'keyword');
    assert.deepEqual(kw, {
      strategy: 'keyword',
      errcode: 0,
      suggest: 'review',
      label: 21000,
      keyword: '竞品',
      level: 20,
    });
    emu.security.removeRule(rule.id);
    const again = await app.security.msgSecCheck(text('好评', { title: '比竞品好' }));
    assert.equal(again.result.suggest, 'pass');
    assert.deepEqual(
      again.detail.find((d) => d.strategy === 'keyword'),
      { strategy: 'keyword', errcode: 0 },
    );
  });

  test('61010 unless the user opened the app in the last 2 hours (code2Session counts as a visit)', async () => {
    emu.createUser({ openid: 'oSecLateUser000000000000001' });
    await apiError(app.security.msgSecCheck(text('hi', { openid: 'oSecLateUser000000000000001' })), 61010);
    const { code } = emu.createLoginCode({ openid: 'oSecLateUser000000000000001' });
    await app.auth.code2Session({ js_code: code });
    assert.equal((await app.security.msgSecCheck(text('hi', { openid: 'oSecLateUser000000000000001' }))).errcode, 0);
    emu.clock.advance(7201);
    await apiError(app.security.msgSecCheck(text('hi', { openid: 'oSecLateUser000000000000001' })), 61010);
  });

  test('40003 for an unknown openid, 43104 for another app’s user, 40129 for a bad scene on the wire', async () => {
    await apiError(app.security.msgSecCheck(text('hi', { openid: STRANGER })), 40003);
    const other = emu.createApp({ name: 'Other' });
    emu.createUser({ appid: other.appid, openid: 'oSecOtherAppUser00000000001' });
    await apiError(app.security.msgSecCheck(text('hi', { openid: 'oSecOtherAppUser00000000001' })), 43104);
    const raw = app.request({
      method: 'POST',
      path: '/wxa/msg_sec_check',
      body: { content: 'x', version: 2, scene: 9, openid: OPENID },
    });
    await apiError(raw, 40129);
  });

  test('quotas: 44991 past the per-minute limit, then fine next minute; 45009 past the daily one', async () => {
    emu.security.configure({ quotas: { msgSecCheck: { perMinute: 2, perDay: 3 } } });
    try {
      // A fresh Beijing day (quotas reset at midnight UTC+8), then a fresh minute.
      emu.clock.advance(86400 - ((emu.clock.now() + 8 * 3600) % 86400));
      emu.security.visit({ openid: OPENID });
      await app.security.msgSecCheck(text('1'));
      await app.security.msgSecCheck(text('2'));
      await apiError(app.security.msgSecCheck(text('3')), 44991);
      emu.clock.advance(60);
      await apiError(app.security.msgSecCheck(text('4')), 45009);
    } finally {
      emu.security.configure({ quotas: { msgSecCheck: { perMinute: 4000, perDay: 2_000_000 } } });
    }
  });

  test('validation rejects bad params before anything is sent', async () => {
    const before = emu.requests({ path: '/wxa/msg_sec_check' }).length;
    await rejectsWith(app.security.msgSecCheck(text('x'.repeat(2501))), ValidationError);
    await rejectsWith(app.security.msgSecCheck({ ...text('x'), scene: 5 as never }), ValidationError);
    await rejectsWith(app.security.msgSecCheck({ content: 'x', scene: 1 } as never), ValidationError);
    await rejectsWith(app.security.msgSecCheck(text('')), ValidationError);
    assert.equal(emu.requests({ path: '/wxa/msg_sec_check' }).length, before);
  });
});

describe('msgSecCheck v1 (legacy: no version)', () => {
  test('the official test string answers 87014 risky content; other text 0', async () => {
    const v1 = (content: string) => app.request({ method: 'POST', path: '/wxa/msg_sec_check', body: { content } });
    const err = await apiError(v1(V1_TEST), 87014);
    assert.match(err.errmsg, /^risky content/);
    assert.deepEqual(Object.keys(await v1('hello')).sort(), ['errcode', 'errmsg']);
  });
});

describe('mediaCheckAsync and the wxa_media_check push', () => {
  for (const format of ['xml', 'json'] as const) {
    test(`v2 (${format}): a registered URL gets its verdict pushed after the delay; isRisky reads it`, async () => {
      pushes.format(format);
      const url = `https://cdn.example.com/${format}/risky.png`;
      emu.security.addMedia({ url, data: png(7).toString('base64') });
      emu.security.addImageRule({ url, suggest: 'risky', label: 20002, prob: 95 });
      const from = pushes.received.length;
      const { trace_id } = await app.security.mediaCheckAsync({
        media_url: url,
        media_type: 2,
        scene: 1,
        openid: OPENID,
      });
      emu.clock.advance(5);
      const e = (await pushes.waitFor((m) => m.trace_id === trace_id, from)) as WxaMediaCheckEvent;
      assert.equal(e.Event, 'wxa_media_check');
      assert.equal(e.version, 2);
      if (e.version !== 2) return;
      assert.equal(e.errcode, 0);
      assert.equal(e.appid, emu.defaultApp.appid);
      assert.deepEqual(e.result, { suggest: 'risky', label: 20002 });
      // One <detail> element in XML still decodes as an array.
      assert.deepEqual(e.detail, [{ strategy: 'content_model', errcode: 0, suggest: 'risky', label: 20002, prob: 95 }]);
      assert.equal(isRisky(e), true);
      assert.equal(mediaCheckErrcode(e), 0);
      const check = emu.security.checks({ api: 'mediaCheckAsync' }).at(-1);
      assert.equal(check.push.status, 'sent');
    });

    test(`v2 (${format}): an unregistered URL (nothing is downloaded) gets the -1008 push`, async () => {
      pushes.format(format);
      const from = pushes.received.length;
      const { trace_id } = await app.security.mediaCheckAsync({
        media_url: `https://nowhere.example.com/${format}.jpg`,
        media_type: 2,
        scene: 2,
        openid: OPENID,
      });
      emu.clock.advance(5);
      const e = (await pushes.waitFor((m) => m.trace_id === trace_id, from)) as WxaMediaCheckEvent;
      assert.equal(e.version, 2);
      assert.equal(mediaCheckErrcode(e), -1008);
      assert.equal(isRisky(e), false);
      assert.equal(e.result, undefined);
    });

    test(`v1 (${format}): isrisky, a 32-hex trace_id, status_code 4294966288 for a download failure`, async () => {
      pushes.format(format);
      const url = `https://cdn.example.com/${format}/v1.png`;
      emu.security.addMedia({ url });
      emu.security.addImageRule({ url, suggest: 'risky', label: 20001 });
      const v1 = (media_url: string) =>
        app.request<{ trace_id: string }>({
          method: 'POST',
          path: '/wxa/media_check_async',
          body: { media_url, media_type: 2 },
        });
      const from = pushes.received.length;
      const ok = await v1(url);
      const bad = await v1(`https://nowhere.example.com/v1-${format}.png`);
      assert.match(ok.trace_id, /^[0-9a-f]{32}$/);
      emu.clock.advance(5);
      const risky = (await pushes.waitFor((m) => m.trace_id === ok.trace_id, from)) as WxaMediaCheckEvent;
      const failed = (await pushes.waitFor((m) => m.trace_id === bad.trace_id, from)) as WxaMediaCheckEvent;
      assert.equal(risky.version, undefined);
      assert.equal(risky.isrisky, 1);
      assert.equal(isRisky(risky), true);
      assert.equal(failed.status_code, 4294966288);
      assert.equal(mediaCheckErrcode(failed), -1008);
    });
  }

  test('the push waits for the configured delay on the virtual clock', async () => {
    emu.security.configure({ pushDelaySeconds: 60 });
    try {
      const url = 'https://cdn.example.com/delay.png';
      emu.security.addMedia({ url });
      const { trace_id } = await app.security.mediaCheckAsync({
        media_url: url,
        media_type: 2,
        scene: 1,
        openid: OPENID,
      });
      emu.clock.advance(59);
      await emu.security.flush();
      assert.equal(
        emu.security.checks().find((c: { trace_id?: string }) => c.trace_id === trace_id).push.status,
        'pending',
      );
      emu.clock.advance(1);
      await emu.security.flush();
      assert.ok(pushes.received.some((m) => m.trace_id === trace_id));
    } finally {
      emu.security.configure({ pushDelaySeconds: 5 });
    }
  });

  test('87020 for the same URL while its check is pending; 61010 and 40004 follow the rules', async () => {
    const url = 'https://cdn.example.com/repeat.png';
    await app.security.mediaCheckAsync({ media_url: url, media_type: 2, scene: 1, openid: OPENID });
    await apiError(app.security.mediaCheckAsync({ media_url: url, media_type: 2, scene: 1, openid: OPENID }), 87020);
    emu.clock.advance(5);
    await emu.security.flush();
    await app.security.mediaCheckAsync({ media_url: url, media_type: 2, scene: 1, openid: OPENID });
    emu.clock.advance(7201);
    await apiError(
      app.security.mediaCheckAsync({ media_url: `${url}?2`, media_type: 1, scene: 1, openid: OPENID }),
      61010,
    );
    const raw = app.request({
      method: 'POST',
      path: '/wxa/media_check_async',
      body: { media_url: url, media_type: 3 },
    });
    await apiError(raw, 40004);
  });

  test('validation: media_url must be http(s), media_type 1 or 2, before anything is sent', async () => {
    const before = emu.requests({ path: '/wxa/media_check_async' }).length;
    await rejectsWith(
      app.security.mediaCheckAsync({ media_url: 'ftp://x/y.png', media_type: 2, scene: 1, openid: OPENID }),
      ValidationError,
    );
    await rejectsWith(
      app.security.mediaCheckAsync({ media_url: 'https://x/y.png', media_type: 3 as never, scene: 1, openid: OPENID }),
      ValidationError,
    );
    assert.equal(emu.requests({ path: '/wxa/media_check_async' }).length, before);
  });
});

describe('imgSecCheck (legacy)', () => {
  test('an image passes; one whose sha256 has a risky rule is an ApiError 87014; non-images 40004', async () => {
    const good = png(3);
    const bad = png(11);
    assert.equal((await app.security.imgSecCheck({ media: good })).errcode, 0);
    emu.security.addImageRule({
      sha256: createHash('sha256').update(bad).digest('hex'),
      suggest: 'risky',
      label: 20002,
    });
    await apiError(
      app.security.imgSecCheck({ media: { data: bad, filename: 'bad.png', contentType: 'image/png' } }),
      87014,
    );
    await apiError(app.security.imgSecCheck({ media: Buffer.from('not an image at all') }), 40004);
    const sent = emu.requests({ path: '/wxa/img_sec_check' }).at(-1);
    assert.equal(sent?.files?.[0]?.field, 'media');
  });

  test('a file over 1 MB or no file is rejected before sending', async () => {
    await rejectsWith(app.security.imgSecCheck({ media: Buffer.alloc(1024 * 1024 + 1) }), ValidationError);
    await rejectsWith(app.security.imgSecCheck({} as never), ValidationError);
  });
});
