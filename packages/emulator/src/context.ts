/**
 * The contract between the emulator core and its area modules (auth, messages, wxacode, ocr, ...).
 * Each area is one folder in `areas/` whose index.ts exports an `AreaModule`; the core mounts them all.
 * Areas never import each other; they talk to the core only through `AreaContext`.
 */
import type { FastifyRequest } from 'fastify';
import type { Payment } from './state.js';

/** A WeChat-style failure: the core answers HTTP 200 with `{errcode, errmsg: "<errmsg> rid: <id>", ...extra}`. */
export class WxError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${errcode} ${errmsg}`);
  }
}

/** Push configuration of an emulated app (used by the push module). */
export interface PushConfig {
  url: string;
  token: string;
  encodingAESKey?: string;
  mode: 'plain' | 'compatible' | 'safe';
  format: 'xml' | 'json';
}

/** An emulated mini program. */
export interface EmuApp {
  appid: string;
  secret: string;
  /** Original id `gh_...` (ToUserName in pushes). */
  originalId: string;
  name: string;
  /** Published pages (`pages/index/index`); empty = no page checks. */
  pages: string[];
  push?: PushConfig;
}

/** An emulated WeChat user of one app. */
export interface EmuUser {
  appid: string;
  openid: string;
  unionid?: string;
  session_key: string;
  /** Virtual-clock seconds at which the session_key expires. */
  session_expires_at: number;
  nickname?: string;
  /** Virtual-clock seconds of the last successful code2Session. */
  last_login_at?: number;
  /** Successful code2Session calls. */
  logins?: number;
}

/** The virtual clock. All emulator time comes from here (Unix seconds / ms). */
export interface VirtualClock {
  nowMs(): number;
  /** Unix seconds. */
  now(): number;
  advance(seconds: number): void;
  set(unixSeconds: number): void;
}

export interface UploadedFile {
  field: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** What a WeChat route handler receives. */
export interface WxRequest {
  /** The authenticated app (routes with auth 'access_token'), resolved from the token. */
  app: EmuApp;
  /** Query string values (first value of each key). */
  query: Record<string, string>;
  /** Parsed body: JSON object, form fields, or {} (multipart fields other than files land here too). */
  body: Record<string, any>;
  /** Multipart file parts. */
  files: UploadedFile[];
  raw: FastifyRequest;
  /** The body bytes as received (absent for multipart requests). */
  rawBody?: Buffer;
}

/** A handler result: a JSON success body (errcode 0/errmsg ok added when absent) or bytes. */
export type WxResult =
  | Record<string, unknown>
  | { binary: Buffer; contentType: string; headers?: Record<string, string> };

export interface RouteDef {
  method: 'GET' | 'POST';
  /** Exactly as in PROTOCOL.md. Other methods on this path answer 43002 (require POST) / 43001 (require GET). */
  path: string;
  /** 'access_token': the core checks the token (41001/40001/42001/40014) and sets `req.app`. */
  auth: 'access_token' | 'none';
  /** Body parsing: JSON (malformed → 47001, empty → 44002 when required), multipart, urlencoded form, or any. */
  body?: 'json' | 'multipart' | 'form' | 'json-or-form' | 'none';
  /**
   * Send a success body exactly as returned, without adding `errcode: 0, errmsg: "ok"`
   * (`/cgi-bin/token` and `/sns/jscode2session` answer that way). @default false
   */
  bare?: boolean;
  handler(req: WxRequest): Promise<WxResult> | WxResult;
}

export interface AdminRouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to `/__emulator/`, e.g. `users` → `/__emulator/users`. */
  path: string;
  /**
   * Console topic published after a successful non-GET call (docs/console.md).
   * @default the first path segment (`ocr/fixtures` → `ocr`)
   */
  topic?: string;
  /**
   * The answer echoes secrets the caller set or needs (create, update, snapshot). Every other admin
   * answer, and any answer to the console (`x-emulator-console` header), has them masked as `***`.
   * @default false
   */
  reveal?: boolean;
  handler(req: {
    query: Record<string, string>;
    body: any;
    params: Record<string, string>;
  }): Promise<unknown> | unknown;
}

/** One WeChat call as a wire transform sees it, after the token check and before body parsing. */
export interface WireCall {
  method: string;
  path: string;
  route: RouteDef;
  /** The token's app (routes with auth 'access_token'). */
  app?: EmuApp;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer;
  /** What the transform wants in this call's request-log entry (`security`); never secrets. */
  note: Record<string, unknown>;
}

/** A call the transform took over: its params replace the parsed body; `seal` writes the JSON answer. */
export interface WireSession {
  params: Record<string, any>;
  /**
   * Turns the handler's JSON answer (success or business error; an object, or JSON text when it
   * carries integers beyond 2^53) into the bytes and headers sent.
   */
  seal(body: Record<string, unknown> | string): { body: string; headers: Record<string, string> };
}

/**
 * A transform around route handlers (the API security layer installs one): `open` returns undefined
 * to leave a call alone, a session to take it over, or throws a WxError (answered in plaintext).
 */
export interface WireTransform {
  open(call: WireCall): WireSession | undefined;
}

/** Everything an area module may use. */
export interface AreaContext {
  clock: VirtualClock;
  /** Registers a WeChat API route with the core's strictness, logging and fault injection. */
  route(def: RouteDef): void;
  /** Registers an admin route under /__emulator/. */
  admin(def: AdminRouteDef): void;
  /** Area-owned state, included in exportState()/importState() and cleared by reset(). */
  slice<T>(name: string, init: () => T): T;
  getApp(appid: string): EmuApp | undefined;
  listApps(): EmuApp[];
  getUser(appid: string, openid: string): EmuUser | undefined;
  listUsers(appid: string): EmuUser[];
  /** Payments recorded for an app (admin `POST /__emulator/payments`), oldest first. Read-only. */
  listPayments(appid: string): readonly Readonly<Payment>[];
  /** Deterministic-enough ids for tickets, media ids, rids. */
  randomId(bytes?: number): string;
  /**
   * Sends a push (a message object with WeChat's field names: ToUserName, FromUserName, CreateTime,
   * MsgType, Event, ...) to the app's push URL, signed/encrypted per its config; resolves with the
   * delivery record, or undefined when the app has no push config. The core forwards to the
   * function installed with `providePush` (the push area), so other areas just call this.
   */
  push(appid: string, message: Record<string, unknown>): Promise<unknown>;
  /** Installed once by the push area. */
  providePush(fn: (appid: string, message: Record<string, unknown>) => Promise<unknown>): void;
  /** Installs the one wire transform (the api-security area). */
  provideWireTransform(transform: WireTransform): void;
  /** Hooks other areas may listen to, e.g. 'user.message' when a user messages the app. */
  on(event: string, listener: (payload: any) => void): void;
  /** Runs (and is awaited) when the emulator closes: terminate workers, timers, sockets. */
  onClose?(fn: () => Promise<void> | void): void;
  emit(event: string, payload: any): void;
}

/** An area module: `export default { name, register(ctx) { ...; return handleMethods } }`. */
export interface AreaModule {
  name: string;
  /**
   * Registers routes/admin routes. The returned object's methods are exposed on the emulator
   * handle under `handle[name]` (e.g. `handle.ocr.addFixture(...)`), mirroring the admin routes.
   */
  register(ctx: AreaContext): Record<string, (...args: any[]) => any> | void;
}
