// One adapter per contender, each pointed at the local server the way it allows:
//   raw undici        : undici.Pool (same undici as the SDK), 64 keep-alive connections
//   @miniapp-server/sdk : baseUrl
//   co-wechat-api     : URL-prefix properties overwritten after construction
//   node-easywechat   : http.baseURL (+ an in-memory cache instead of its default file cache)
//   nest-wechat       : a request interceptor on the axios instance it imports
// Every adapter exposes get() (auth.getPaidUnionId) and post() (subscribeMessage.send); both
// throw when the body carries a non-zero errcode, so "succeeded" means the same for everyone.
import { APPID, SDK_ESM, SECRET, benchRequire, sdkRequire } from './common.mjs';

export const OPENID = 'oBench0000000000000000000000';
export const TRANSACTION_ID = '4200000000202400000000000000';
export const SEND = {
  touser: OPENID,
  template_id: 'TEMPLATE_ID_bench_0000000000000000000000',
  page: 'pages/index/index',
  data: { thing1: { value: '拿铁咖啡' }, amount2: { value: '¥23.00' }, time3: { value: '2024-01-01 12:00' } },
};
const WECHAT = 'https://api.weixin.qq.com';

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
  async raw(url) {
    const { Pool } = sdkRequire('undici');
    const pool = new Pool(url, { connections: 64, keepAliveTimeout: 30_000 });
    let token;
    const fetchToken = async () => {
      const r = await pool.request({
        method: 'POST',
        path: '/cgi-bin/stable_token',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credential', appid: APPID, secret: SECRET }),
      });
      token = (await r.body.json()).access_token;
    };
    const getPath = () =>
      `/wxa/getpaidunionid?access_token=${encodeURIComponent(token)}&openid=${OPENID}&transaction_id=${TRANSACTION_ID}`;
    const headers = { 'content-type': 'application/json' };
    return {
      warm: fetchToken,
      async get() {
        const r = await pool.request({ method: 'GET', path: getPath() });
        return check(await r.body.json(), 'raw');
      },
      async post() {
        const r = await pool.request({
          method: 'POST',
          path: `/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`,
          headers,
          body: JSON.stringify(SEND), // per call, as any real caller serialises its params
        });
        return check(await r.body.json(), 'raw');
      },
      close: () => pool.close(),
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

export const CONTENDERS = ['raw', 'sdk', 'co-wechat-api', 'node-easywechat', 'nest-wechat'];
export const PEERS = ['co-wechat-api', 'node-easywechat', 'nest-wechat'];

export function makeClient(name, url) {
  return factories[name](url);
}
