/**
 * `startEmulator()`: a Fastify server speaking api.weixin.qq.com's protocol (PROTOCOL.md), with
 * the admin API under /__emulator/ and one module per area mounted through `AreaContext`.
 */
import multipart from '@fastify/multipart';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import { AdminError, AdminOps, type AppInput, completeApp } from './admin/ops.js';
import { coreAdminRoutes } from './admin/routes.js';
import { areas as defaultAreas } from './areas/index.js';
import { MAX_UPLOAD_BYTES, rawBodyOf } from './body.js';
import { Clock, type ClockOption } from './clock.js';
import type { AdminRouteDef, AreaContext, AreaModule, EmuApp } from './context.js';
import { WxError } from './context.js';
import type { CoreContext, CoreModule } from './core.js';
import { Faults } from './faults.js';
import { RequestLog } from './request-log.js';
import { firstValues, WxRouter } from './router.js';
import { loginRoutes } from './areas/auth/login.js';
import { paidUnionidRoutes } from './areas/auth/paid-unionid.js';
import { phoneRoutes } from './areas/auth/phone.js';
import { sessionRoutes } from './areas/auth/session.js';
import { tokenRoutes } from './areas/auth/token.js';
import { DEFAULT_APP, State, userKey } from './state.js';
import { Tokens } from './tokens.js';
import { E, errorBody, sendJson } from './wire.js';
import { randomBytes } from 'node:crypto';

export interface EmulatorOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /**
   * Apps to seed; the first is the default app. Missing appid/secret/originalId are generated.
   * @default one fixed app, `DEFAULT_APP` (appid `wx0123456789abcdef`)
   */
  apps?: AppInput[];
  /** Virtual clock start (Unix seconds, Date, or `{ start, frozen }`). @default real time, running */
  clock?: ClockOption;
  /** Fastify logger: `true`, options, or a pino-compatible instance. @default false (silent) */
  logger?: FastifyServerOptions['logger'] | FastifyBaseLogger;
  /** Area modules to mount. @default every module in areas/index.ts */
  areas?: AreaModule[];
  /** Seed of the fault dice (faults with a `rate`), so chaos runs repeat. @default unseeded (Math.random) */
  faultSeed?: number;
}

type Methods<T> = { [K in keyof T as T[K] extends (...a: any[]) => any ? K : never]: T[K] };

/** The running emulator: its URL, `close()`, and every admin operation as a method. */
export type EmulatorHandle = Methods<AdminOps> & {
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  /** The seeded default app (a copy; use `getApp` for the current state). */
  readonly defaultApp: EmuApp;
  /** The virtual clock. */
  readonly clock: Clock;
  /** The Fastify instance (for `inject()` or extra routes before listening is over). */
  readonly server: FastifyInstance;
  /** Each area's handle methods, by area name (also reachable as `handle[name]`). */
  readonly areas: Record<string, Record<string, (...args: any[]) => any>>;
  /** Every WeChat route mounted, as [method, path]. */
  routes(): { method: string; path: string }[];
  close(): Promise<void>;
  /** Area handles by area name (`handle.ocr.addFixture(...)`). */
  [area: string]: any;
};

const CORE_MODULES: CoreModule[] = [tokenRoutes, loginRoutes, sessionRoutes, paidUnionidRoutes, phoneRoutes];

/**
 * Starts an emulator of `api.weixin.qq.com` on 127.0.0.1 (a free port by default).
 * @example const emu = await startEmulator(); // emu.url, emu.defaultApp.appid, emu.createLoginCode()
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const clock = new Clock(options.clock);
  const seedApps = (options.apps?.length ? options.apps : [DEFAULT_APP]).map((a) => completeApp(a));
  const state = new State({ apps: seedApps, now: () => clock.now() });
  const defaultAppid = (seedApps[0] as EmuApp).appid;
  const tokens = new Tokens(state, clock);
  const faults = new Faults(options.faultSeed);
  const log = new RequestLog();
  const tokenRequests: Record<string, number> = {};

  const loggerOpt = options.logger ?? false;
  const isInstance =
    typeof loggerOpt === 'object' && loggerOpt !== null && typeof (loggerOpt as FastifyBaseLogger).info === 'function';
  const app = Fastify({
    ...(isInstance
      ? { loggerInstance: loggerOpt as FastifyBaseLogger }
      : { logger: loggerOpt as FastifyServerOptions['logger'] }),
    bodyLimit: MAX_UPLOAD_BYTES + 1024 * 1024,
    forceCloseConnections: true,
    // Fastify's request log would print URLs with access_token/secret; router.ts logs redacted lines instead.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: false,
  });
  // Keep raw bytes for every content type (real clients send odd ones); body.ts parses them and
  // answers 47001/44002 the WeChat way instead of Fastify's 400 pages.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 20, fieldSize: 1024 * 1024 } });

  const router = new WxRouter({ clock, tokens, faults, log, logger: app.log });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const path = req.url.split('?', 1)[0] ?? '/';
    if (path.startsWith('/__emulator/')) {
      reply.code(err.statusCode && err.statusCode < 500 ? err.statusCode : 500).send({ error: err.message });
      return;
    }
    const tooLarge = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
    const answer = tooLarge ? new WxError(40006, 'invalid media size') : E.dataFormat();
    sendJson(reply, errorBody(answer));
    log.add({
      time: clock.nowMs(),
      method: req.method,
      path,
      query: firstValues(req.query),
      status: 200,
      errcode: answer.errcode,
    });
  });

  const adminRoute = (def: AdminRouteDef) => {
    app.route({
      method: def.method,
      url: `/__emulator/${def.path.replace(/^\/+/, '')}`,
      handler: async (req, reply) => {
        const raw = rawBodyOf(req);
        let body: unknown;
        if (raw && raw.length > 0) {
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch {
            return reply.code(400).send({ error: 'admin request body must be JSON' });
          }
        }
        try {
          const out = await def.handler({
            query: firstValues(req.query),
            body,
            params: (req.params ?? {}) as Record<string, string>,
          });
          return reply
            .code(200)
            .header('content-type', 'application/json; charset=utf-8')
            .send(JSON.stringify(out ?? { ok: true }));
        } catch (err) {
          const status = err instanceof AdminError ? err.status : 400;
          const extra = err instanceof WxError ? { errcode: err.errcode } : {};
          return reply.code(status).send({ error: (err as Error).message, ...extra });
        }
      },
    });
  };

  const listeners = new Map<string, Set<(payload: any) => void>>();
  const closers: Array<() => Promise<void> | void> = [];
  let pushFn: ((appid: string, message: Record<string, unknown>) => Promise<unknown>) | undefined;

  const ctx: CoreContext = {
    clock,
    state,
    tokens,
    tokenRequests,
    route: (def) => router.add(def),
    admin: adminRoute,
    slice: (name, init) => state.slice(name, init),
    getApp: (appid) => state.apps[appid],
    listApps: () => Object.values(state.apps),
    getUser: (appid, openid) => state.users[userKey(appid, openid)],
    listUsers: (appid) => Object.values(state.users).filter((u) => u.appid === appid),
    randomId: (bytes = 16) => randomBytes(bytes).toString('hex'),
    async push(appid, message) {
      const target = state.apps[appid];
      if (!pushFn || !target?.push) return undefined;
      return pushFn(appid, message);
    },
    providePush(fn) {
      if (pushFn) throw new Error('providePush: a push implementation is already installed');
      pushFn = fn;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
    },
    onClose(fn) {
      closers.push(fn);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) {
        try {
          l(payload);
        } catch (err) {
          app.log.error({ err, event }, 'emulator event listener failed');
        }
      }
    },
  };

  const ops = new AdminOps({ state, clock, tokens, faults, log, tokenRequests, defaultAppid: () => defaultAppid });
  for (const def of coreAdminRoutes(ops, { routes: () => router.list() })) adminRoute(def);
  for (const mod of CORE_MODULES) mod(ctx);

  const areaHandles: Record<string, Record<string, (...args: any[]) => any>> = {};
  const areaCtx: AreaContext = ctx;
  for (const area of options.areas ?? defaultAreas) {
    if (areaHandles[area.name]) throw new Error(`area ${area.name} is mounted twice`);
    areaHandles[area.name] = area.register(areaCtx) ?? {};
  }

  const wx = (req: Parameters<WxRouter['handle']>[0], reply: Parameters<WxRouter['handle']>[1]) =>
    router.handle(req, reply);
  app.all('/', wx);
  app.all('/*', wx);

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const handle: Record<string, unknown> = { ...areaHandles };
  for (const name of Object.getOwnPropertyNames(AdminOps.prototype)) {
    if (name === 'constructor') continue;
    const fn = (ops as unknown as Record<string, unknown>)[name];
    if (typeof fn === 'function') handle[name] = fn.bind(ops);
  }
  Object.assign(handle, {
    url,
    defaultApp: structuredClone(state.apps[defaultAppid]),
    clock,
    server: app,
    areas: areaHandles,
    routes: () => router.list(),
    close: async () => {
      await app.close();
      // Area resources (workers, timers) after the server, so no request is still using them.
      const results = await Promise.allSettled(closers.map(async (fn) => fn()));
      for (const r of results)
        if (r.status === 'rejected') app.log.error({ err: r.reason }, 'emulator area onClose failed');
    },
  });
  return handle as EmulatorHandle;
}
