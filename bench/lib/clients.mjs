// One adapter per contender, each pointed at the local server the way it allows:
//   raw               : undici Pool.request (same undici as the SDK), 64 keep-alive connections: the tightest path
//   raw (url)         : undici.request(url, { dispatcher }) on the same kind of Pool (the previous baseline)
//   raw (dispatch)    : pool.dispatch() with a handler that only collects the body: no stream.Readable (the floor)
//   @miniapp-server/sdk : baseUrl
//   co-wechat-api     : URL-prefix properties overwritten after construction
//   node-easywechat   : http.baseURL (+ an in-memory cache instead of its default file cache)
//   nest-wechat       : a request interceptor on the axios instance it imports
// Every adapter exposes get() (auth.getPaidUnionId) and post() (subscribeMessage.send); both
// throw when the body carries a non-zero errcode, so "succeeded" means the same for everyone.
import { APPID, BASELINE_SDK_ESM, SDK_ESM, SECRET, benchRequire, sdkRequire } from './common.mjs';

export const OPENID = 'oBench0000000000000000000000';
export const TRANSACTION_ID = '4200000000202400000000000000';
export const SEND = {
  touser: OPENID,
  template_id: 'TEMPLATE_ID_bench_0000000000000000000000',
  page: 'pages/index/index',
  data: { thing1: { value: '拿铁咖啡' }, amount2: { value: '¥23.00' }, time3: { value: '2024-01-01 12:00' } },
};
const WECHAT = 'https://api.weixin.qq.com';
const JSON_HEADERS = { 'content-type': 'application/json' };

/** A 64-connection keep-alive Pool (the SDK's default) and a token fetched once through it. */
async function rawPool(url) {
  const { Pool } = sdkRequire('undici');
  const pool = new Pool(url, { connections: 64, keepAliveTimeout: 30_000 });
  const r = await pool.request({
    method: 'POST',
    path: '/cgi-bin/stable_token',
    headers: JSON_HEADERS,
    body: JSON.stringify({ grant_type: 'client_credential', appid: APPID, secret: SECRET }),
  });
  const token = JSON.parse(await r.body.text()).access_token;
  return { pool, token, close: () => pool.close() };
}
const paidPath = (token) =>
  `/wxa/getpaidunionid?access_token=${encodeURIComponent(token)}&openid=${OPENID}&transaction_id=${TRANSACTION_ID}`;

// The raw contenders' requests: the token arrives encoded once (it is fixed), the GET params are
// encoded per call, as a real caller does with its own values.
const rawGetPath = (t) =>
  `/wxa/getpaidunionid?access_token=${t}&openid=${encodeURIComponent(OPENID)}&transaction_id=${encodeURIComponent(TRANSACTION_ID)}`;
const rawPostPath = (t) => `/cgi-bin/message/subscribe/send?access_token=${t}`;

function check(obj, who) {
  if (obj?.errcode) {
    const e = new Error(`${who}: errcode ${obj.errcode}`);
    e.errcode = obj.errcode;
    throw e;
  }
  return obj;
}

/** In-memory cache for node-easywechat (its CacheInterface), instead of files under ./cache. */
class MemoryCache {
  m = new Map();
  async get(k) {
    const e = this.m.get(k);
    if (!e) return undefined;
    if (e.exp && e.exp < Date.now()) {
      this.m.delete(k);
      return undefined;
    }
    return e.v;
  }
  async has(k) {
    return (await this.get(k)) !== undefined;
  }
  async set(k, v, lifetime) {
    this.m.set(k, { v, exp: lifetime ? Date.now() + lifetime * 1000 : 0 });
    return true;
  }
  async delete(k) {
    return this.m.delete(k);
  }
}

const factories = {
  // The tightest undici path: Pool.request with a path (no URL parsed per call), body read with
  // text() then JSON.parse, the token fetched once.
  async raw(url) {
    const { pool, token, close } = await rawPool(url);
    const t = encodeURIComponent(token);
    const postPath = rawPostPath(t);
    return {
      warm: async () => {},
      async get() {
        const r = await pool.request({ method: 'GET', path: rawGetPath(t), headers: undefined, body: undefined });
        return check(JSON.parse(await r.body.text()), 'raw');
      },
      async post() {
        const r = await pool.request({
          method: 'POST',
          path: postPath,
          headers: JSON_HEADERS,
          body: JSON.stringify(SEND), // per call, as any real caller serialises its params
        });
        return check(JSON.parse(await r.body.text()), 'raw');
      },
      close,
    };
  },

  // The previous baseline, kept as a reference row: undici.request(url, { dispatcher }) parses a
  // URL per call and reads the body with json().
  async 'raw (url)'(url) {
    const { request } = sdkRequire('undici');
    const { pool, token, close } = await rawPool(url);
    return {
      warm: async () => {},
      async get() {
        const r = await request(`${url}${paidPath(token)}`, { dispatcher: pool });
        return check(await r.body.json(), 'raw (url)');
      },
      async post() {
        const r = await request(`${url}/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`, {
          method: 'POST',
          headers: JSON_HEADERS,
          body: JSON.stringify(SEND),
          dispatcher: pool,
        });
        return check(await r.body.json(), 'raw (url)');
      },
      close,
    };
  },

  // The floor under raw: pool.dispatch with a handler that only collects the body (no Readable per
  // response, no header object): the path the SDK's transport takes, without the SDK around it.
  async 'raw (dispatch)'(url) {
    const { pool, token, close } = await rawPool(url);
    const t = encodeURIComponent(token);
    const postPath = rawPostPath(t);
    const origin = new URL(url).origin;
    const send = (method, path, headers, body) =>
      new Promise((resolve, reject) => {
        const chunks = [];
        pool.dispatch(
          { origin, method, path, headers, body },
          {
            onConnect() {},
            onHeaders: () => true,
            onData: (c) => chunks.push(c) > 0,
            onComplete: () => resolve((chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString()),
            onError: reject,
          },
        );
      });
    return {
      warm: async () => {},
      async get() {
        return check(JSON.parse(await send('GET', rawGetPath(t), undefined, undefined)), 'raw (dispatch)');
      },
      async post() {
        const text = await send('POST', postPath, JSON_HEADERS, JSON.stringify(SEND));
        return check(JSON.parse(text), 'raw (dispatch)');
      },
      close,
    };
  },

  async sdk(url) {
    const { MiniApp } = await import(SDK_ESM);
    const app = new MiniApp({ appId: APPID, appSecret: SECRET, baseUrl: url });
    return {
      warm: () => app.accessToken(),
      get: () => app.auth.getPaidUnionId({ openid: OPENID, transaction_id: TRANSACTION_ID }),
      post: () => app.subscribeMessage.send(SEND),
      close: () => app.close(),
    };
  },

  // The SDK before the cold-start work (bench/.baseline, see makeBaseline): cold-start.mjs only.
  async 'sdk (before)'(url) {
    const { MiniApp } = await import(BASELINE_SDK_ESM);
    const app = new MiniApp({ appId: APPID, appSecret: SECRET, baseUrl: url });
    return {
      warm: () => app.accessToken(),
      get: () => app.auth.getPaidUnionId({ openid: OPENID, transaction_id: TRANSACTION_ID }),
      post: () => app.subscribeMessage.send(SEND),
      close: () => app.close(),
    };
  },

  async 'sdk (classic)'(url) {
    const { MiniApp } = await import(SDK_ESM);
    const app = new MiniApp({ appId: APPID, appSecret: SECRET, baseUrl: url, tokenMode: 'classic' });
    return {
      warm: () => app.accessToken(),
      get: () => app.auth.getPaidUnionId({ openid: OPENID, transaction_id: TRANSACTION_ID }),
      post: () => app.subscribeMessage.send(SEND),
      close: () => app.close(),
    };
  },

  async 'co-wechat-api'(url) {
    const API = benchRequire('co-wechat-api');
    const api = new API(APPID, SECRET);
    // Its URLs are built from these prefixes; overwrite them after construction.
    for (const k of Object.keys(api)) {
      if (typeof api[k] === 'string' && api[k].startsWith('https://api.weixin.qq.com/')) {
        api[k] = api[k].replace(WECHAT, url);
      }
    }
    return {
      warm: () => api.ensureAccessToken(),
      // co-wechat-api has no getPaidUnionId: the same two steps its own methods take.
      async get() {
        const { accessToken } = await api.ensureAccessToken();
        const r = await api.request(
          `${api.wxaPrefix}getpaidunionid?access_token=${accessToken}&openid=${OPENID}&transaction_id=${TRANSACTION_ID}`,
        );
        return check(r, 'co-wechat-api');
      },
      post: async () =>
        check(await api.sendSubscribeMessage(SEND.touser, SEND.template_id, SEND.page, SEND.data), 'co'),
      close: async () => {},
    };
  },

  async 'node-easywechat'(url) {
    const { MiniApp } = benchRequire('node-easywechat');
    const app = new MiniApp({
      app_id: APPID,
      secret: SECRET,
      use_stable_access_token: true,
      http: { baseURL: `${url}/` },
    });
    app.setCache(new MemoryCache());
    const client = app.getClient();
    return {
      warm: () => app.getAccessToken().getToken(),
      async get() {
        const r = await client.get('/wxa/getpaidunionid', {
          params: { openid: OPENID, transaction_id: TRANSACTION_ID },
        });
        return check(r.toObject(), 'node-easywechat');
      },
      async post() {
        const r = await client.post('/cgi-bin/message/subscribe/send', { json: SEND });
        return check(r.toObject(), 'node-easywechat');
      },
      close: async () => {},
    };
  },

  async 'nest-wechat'(url) {
    benchRequire('reflect-metadata');
    const { WeChatService } = benchRequire('nest-wechat');
    // nest-wechat calls the default export of the axios it resolves; intercept that instance.
    const nestRequire = (await import('node:module')).createRequire(benchRequire.resolve('nest-wechat'));
    const axios = nestRequire('axios');
    if (!axios.__benchIntercepted) {
      axios.__benchIntercepted = new Map();
      axios.interceptors.request.use((cfg) => {
        const target = axios.__benchTarget;
        if (target && typeof cfg.url === 'string' && cfg.url.startsWith(WECHAT))
          cfg.url = target + cfg.url.slice(WECHAT.length);
        return cfg;
      });
    }
    axios.__benchTarget = url;
    const svc = new WeChatService({ appId: APPID, secret: SECRET });
    return {
      warm: () => svc.getToken(),
      // nest-wechat has no getPaidUnionId; its methods are one axios call with the token the caller got.
      async get() {
        const token = await svc.getToken();
        const r = await axios.get(
          `${WECHAT}/wxa/getpaidunionid?access_token=${token}&openid=${OPENID}&transaction_id=${TRANSACTION_ID}`,
        );
        return check(r.data, 'nest-wechat');
      },
      async post() {
        const token = await svc.getToken();
        const r = await svc.mp.sendMessage(SEND, token);
        return check(r.data, 'nest-wechat');
      },
      close: async () => {},
    };
  },
};

// 'raw (again)' is raw a second time (its own Pool): raw ÷ raw (again) is the noise of the method.
factories['raw (again)'] = factories.raw;

export const CONTENDERS = [
  'raw',
  'raw (again)',
  'raw (url)',
  'raw (dispatch)',
  'sdk',
  'co-wechat-api',
  'node-easywechat',
  'nest-wechat',
];
export const PEERS = ['co-wechat-api', 'node-easywechat', 'nest-wechat'];

export function makeClient(name, url) {
  return factories[name](url);
}
