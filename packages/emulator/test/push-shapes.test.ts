/**
 * Every push the emulator sends has the shape of PROTOCOL's example of its kind (§7.8, §7.9, §8.8,
 * §9.7), compared field by field and type by type on the raw wire text: 64-bit ids bare JSON
 * numbers (exact digits), bare numbers in XML, CDATA strings, a one-item `List` an object in JSON,
 * repeated elements in XML. Also: replies padded the way WeChat's decoder accepts (pad 1–32).
 */
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import { msgSignature, parsePush, serialisePush } from '@miniapp-server/sdk';
import messages from '../src/areas/messages/index.js';
import push from '../src/areas/push/index.js';
import { start } from './helpers.js';

// ---- the PROTOCOL examples (types as PROTOCOL gives them; §7.8 has field tables, the examples
// follow the official customer-service receive page) ----
const EX = {
  text: {
    json: '{"ToUserName":"toUser","FromUserName":"fromUser","CreateTime":1482048670,"MsgType":"text","Content":"this is a test","MsgId":1234567890123456}',
    xml: '<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1482048670</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId></xml>',
  },
  image: {
    json: '{"ToUserName":"toUser","FromUserName":"fromUser","CreateTime":1482048670,"MsgType":"image","PicUrl":"http://x","MediaId":"media_id","MsgId":1234567890123456}',
    xml: '<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1482048670</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://x]]></PicUrl><MediaId><![CDATA[media_id]]></MediaId><MsgId>1234567890123456</MsgId></xml>',
  },
  miniprogrampage: {
    json: '{"ToUserName":"toUser","FromUserName":"fromUser","CreateTime":1482048670,"MsgType":"miniprogrampage","MsgId":1234567890123456,"Title":"t","AppId":"wx","PagePath":"p","ThumbUrl":"u","ThumbMediaId":"m"}',
    xml: '<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1482048670</CreateTime><MsgType><![CDATA[miniprogrampage]]></MsgType><MsgId>1234567890123456</MsgId><Title><![CDATA[t]]></Title><AppId><![CDATA[wx]]></AppId><PagePath><![CDATA[p]]></PagePath><ThumbUrl><![CDATA[u]]></ThumbUrl><ThumbMediaId><![CDATA[m]]></ThumbMediaId></xml>',
  },
  user_enter_tempsession: {
    json: '{"ToUserName":"toUser","FromUserName":"fromUser","CreateTime":1482048670,"MsgType":"event","Event":"user_enter_tempsession","SessionFrom":"sessionFrom"}',
    xml: '<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1482048670</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[user_enter_tempsession]]></Event><SessionFrom><![CDATA[sessionFrom]]></SessionFrom></xml>',
  },
  // §7.9: JSON `List` at the top level, an object for one item, an array for several.
  popup1: {
    json: '{"ToUserName":"gh_123456789abc","FromUserName":"o7esq5OI1Uej6Xixw1lA2H7XDVbc","CreateTime":1620973045,"MsgType":"event","Event":"subscribe_msg_popup_event","List":{"TemplateId":"hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vzyvQu7O68","SubscribeStatusString":"accept","PopupScene":0}}',
    xml: '<xml><ToUserName><![CDATA[gh_123456789abc]]></ToUserName><FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName><CreateTime>1610969440</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent><List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent></xml>',
  },
  popup2: {
    json: '{"ToUserName":"gh_123456789abc","FromUserName":"o7esq5OI1Uej6Xixw1lA2H7XDVbc","CreateTime":1620973045,"MsgType":"event","Event":"subscribe_msg_popup_event","List":[{"TemplateId":"a","SubscribeStatusString":"accept","PopupScene":0},{"TemplateId":"b","SubscribeStatusString":"reject","PopupScene":0}]}',
    xml: '<xml><ToUserName><![CDATA[gh_123456789abc]]></ToUserName><FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName><CreateTime>1610969440</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent><List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List><List><TemplateId><![CDATA[9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent></xml>',
  },
  sent: {
    json: '{"ToUserName":"gh_123456789abc","FromUserName":"o7esq5OI1Uej6Xixw1lA2H7XDVbc","CreateTime":1620963428,"MsgType":"event","Event":"subscribe_msg_sent_event","List":{"TemplateId":"BEwX0BOT3MqK3Uc5oTU3CGBqzjpndk2jzUB1zYdPSps","MsgID":1864323726461255680,"ErrorCode":0,"ErrorStatus":"success"}}',
    xml: '<xml><ToUserName><![CDATA[gh_123456789abc]]></ToUserName><FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName><CreateTime>1610969468</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_sent_event]]></Event><SubscribeMsgSentEvent><List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId><MsgID>1700827132819554304</MsgID><ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]></ErrorStatus></List></SubscribeMsgSentEvent></xml>',
  },
  // §8.8 (JSON verbatim; the XML form is inferred in PROTOCOL: same names, agent nested).
  waybill: {
    json: '{"ToUserName":"toUser","FromUserName":"fromUser","CreateTime":1546924844,"MsgType":"event","Event":"update_waybill_status","shopid":"123456","shop_order_id":"123456","waybill_id":"123456","action_time":1546924844,"order_status":102,"action_msg":"","shop_no":"123456","agent":{"name":"xxx","phone":"1234567"}}',
    xml: '<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1546924844</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[update_waybill_status]]></Event><shopid><![CDATA[123456]]></shopid><shop_order_id><![CDATA[123456]]></shop_order_id><waybill_id><![CDATA[123456]]></waybill_id><action_time>1546924844</action_time><order_status>102</order_status><action_msg><![CDATA[]]></action_msg><shop_no><![CDATA[123456]]></shop_no><agent><name><![CDATA[xxx]]></name><phone><![CDATA[1234567]]></phone></agent></xml>',
  },
  // §9.7 (both verbatim).
  path: {
    json: '{"ToUserName":"toUser","FromUserName":"fromUser","CreateTime":1546924844,"MsgType":"event","Event":"add_express_path","DeliveryID":"SF","WayBillId":"123456789","OrderId":"123456789","Version":2,"Count":3,"Actions":[{"ActionTime":1546924840,"ActionType":100001,"ActionMsg":"小哥A揽件成功"},{"ActionTime":1546924841,"ActionType":200001,"ActionMsg":"到达广州集包地"},{"ActionTime":1546924842,"ActionType":200001,"ActionMsg":"运往目的地"}]}',
    xml: '<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1546924844</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[add_express_path]]></Event><DeliveryID><![CDATA[SF]]></DeliveryID><WayBillId><![CDATA[123456789]]></WayBillId><OrderId><![CDATA[123456]]></OrderId><Version>3</Version><Count>3</Count><Actions><ActionTime>1546924840</ActionTime><ActionType>100001</ActionType><ActionMsg><![CDATA[小哥A揽件成功]]></ActionMsg></Actions><Actions><ActionTime>1546924841</ActionTime><ActionType>200001</ActionType><ActionMsg><![CDATA[到达广州集包地]]></ActionMsg></Actions><Actions><ActionTime>1546924842</ActionTime><ActionType>200001</ActionType><ActionMsg><![CDATA[运往目的地]]></ActionMsg></Actions></xml>',
  },
  bind: {
    json: '{"ToUserName":"toUser","FromUserName":"fromUser","CreateTime":1546924844,"MsgType":"event","Event":"update_business_bind_result","errcode":0,"errmsg":"ok","delivery_id":"EMS","biz_id":"1234567"}',
    xml: '<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1546924844</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[update_business_bind_result]]></Event><errcode>0</errcode><errmsg><![CDATA[ok]]></errmsg><delivery_id><![CDATA[EMS]]></delivery_id><biz_id><![CDATA[1234567]]></biz_id></xml>',
  },
} as const;

// ---- shapes: the wire text reduced to field names and wire types, nothing else ----

type Shape = string | { [k: string]: Shape } | Shape[];

/** A JSON text as a tree of wire types: numbers keep their kind and digit count class, not values. */
function jsonShape(text: string): Shape {
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const value = (): Shape => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, Shape> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        const k = JSON.parse(str());
        ws();
        assert.equal(text[i++], ':');
        out[k] = value();
        ws();
        if (text[i++] === '}') return out;
      }
    }
    if (c === '[') {
      i++;
      const out: Shape[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[i++] === ']') return out;
      }
    }
    if (c === '"') {
      str();
      return 'string';
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?|^true|^false|^null/.exec(text.slice(i));
    assert.ok(m, `bad JSON at ${i}`);
    i += m[0].length;
    if (/^\d{16,}$/.test(m[0])) return 'int64';
    return /^-?\d/.test(m[0]) ? 'number' : m[0] === 'null' ? 'null' : 'boolean';
  };
  const str = () => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    return text.slice(start, ++i);
  };
  return value();
}

/** An XML text as a tree: element name → shape, repeated elements as arrays, leaves 'cdata' | 'bare'. */
function xmlShape(text: string): Shape {
  let i = 0;
  const element = (): [string, Shape] => {
    const open = /^<([A-Za-z_][\w.-]*)>/.exec(text.slice(i));
    assert.ok(open, `bad XML at ${i}: ${text.slice(i, i + 20)}`);
    const name = open[1]!;
    i += open[0].length;
    let shape: Shape;
    if (text.startsWith('<![CDATA[', i)) {
      i = text.indexOf(']]>', i) + 3;
      shape = 'cdata';
    } else if (text[i] === '<' && text[i + 1] !== '/') {
      const children: Record<string, Shape> = {};
      while (text[i] === '<' && text[i + 1] !== '/') {
        const [k, v] = element();
        if (k in children) {
          const prev = children[k]!;
          children[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
        } else children[k] = v;
      }
      shape = children;
    } else {
      const end = text.indexOf('<', i);
      const bare = text.slice(i, end);
      i = end;
      shape = /^\d{16,}$/.test(bare) ? 'bare int64' : /^-?\d+$/.test(bare) ? 'bare number' : 'bare text';
    }
    assert.ok(text.startsWith(`</${name}>`, i), `unclosed <${name}>`);
    i += name.length + 3;
    return [name, shape];
  };
  return element()[1];
}

/** Sorts object keys so shapes compare field by field regardless of order. */
function sorted(s: Shape): Shape {
  if (typeof s === 'string') return s;
  if (Array.isArray(s)) return s.map(sorted);
  return Object.fromEntries(
    Object.keys(s)
      .sort()
      .map((k) => [k, sorted(s[k]!)]),
  );
}
const shapeOf = (format: 'json' | 'xml', text: string) => sorted(format === 'json' ? jsonShape(text) : xmlShape(text));

// ---- the app that receives the emulator's pushes ----

interface Received {
  body: string;
}
let emu: EmulatorHandle;
let server: Server;
let url: string;
const received: Received[] = [];
let respond: (body: string, query: URLSearchParams) => string = () => 'success';
const TOKEN = 'shape-token';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

before(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    received.push({ body });
    res.end(respond(body, new URL(req.url ?? '/', 'http://x').searchParams));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
  emu = await start({ areas: [messages, push] });
});
after(async () => {
  await emu.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function configure(format: 'json' | 'xml', mode: 'plain' | 'safe' = 'plain') {
  emu.updateApp(emu.defaultApp.appid, { push: { url, token: TOKEN, encodingAESKey: KEY, mode, format } });
  respond = () => 'success';
}

async function last<T>(fn: () => Promise<T>): Promise<string> {
  const before = received.length;
  await fn();
  assert.equal(received.length, before + 1, 'one push');
  return received.at(-1)!.body;
}

async function token(): Promise<string> {
  const res = await fetch(`${emu.url}/cgi-bin/stable_token`, {
    method: 'POST',
    body: JSON.stringify({
      grant_type: 'client_credential',
      appid: emu.defaultApp.appid,
      secret: emu.defaultApp.secret,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

for (const format of ['json', 'xml'] as const) {
  describe(`emulator pushes in ${format} match the PROTOCOL examples field by field and type by type`, () => {
    let openid: string;
    let templates: string[];
    before(() => {
      configure(format);
      openid = emu.createUser({}).openid;
      templates = [
        emu.messages.addTemplate({ tid: 99, kidList: [1, 2] }).priTmplId,
        emu.messages.addTemplate({ tid: 401, kidList: [1, 2] }).priTmplId,
      ];
    });

    for (const MsgType of ['text', 'image', 'miniprogrampage'] as const) {
      test(`${MsgType} (§7.8), MsgId bare with its exact digits`, async () => {
        const body = await last(() => emu.push.userMessage({ openid, MsgType }));
        assert.deepEqual(shapeOf(format, body), shapeOf(format, EX[MsgType][format]));
        const id = emu.push.deliveries({ limit: 1 })[0].message.MsgId as string;
        assert.ok(BigInt(id) > 2n ** 53n, 'a real 64-bit id');
        assert.ok(body.includes(format === 'json' ? `"MsgId":${id}` : `<MsgId>${id}</MsgId>`), body);
      });
    }

    test('user_enter_tempsession (§7.8)', async () => {
      const body = await last(() => emu.push.enterSession({ openid, SessionFrom: 'from-button' }));
      assert.deepEqual(shapeOf(format, body), shapeOf(format, EX.user_enter_tempsession[format]));
    });

    test('subscribe_msg_popup_event (§7.9): one item (an object in JSON) and two items', async () => {
      let body = await last(() => emu.messages.subscribe({ openid, accept: [templates[0]] }));
      assert.deepEqual(shapeOf(format, body), shapeOf(format, EX.popup1[format]));
      body = await last(() => emu.messages.subscribe({ openid, accept: [templates[0]], reject: [templates[1]] }));
      assert.deepEqual(shapeOf(format, body), shapeOf(format, EX.popup2[format]));
    });

    test('subscribe_msg_sent_event (§7.9): MsgID bare, equal to the msgid the send answered', async () => {
      await emu.messages.subscribe({ openid, accept: [templates[0]] });
      const before = received.length;
      const res = await fetch(`${emu.url}/cgi-bin/message/subscribe/send?access_token=${await token()}`, {
        method: 'POST',
        body: JSON.stringify({
          touser: openid,
          template_id: templates[0],
          data: { thing1: { value: '拿铁' }, amount2: { value: '¥1.00' } },
        }),
      });
      const text = await res.text();
      const msgid = /"msgid":(\d+)/.exec(text)?.[1];
      assert.ok(msgid, text);
      for (let i = 0; i < 100 && received.length === before; i++) await new Promise((r) => setTimeout(r, 50));
      const body = received.at(-1)!.body;
      assert.deepEqual(shapeOf(format, body), shapeOf(format, EX.sent[format]));
      assert.ok(body.includes(format === 'json' ? `"MsgID":${msgid}` : `<MsgID>${msgid}</MsgID>`), body);
    });

    // What other areas send through ctx.push comes out right too: the PROTOCOL examples pushed as they are.
    for (const kind of ['waybill', 'path', 'bind'] as const) {
      test(`${kind} (§8.8/§9.7) pushed through the push area as an area would`, async () => {
        const message = parsePush(EX[kind].json).message;
        // Areas hand over plain objects: the SDK's parse moved nothing for these kinds.
        const body = await last(() => emu.push.send({ message }));
        assert.deepEqual(shapeOf(format, body), shapeOf(format, EX[kind][format]));
      });
    }
  });
}

describe('replies WeChat accepts', () => {
  /** Encrypts a reply as a receiver might: PKCS#7 to `block`-byte blocks (WeChat's own is 32). */
  function encryptReply(message: string, block: 16 | 32): string {
    const key = Buffer.from(`${KEY}=`, 'base64');
    const msg = Buffer.from(message, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(msg.length);
    const full = Buffer.concat([randomBytes(16), len, msg, Buffer.from(emu.defaultApp.appid)]);
    const n = block - (full.length % block);
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([full, Buffer.alloc(n, n)])), cipher.final()]).toString('base64');
  }
  const reply = { ToUserName: 'o', FromUserName: 'gh', CreateTime: 1, MsgType: 'transfer_customer_service' };

  for (const block of [32, 16] as const) {
    test(`an encrypted reply padded to ${block}-byte blocks is accepted${block === 16 ? ', with a warning on the delivery' : ''}`, async () => {
      configure('json', 'safe');
      const openid = emu.createUser({}).openid;
      respond = (_body, query) => {
        // Find a ciphertext length that is not a multiple of 32 for the 16-byte case.
        let Encrypt = encryptReply(serialisePush(reply, 'json'), block);
        for (let i = 0; block === 16 && Buffer.from(Encrypt, 'base64').length % 32 === 0 && i < 20; i++) {
          Encrypt = encryptReply(serialisePush({ ...reply, Pad: 'x'.repeat(i + 1) }, 'json'), block);
        }
        const nonce = query.get('nonce') ?? '';
        return JSON.stringify({
          Encrypt,
          MsgSignature: msgSignature(TOKEN, 1, nonce, Encrypt),
          TimeStamp: 1,
          Nonce: nonce,
        });
      };
      await emu.push.userMessage({ openid });
      const d = emu.push.deliveries({ limit: 1 })[0];
      assert.equal(d.status, 'delivered');
      assert.equal(d.reply.kind, 'message');
      assert.equal(d.reply.message.MsgType, 'transfer_customer_service');
      if (block === 32) assert.equal(d.warnings, undefined);
      else assert.match(d.warnings?.[0] ?? '', /not PKCS#7 over 32-byte blocks/);
    });
  }
});
