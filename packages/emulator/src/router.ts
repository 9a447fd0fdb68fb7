/**
 * `ctx.route()` implemented once for every area: fault injection, path and method checks,
 * access_token check, body parsing, WxError → HTTP 200 JSON, binary results, request log.
 */
import { redact } from '@miniapp-server/sdk';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { type ParsedBody, loggableBody, parseBody, rawBodyOf } from './body.js';
import type { EmuApp, RouteDef, VirtualClock, WireSession, WireTransform, WxResult } from './context.js';
import { WxError } from './context.js';
import type { Fault, Faults } from './faults.js';
import type { LoggedRequest, RequestLog } from './request-log.js';
import type { Tokens } from './tokens.js';
import { E, errorBody, sendJson, WX_JSON_TYPE } from './wire.js';

type Outcome = { status: number; errcode?: number; fault?: string };

export interface RouterDeps {
  clock: VirtualClock;
  tokens: Tokens;
  faults: Faults;
  log: RequestLog;
  logger: FastifyBaseLogger;
}

const ERRCODE_TEXT: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40014: 'invalid access_token',
  42001: 'access_token expired',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
};

export function firstValues(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = String(first);
  }
  return out;
}

export class WxRouter {
  private readonly routes = new Map<string, Map<string, RouteDef>>();
  private transform?: WireTransform;

  constructor(private readonly deps: RouterDeps) {}

  add(def: RouteDef): void {
    if (def.method !== 'GET' && def.method !== 'POST')
      throw new TypeError(`route ${def.path}: method must be GET or POST`);
    if (!def.path.startsWith('/')) throw new TypeError(`route ${def.path}: path must start with /`);
    if (def.path.startsWith('/__emulator'))
      throw new TypeError(`route ${def.path}: /__emulator/ is reserved for the admin API`);
    const byMethod = this.routes.get(def.path) ?? new Map<string, RouteDef>();
    if (byMethod.has(def.method)) throw new Error(`route ${def.method} ${def.path} is registered twice`);
    byMethod.set(def.method, def);
    this.routes.set(def.path, byMethod);
  }

  /** Installs the wire transform (one per emulator). */
  setTransform(t: WireTransform): void {
    if (this.transform) throw new Error('a wire transform is already installed');
    this.transform = t;
  }

  /** Every registered [method, path]. */
  list(): { method: string; path: string }[] {
    return [...this.routes].flatMap(([path, m]) => [...m.keys()].map((method) => ({ method, path })));
  }

  async handle(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const path = req.url.split('?', 1)[0] ?? '/';
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const query = firstValues(req.query);
    const time = this.deps.clock.nowMs();
    let app: EmuApp | undefined;
    let parsed: ParsedBody | undefined;
    let faultLatencyMs = 0;
    let outcome: Outcome;
    const note: Record<string, unknown> | undefined = this.transform ? {} : undefined;
    try {
      outcome = await this.run(
        req,
        reply,
        path,
        method,
        query,
        (a) => {
          app = a;
        },
        (p) => {
          parsed = p;
        },
        (ms) => {
          faultLatencyMs = ms;
        },
        note,
      );
    } catch (err) {
      outcome = this.fail(reply, err);
    }
    const entry: Omit<LoggedRequest, 'seq'> = { time, method: req.method, path, query, ...outcome };
    if (faultLatencyMs > 0) entry.faultLatencyMs = faultLatencyMs;
    const body = loggableBody(parsed, req);
    if (body !== undefined) entry.body = body;
    if (parsed?.files.length)
      entry.files = parsed.files.map((f) => ({
        field: f.field,
        filename: f.filename,
        contentType: f.contentType,
        size: f.data.length,
      }));
    const bodyAppid = body && typeof body === 'object' ? (body as { appid?: unknown }).appid : undefined;
    const appid = app?.appid ?? query.appid ?? (typeof bodyAppid === 'string' ? bodyAppid : undefined);
    if (appid) entry.appid = appid;
    if (note && Object.keys(note).length > 0) entry.security = note;
    this.deps.log.add(entry);
    // Skipped (with its redaction) when nothing would print it: the default logger is silent.
    const logger = this.deps.logger as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
    if (
      logger.isLevelEnabled ? logger.isLevelEnabled('info') : logger.level !== undefined && logger.level !== 'silent'
    ) {
      logger.info(
        { method: req.method, url: redact(req.url), status: entry.status, errcode: entry.errcode },
        'wechat api request',
      );
    }
  }

  private async run(
    req: FastifyRequest,
    reply: FastifyReply,
    path: string,
    method: string,
    query: Record<string, string>,
    setApp: (a: EmuApp) => void,
    setParsed: (p: ParsedBody) => void,
    setLatency: (ms: number) => void,
    note?: Record<string, unknown>,
  ): Promise<Outcome> {
    const plan = this.deps.faults.plan(method, path);
    if (plan.latencyMs > 0) {
      setLatency(plan.latencyMs);
      await new Promise((r) => setTimeout(r, plan.latencyMs));
    }
    if (plan.terminal) return this.injectFault(reply, plan.terminal);

    const byMethod = this.routes.get(path);
    if (!byMethod) {
      const err = new WxError(404, `invalid url: no api at ${path}`);
      sendJson(reply, errorBody(err), 404);
      return { status: 404, errcode: 404 };
    }
    const def = byMethod.get(method);
    if (!def) throw byMethod.has('POST') ? E.requirePost() : E.requireGet();

    let app = undefined as unknown as EmuApp;
    if (def.auth === 'access_token') {
      app = this.deps.tokens.check(query.access_token);
      setApp(app);
    }
    const session = note
      ? this.transform!.open({
          method,
          path,
          route: def,
          app,
          query,
          headers: req.headers,
          rawBody: rawBodyOf(req),
          note,
        })
      : undefined;
    const parsed = session ? { body: session.params, files: [] } : await parseBody(def, req);
    if (!session) setParsed(parsed);
    let result: WxResult;
    try {
      result = await def.handler({
        app,
        query,
        body: parsed.body,
        files: parsed.files,
        raw: req,
        rawBody: rawBodyOf(req),
      });
    } catch (err) {
      // A business error of a secured call is sealed like a success (only layer failures are plaintext).
      if (!session || !(err instanceof WxError)) throw err;
      return this.sendBody(reply, errorBody(err), session);
    }
    return this.sendResult(reply, def, result, session);
  }

  private sendResult(reply: FastifyReply, def: RouteDef, result: WxResult, session?: WireSession): Outcome {
    if (result && Buffer.isBuffer((result as { binary?: unknown }).binary)) {
      const bin = result as { binary: Buffer; contentType: string; headers?: Record<string, string> };
      // JSON written as bytes (to keep a big integer exact) is still a JSON answer to seal.
      if (session && /json/i.test(bin.contentType)) return this.sendBody(reply, bin.binary.toString('utf8'), session);
      reply
        .code(200)
        .headers(bin.headers ?? {})
        .header('content-type', bin.contentType)
        .send(bin.binary);
      return { status: 200 };
    }
    return this.sendBody(reply, def.bare ? (result ?? {}) : { errcode: 0, errmsg: 'ok', ...result }, session);
  }

  private sendBody(reply: FastifyReply, body: Record<string, unknown> | string, session?: WireSession): Outcome {
    const errcode = Number((typeof body === 'string' ? JSON.parse(body) : body).errcode ?? 0);
    if (session) {
      const sealed = session.seal(body);
      reply.code(200).headers(sealed.headers).header('content-type', WX_JSON_TYPE).send(Buffer.from(sealed.body));
    } else sendJson(reply, body);
    return { status: 200, errcode: Number.isFinite(errcode) ? errcode : undefined };
  }

  private fail(reply: FastifyReply, err: unknown): Outcome {
    const wx = err instanceof WxError ? err : undefined;
    if (!wx) this.deps.logger.error({ err }, 'emulator route handler failed');
    const answer = wx ?? E.system();
    if (!reply.sent) sendJson(reply, errorBody(answer));
    return { status: 200, errcode: answer.errcode };
  }

  private injectFault(reply: FastifyReply, fault: Fault): Outcome {
    switch (fault.kind) {
      case 'reset':
        reply.hijack();
        reply.raw.socket?.resetAndDestroy?.() ?? reply.raw.socket?.destroy();
        return { status: 0, fault: fault.id };
      case 'http': {
        const status = fault.status ?? 502;
        reply
          .code(status)
          .header('content-type', 'text/html')
          .send(`<html><body><h1>${status}</h1>injected by the emulator</body></html>`);
        return { status, fault: fault.id };
      }
      default: {
        const errcode = fault.errcode ?? -1;
        sendJson(reply, errorBody(new WxError(errcode, fault.errmsg ?? ERRCODE_TEXT[errcode] ?? 'injected error')));
        return { status: 200, errcode, fault: fault.id };
      }
    }
  }
}
