// Benchmark 4a: push, in process. verify (msg_signature) + decrypt + parse of one encrypted
// (safe-mode) JSON push and one encrypted XML push, ops/s:
//   sdk.handle        PushReceiver.handle (the whole receiver: timestamp, signature, decrypt, parse, dispatch, reply)
//   sdk.crypto        the SDK's exported functions: msgSignature + decryptMessage + parsePush
//   sdk.decrypt       msgSignature + decryptMessage, then JSON.parse / fast-xml-parser as the floor
//                     does (the crypto alone against @wecom/crypto: the decrypt goal)
//   floor             @wecom/crypto getSignature + decrypt, then JSON.parse (JSON) / fast-xml-parser (XML)
//   wechat-crypto     WXBizMsgCrypt getSignature + decrypt, then the same parse
//   node-easywechat   MiniApp server: ServerRequest -> getServer().serve() (the handler sees the message)
//   nest-wechat       MessageCrypto.decryptMessage (XML envelope only) + XMLParser
// Every contender is first checked to return the right message; one that cannot is reported N/A.
// Interleaved rounds, fixed op count per sample, medians. Prints one JSON object on stdout.
import { SDK_ESM, benchRequire, median, rotate, sdkRequire } from './lib/common.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
// 8000 ops: a sample of ~0.1-0.5 s (3000 made 50 ms samples, too short for this noisy machine).
const OPS = Math.round(8000 * Number(process.env.BENCH_SCALE ?? 1));
const MAX_MS = 1500;

const sdk = await import(SDK_ESM);
const wecom = benchRequire('@wecom/crypto');
const WXBizMsgCrypt = benchRequire('wechat-crypto');
const { XMLParser } = sdkRequire('fast-xml-parser');
benchRequire('reflect-metadata');
const { MessageCrypto } = benchRequire('nest-wechat');
const { XMLParser: NestXMLParser } = (await import('node:module')).createRequire(benchRequire.resolve('nest-wechat'))(
  'fast-xml-parser',
);
const EasyWeChat = benchRequire('node-easywechat');
const ServerRequest = benchRequire('node-easywechat/dist/Core/Http/ServerRequest');

const TOKEN = 'benchPushToken2024';
const AES = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wxbench0000000001';
// Long enough for a ~600-character Encrypt in the JSON push (the issue's figure).
const CONTENT =
  '你好，我想查询订单 #20240101-0042 的配送进度。昨天下午下的单，页面一直显示“待发货”，请帮忙看看什么时候能发出。另外想改一下收货地址，可以吗？麻烦尽快回复，谢谢！';
const message = (i) => ({
  ToUserName: 'gh_0123456789ab',
  FromUserName: 'oBench0000000000000000000000',
  CreateTime: 1700000000 + i,
  MsgType: 'text',
  Content: CONTENT,
  MsgId: String(24000000000000000000n + BigInt(i)),
});

function makePush(format, i) {
  return sdk.createSignedPush({
    token: TOKEN,
    encodingAESKey: AES,
    appId: APPID,
    message: message(i),
    format,
    mode: 'safe',
  });
}

const receiver = new sdk.PushReceiver({ token: TOKEN, appId: APPID, encodingAESKey: AES, dedupe: false });
let seen;
receiver.onAny((m) => {
  seen = m;
});
const xml = new XMLParser({ parseTagValue: false });
const nestXml = new NestXMLParser();
const wx = new WXBizMsgCrypt(TOKEN, AES, APPID);
const easy = new EasyWeChat.MiniApp({ app_id: APPID, secret: 'x', token: TOKEN, aes_key: AES });

function envelopeEncrypt(format, body) {
  return format === 'json' ? JSON.parse(body).Encrypt : xml.parse(body).xml.Encrypt;
}
function parseInner(format, text) {
  return format === 'json' ? JSON.parse(text) : xml.parse(text).xml;
}

// Each returns the parsed message (checked once before timing).
const contenders = {
  'sdk.handle': async (p) => {
    seen = undefined;
    const r = await receiver.handle(p);
    if (r.status !== 200) throw new Error(`status ${r.status}: ${r.body}`);
    return seen;
  },
  'sdk.crypto': (p, format) => {
    const encrypt = envelopeEncrypt(format, p.body);
    const { timestamp, nonce, msg_signature } = p.query;
    if (sdk.msgSignature(TOKEN, timestamp, nonce, encrypt) !== msg_signature) throw new Error('bad signature');
    return sdk.parsePush(sdk.decryptMessage({ encodingAESKey: AES, appId: APPID, encrypt })).message;
  },
  'sdk.decrypt': (p, format) => {
    const encrypt = envelopeEncrypt(format, p.body);
    const { timestamp, nonce, msg_signature } = p.query;
    if (sdk.msgSignature(TOKEN, timestamp, nonce, encrypt) !== msg_signature) throw new Error('bad signature');
    return parseInner(format, sdk.decryptMessage({ encodingAESKey: AES, appId: APPID, encrypt }));
  },
  floor: (p, format) => {
    const encrypt = envelopeEncrypt(format, p.body);
    const { timestamp, nonce, msg_signature } = p.query;
    if (wecom.getSignature(TOKEN, timestamp, nonce, encrypt) !== msg_signature) throw new Error('bad signature');
    const { message: text, id } = wecom.decrypt(AES, encrypt);
    if (id !== APPID) throw new Error('bad appid');
    return parseInner(format, text);
  },
  'wechat-crypto': (p, format) => {
    const encrypt = envelopeEncrypt(format, p.body);
    const { timestamp, nonce, msg_signature } = p.query;
    if (wx.getSignature(timestamp, nonce, encrypt) !== msg_signature) throw new Error('bad signature');
    const { message: text, id } = wx.decrypt(encrypt);
    if (id !== APPID) throw new Error('bad appid');
    return parseInner(format, text);
  },
  'node-easywechat': async (p) => {
    easy.setRequest(new ServerRequest('POST', `/push${p.search}`, {}, p.body));
    const server = easy.getServer();
    let got;
    server.handlers = [];
    server.with((m, next) => {
      got = { ...m.attributes };
      return next(m);
    });
    await server.serve();
    return got;
  },
  'nest-wechat': (p, format) => {
    if (format !== 'xml') throw new Error('decryptMessage reads an XML envelope only');
    const { timestamp, nonce, msg_signature } = p.query;
    const text = MessageCrypto.decryptMessage(TOKEN, AES, msg_signature, timestamp, nonce, p.body);
    return nestXml.parse(text).xml;
  },
};
const NAMES = Object.keys(contenders);

const result = {};
for (const format of ['json', 'xml']) {
  const usable = [];
  const na = {};
  for (const name of NAMES) {
    try {
      const m = await contenders[name](makePush(format, 1), format);
      if (!m || m.Content !== CONTENT || String(m.MsgType) !== 'text') {
        throw new Error(`wrong result: ${JSON.stringify(m)?.slice(0, 120)}`);
      }
      usable.push(name);
    } catch (e) {
      na[name] = String(e?.message ?? e).slice(0, 160);
    }
  }
  const samples = Object.fromEntries(usable.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    // Fresh pushes each round (the receiver checks the timestamp; distinct messages).
    const pushes = Array.from({ length: 256 }, (_, i) => makePush(format, r * 1000 + i));
    for (const name of rotate(usable, r)) {
      const fn = contenders[name];
      for (let i = 0; i < 200; i++) await fn(pushes[i & 255], format); // warm
      const t0 = performance.now();
      let n = 0;
      for (; n < OPS; n++) {
        await fn(pushes[n & 255], format);
        if ((n & 63) === 0 && performance.now() - t0 > MAX_MS) break;
      }
      samples[name].push((n / (performance.now() - t0)) * 1000);
    }
  }
  const table = {};
  for (const n of usable) {
    table[n] = {
      opsPerSec: median(samples[n]),
      samples: samples[n],
      vsFloor: median(samples[n].map((x, i) => x / samples.floor[i])),
      vsFloorRange: [
        Math.min(...samples[n].map((x, i) => x / samples.floor[i])),
        Math.max(...samples[n].map((x, i) => x / samples.floor[i])),
      ],
      sdkHandleRatio: median(samples[n].map((x, i) => samples['sdk.handle'][i] / x)),
    };
  }
  result[format] = { table, na, encryptChars: envelopeEncrypt(format, makePush(format, 1).body).length };
  for (const [n, why] of Object.entries(na)) process.stderr.write(`push ${format}: ${n} N/A: ${why}\n`);
  process.stderr.write(`push ${format}: ${usable.map((n) => `${n} ${Math.round(table[n].opsPerSec)}/s`).join(', ')}\n`);
}
process.stdout.write(`${JSON.stringify({ rounds: ROUNDS, opsPerSample: OPS, result })}\n`);
