import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { defaultDedupeKey, parsePush, serialisePush } from '../src/index.js';

const parse = (text: string) => parsePush(text).message;

describe('parsePush normalisation', () => {
  test('XML and JSON of the same push parse to the same object', () => {
    const xml = `<xml>
      <ToUserName><![CDATA[gh_1]]></ToUserName>
      <FromUserName><![CDATA[oUser]]></FromUserName>
      <CreateTime>1620973045</CreateTime>
      <MsgType><![CDATA[event]]></MsgType>
      <Event><![CDATA[subscribe_msg_sent_event]]></Event>
      <SubscribeMsgSentEvent>
        <List>
          <TemplateId><![CDATA[t1]]></TemplateId>
          <MsgID>1700827132819554304</MsgID>
          <ErrorCode>0</ErrorCode>
          <ErrorStatus><![CDATA[success]]></ErrorStatus>
        </List>
      </SubscribeMsgSentEvent>
    </xml>`;
    // JSON as seen in the wild: numbers as strings, List an object when there is one item, bare 64-bit id.
    const json = `{"ToUserName":"gh_1","FromUserName":"oUser","CreateTime":"1620973045","MsgType":"event",
      "Event":"subscribe_msg_sent_event","SubscribeMsgSentEvent":{"List":{"TemplateId":"t1",
      "MsgID":1700827132819554304,"ErrorCode":"0","ErrorStatus":"success"}}}`;
    const expected = {
      ToUserName: 'gh_1',
      FromUserName: 'oUser',
      CreateTime: 1620973045,
      MsgType: 'event',
      Event: 'subscribe_msg_sent_event',
      SubscribeMsgSentEvent: {
        List: [{ TemplateId: 't1', MsgID: '1700827132819554304', ErrorCode: 0, ErrorStatus: 'success' }],
      },
    };
    assert.deepEqual(parse(xml), expected);
    assert.deepEqual(parse(json), expected);
    assert.equal(parsePush(xml).format, 'xml');
    assert.equal(parsePush(`  \n${json}`).format, 'json');
  });

  test('List with several items, repeated <Actions>, single <Actions>', () => {
    const popup = parse(
      '<xml><MsgType>event</MsgType><SubscribeMsgPopupEvent><List><TemplateId>a</TemplateId><PopupScene>0</PopupScene></List>' +
        '<List><TemplateId>b</TemplateId><PopupScene>0</PopupScene></List></SubscribeMsgPopupEvent></xml>',
    );
    assert.deepEqual(popup.SubscribeMsgPopupEvent, {
      List: [
        { TemplateId: 'a', PopupScene: 0 },
        { TemplateId: 'b', PopupScene: 0 },
      ],
    });
    const path = (count: number) =>
      `<xml><WayBillId><![CDATA[123456789]]></WayBillId><Version>3</Version><Count>${count}</Count>${Array.from(
        { length: count },
        (_, i) =>
          `<Actions><ActionTime>${1546924840 + i}</ActionTime><ActionType>100001</ActionType><ActionMsg><![CDATA[节点${i}]]></ActionMsg></Actions>`,
      ).join('')}</xml>`;
    assert.equal((parse(path(3)).Actions as unknown[]).length, 3);
    assert.deepEqual(parse(path(1)).Actions, [{ ActionTime: 1546924840, ActionType: 100001, ActionMsg: '节点0' }]);
    assert.equal(parse(path(1)).WayBillId, '123456789');
  });

  test('CDATA text stays text; entities are decoded, never expanded from a DOCTYPE', () => {
    const m = parse(
      '<xml><Content><![CDATA[00123]]></Content><shop_no>00123</shop_no><A>&lt;b&gt; &amp; &#x4e2d;&#25991;</A><B><![CDATA[&lt;]]></B><MsgId>12</MsgId></xml>',
    );
    assert.deepEqual(m, { Content: '00123', shop_no: '00123', A: '<b> & 中文', B: '&lt;', MsgId: '12' });
    assert.throws(
      () => parse('<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><A>&x;</A></xml>'),
      /DOCTYPE/,
    );
    // An undeclared entity is left as text, not resolved.
    assert.equal(parse('<xml><A>&x;</A></xml>').A, '&x;');
  });

  test('property: every integer beyond 2^53 becomes its exact digits, everything else parses as JSON.parse does', () => {
    // Strings full of quotes, backslashes and digits, next to integers of every size.
    const text = fc.string({ unit: fc.constantFrom('"', '\\', '1', '9', '-', 'e', 'a', '中', ' ', '{', '}') });
    const value = fc.oneof(
      fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }).map((n) => ({ raw: String(n), n })),
      text.map((t) => ({ raw: JSON.stringify(t), t })),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => ({ raw: JSON.stringify(d), d })),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 8 }), (values) => {
        const body = `{${values.map((v, i) => `"k${i}":${v.raw}`).join(',')}}`;
        const m = parse(body);
        values.forEach((v, i) => {
          const got = m[`k${i}`];
          if ('n' in v) {
            const safe = v.n >= BigInt(Number.MIN_SAFE_INTEGER) && v.n <= BigInt(Number.MAX_SAFE_INTEGER);
            assert.deepEqual(got, safe ? Number(v.n) : String(v.n), body);
          } else if (/^-?\d+$/.test(v.raw) && !Number.isSafeInteger(Number(v.raw))) {
            assert.equal(got, v.raw, body); // a double that prints as a big integer (2^53) is one on the wire
          } else {
            assert.deepEqual(got, JSON.parse(v.raw), body);
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  test('64-bit integers in JSON never lose digits, wherever they are', () => {
    const m = parse('{"MsgId":9223372036854775807,"x":{"big":-9007199254740993,"s":"9007199254740993"},"n":1.5e3}');
    assert.deepEqual(m, {
      MsgId: '9223372036854775807',
      x: { big: '-9007199254740993', s: '9007199254740993' },
      n: 1500,
    });
    assert.equal(parse('{"Content":"\\"MsgId\\":12345678901234567890"}').Content, '"MsgId":12345678901234567890');
    // A "__proto__" key is dropped, never assigned as a prototype.
    const polluted = parse('{"__proto__":{"polluted":1},"a":1}');
    assert.equal((polluted as any).polluted, undefined);
    assert.deepEqual(polluted, { a: 1 });
  });

  test('the dedupe key: MsgId for messages, sender+time+event+ids for events', () => {
    assert.equal(defaultDedupeKey({ MsgId: '42', FromUserName: 'o' }), 'msg:42');
    const waybill = {
      FromUserName: 'o',
      CreateTime: 1,
      MsgType: 'event',
      Event: 'update_waybill_status',
      shop_order_id: 'S',
      waybill_id: 'W',
      order_status: 102,
      action_time: 1,
    };
    assert.equal(defaultDedupeKey(waybill), 'event:o:1:update_waybill_status:S:W:102:1');
    assert.notEqual(defaultDedupeKey(waybill), defaultDedupeKey({ ...waybill, order_status: 103 }));
    const unknown = { FromUserName: 'o', CreateTime: 1, MsgType: 'event', Event: 'new_thing', a: 1 };
    assert.equal(
      defaultDedupeKey(unknown),
      defaultDedupeKey({ a: 1, Event: 'new_thing', MsgType: 'event', CreateTime: 1, FromUserName: 'o' }),
    );
    assert.notEqual(defaultDedupeKey(unknown), defaultDedupeKey({ ...unknown, a: 2 }));
  });
});

describe('properties', () => {
  // Strings as WeChat sends them (any Unicode, XML-legal characters), numbers as safe integers.
  const xmlChar = fc
    .string({ unit: 'grapheme', maxLength: 20 })
    .map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ''));
  const text = fc.oneof(xmlChar, fc.constantFrom(']]>', 'a]]>b', '<x>', '&amp;', ' padded ', '123', '00123'));
  // Prefixed so no generated name collides with a field that has its own rule (List, MsgId, Content...).
  const name = fc.stringMatching(/^[A-Za-z0-9_]{0,10}$/).map((k) => `k${k}`);
  const message = fc.dictionary(
    name,
    fc.oneof(
      text.map((s) => `s${s}`),
      fc.integer({ min: 0, max: 2 ** 40 }),
    ),
    {
      minKeys: 1,
      maxKeys: 8,
    },
  );

  test('serialise → parse is the identity in both formats', () => {
    fc.assert(
      fc.property(message, fc.constantFrom('xml' as const, 'json' as const), (m, format) => {
        assert.deepEqual(parse(serialisePush(m, format)), { ...m });
      }),
      { numRuns: 300 },
    );
  });

  test('parse never throws anything but a parse error on random input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `<xml>${s}</xml>`),
          fc.string().map((s) => `{${s}}`),
          fc.json(),
        ),
        (body) => {
          try {
            const m = parse(body);
            assert.equal(typeof m, 'object');
          } catch (e) {
            assert.equal((e as Error).name, 'PushParseError', String(e));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
