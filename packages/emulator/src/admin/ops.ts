/**
 * The admin operations, implemented once: the emulator handle exposes them as methods and
 * admin/routes.ts as `/__emulator/*` HTTP routes.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { EmuApp, EmuUser, PushConfig } from '../context.js';
import type { Fault, FaultSpec, Faults } from '../faults.js';
import type { LoggedRequest, RequestLog, RequestLogFilter } from '../request-log.js';
import { LOGIN_CODE_TTL } from '../areas/auth/login.js';
import { PHONE_CODE_TTL } from '../areas/auth/phone.js';
import { type EmulatorSnapshot, type Payment, SESSION_TTL, type State, newSessionKey, userKey } from '../state.js';
import type { Tokens } from '../tokens.js';

/** An admin request that cannot be served; `status` becomes the HTTP status of the admin API. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface AppInput {
  /** @default generated `wx` + 16 hex */
  appid?: string;
  /** @default generated 32 hex */
  secret?: string;
  /** @default generated `gh_` + 12 hex */
  originalId?: string;
  name?: string;
  pages?: string[];
  push?: PushConfig | null;
}

export interface UserInput {
  /** @default the default app */
  appid?: string;
  /** @default generated (28 characters starting with `o`) */
  openid?: string;
  unionid?: string;
  /** base64 of 16 bytes. @default generated */
  session_key?: string;
  /** Seconds from now until the session_key expires. @default 3 days */
  session_ttl?: number;
  nickname?: string;
}

export interface LoginCodeInput extends UserInput {}

export interface LoginCodeIssued {
  code: string;
  appid: string;
  openid: string;
  expires_at: number;
}

export interface PhoneCodeInput {
  appid?: string;
  /** Digits without the country code. `purePhoneNumber` is accepted as an alias. */
  phoneNumber?: string;
  purePhoneNumber?: string;
  /** @default "86" */
  countryCode?: string | number;
  /** Binds the code to this user: a request with another openid gets 40029. */
  openid?: string;
}

export interface PaymentInput {
  appid?: string;
  openid: string;
  transaction_id?: string;
  mch_id?: string;
  out_trade_no?: string;
  /** Unix seconds. @default now (virtual clock) */
  paid_at?: number;
}

export interface ClockInfo {
  /** Unix seconds. */
  now: number;
  nowMs: number;
  iso: string;
  frozen: boolean;
}

export interface AdminDeps {
  state: State;
  clock: Clock;
  tokens: Tokens;
  faults: Faults;
  log: RequestLog;
  tokenRequests: Record<string, number>;
  defaultAppid: () => string;
}

const PUSH_MODES = ['plain', 'compatible', 'safe'];
const PUSH_FORMATS = ['xml', 'json'];

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function str(v: unknown, what: string, required = false): string | undefined {
  if (v === undefined || v === null || v === '') {
    if (required) throw new AdminError(400, `${what} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new AdminError(400, `${what} must be a string`);
  return v;
}

function checkPush(push: unknown): PushConfig | undefined {
  if (push === undefined || push === null) return undefined;
  const p = push as Partial<PushConfig>;
  str(p.url, 'push.url', true);
  str(p.token, 'push.token', true);
  const mode = p.mode ?? 'plain';
  const format = p.format ?? 'xml';
  if (!PUSH_MODES.includes(mode)) throw new AdminError(400, `push.mode must be one of ${PUSH_MODES.join(', ')}`);
  if (!PUSH_FORMATS.includes(format))
    throw new AdminError(400, `push.format must be one of ${PUSH_FORMATS.join(', ')}`);
  if (mode !== 'plain' && !/^[A-Za-z0-9]{43}$/.test(p.encodingAESKey ?? ''))
    throw new AdminError(400, 'push.encodingAESKey must be 43 letters/digits in compatible and safe mode');
  return { ...(p as PushConfig), mode, format };
}

function checkPages(pages: unknown): string[] {
  if (pages === undefined) return [];
  if (!Array.isArray(pages) || pages.some((p) => typeof p !== 'string'))
    throw new AdminError(400, 'pages must be an array of strings');
  return [...pages];
}

/** Fills the generated fields of an app description. */
export function completeApp(input: AppInput): EmuApp {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw new AdminError(400, 'an app must be an object');
  const app: EmuApp = {
    appid: str(input.appid, 'appid') ?? `wx${hex(8)}`,
    secret: str(input.secret, 'secret') ?? hex(16),
    originalId: str(input.originalId, 'originalId') ?? `gh_${hex(6)}`,
    name: str(input.name, 'name') ?? 'Emulated Mini Program',
    pages: checkPages(input.pages),
  };
  const push = checkPush(input.push);
  if (push) app.push = push;
  return app;
}

export class AdminOps {
  constructor(private readonly d: AdminDeps) {}

  // ---- apps
  listApps(): EmuApp[] {
    return structuredClone(Object.values(this.d.state.apps));
  }

  getApp(appid: string): EmuApp {
    return structuredClone(this.app(appid));
  }

  createApp(input: AppInput = {}): EmuApp {
    const app = completeApp(input ?? {});
    if (this.d.state.apps[app.appid]) throw new AdminError(409, `app ${app.appid} exists`);
    this.d.state.apps[app.appid] = app;
    return structuredClone(app);
  }

  /** Updates name, secret, originalId, pages and push (`push: null` removes it). The appid cannot change. */
  updateApp(appid: string, patch: AppInput = {}): EmuApp {
    const app = this.app(appid);
    if (!patch || typeof patch !== 'object' || Array.isArray(patch))
      throw new AdminError(400, 'the update must be an object');
    if (patch.appid !== undefined && patch.appid !== appid) throw new AdminError(400, 'appid cannot be changed');
    if (patch.secret !== undefined) app.secret = str(patch.secret, 'secret', true) as string;
    if (patch.originalId !== undefined) app.originalId = str(patch.originalId, 'originalId', true) as string;
    if (patch.name !== undefined) app.name = str(patch.name, 'name', true) as string;
    if (patch.pages !== undefined) app.pages = checkPages(patch.pages);
    if (patch.push === null) delete app.push;
    else if (patch.push !== undefined) app.push = checkPush(patch.push);
    return structuredClone(app);
  }

  // ---- users
  createUser(input: UserInput = {}): EmuUser {
    const appid = this.appidOf(input.appid);
    const openid = str(input.openid, 'openid') ?? `o${randomBytes(21).toString('base64url').slice(0, 27)}`;
    if (this.d.state.users[userKey(appid, openid)]) throw new AdminError(409, `user ${openid} exists in ${appid}`);
    const sessionKey = str(input.session_key, 'session_key') ?? newSessionKey();
    if (Buffer.from(sessionKey, 'base64').length !== 16)
      throw new AdminError(400, 'session_key must be base64 of 16 bytes');
    const ttl = input.session_ttl ?? SESSION_TTL;
    if (typeof ttl !== 'number' || !(ttl > 0))
      throw new AdminError(400, 'session_ttl must be a positive number of seconds');
    const user: EmuUser = { appid, openid, session_key: sessionKey, session_expires_at: this.d.clock.now() + ttl };
    const unionid = str(input.unionid, 'unionid');
    if (unionid) user.unionid = unionid;
    const nickname = str(input.nickname, 'nickname');
    if (nickname) user.nickname = nickname;
    this.d.state.users[userKey(appid, openid)] = user;
    return structuredClone(user);
  }

  listUsers(appid?: string): EmuUser[] {
    return structuredClone(Object.values(this.d.state.users).filter((u) => !appid || u.appid === appid));
  }

  getUser(openid: string, appid?: string): EmuUser {
    const a = this.appidOf(appid);
    const user = this.d.state.users[userKey(a, openid)];
    if (!user) throw new AdminError(404, `no user ${openid} in ${a}`);
    return structuredClone(user);
  }

  // ---- codes and payments
  /** A wx.login code for a user (created when `openid` is absent or unknown), single use, 5 minutes. */
  createLoginCode(input: LoginCodeInput = {}): LoginCodeIssued {
    const appid = this.appidOf(input.appid);
    const openid = str(input.openid, 'openid');
    const user = (openid && this.d.state.users[userKey(appid, openid)]) || this.createUser({ ...input, appid });
    const code = `0${randomBytes(24).toString('base64url')}`.slice(0, 32);
    const expires_at = this.d.clock.now() + LOGIN_CODE_TTL;
    this.d.state.loginCodes[code] = { code, appid, openid: user.openid, expires_at };
    return { code, appid, openid: user.openid, expires_at };
  }

  /** A getPhoneNumber code, single use, 5 minutes. */
  createPhoneCode(input: PhoneCodeInput): { code: string; appid: string; expires_at: number } {
    const appid = this.appidOf(input?.appid);
    const pure = str(input?.phoneNumber ?? input?.purePhoneNumber, 'phoneNumber', true) as string;
    if (!/^\d{5,20}$/.test(pure)) throw new AdminError(400, 'phoneNumber must be digits without the country code');
    const countryCode = String(input.countryCode ?? '86');
    if (!/^\d{1,4}$/.test(countryCode)) throw new AdminError(400, 'countryCode must be 1-4 digits');
    const openid = str(input.openid, 'openid');
    if (openid && !this.d.state.users[userKey(appid, openid)])
      throw new AdminError(404, `no user ${openid} in ${appid}`);
    const code = hex(32);
    const expires_at = this.d.clock.now() + PHONE_CODE_TTL;
    this.d.state.phoneCodes[code] = {
      code,
      appid,
      purePhoneNumber: pure,
      countryCode,
      expires_at,
      ...(openid ? { openid } : {}),
    };
    return { code, appid, expires_at };
  }

  /** Records a payment so getPaidUnionId answers for the next 5 minutes. */
  recordPayment(input: PaymentInput): Payment {
    const appid = this.appidOf(input?.appid);
    const openid = str(input?.openid, 'openid', true) as string;
    if (!this.d.state.users[userKey(appid, openid)]) throw new AdminError(404, `no user ${openid} in ${appid}`);
    const transaction_id = str(input.transaction_id, 'transaction_id');
    const mch_id = str(input.mch_id, 'mch_id');
    const out_trade_no = str(input.out_trade_no, 'out_trade_no');
    if (!transaction_id && !(mch_id && out_trade_no))
      throw new AdminError(400, 'transaction_id or mch_id + out_trade_no is required');
    const paid_at = input.paid_at ?? this.d.clock.now();
    if (typeof paid_at !== 'number') throw new AdminError(400, 'paid_at must be Unix seconds');
    const p: Payment = { appid, openid, paid_at };
    if (transaction_id) p.transaction_id = transaction_id;
    if (mch_id) p.mch_id = mch_id;
    if (out_trade_no) p.out_trade_no = out_trade_no;
    this.d.state.payments.push(p);
    return { ...p };
  }

  listPayments(appid?: string): Payment[] {
    return structuredClone(this.d.state.payments.filter((p) => !appid || p.appid === appid));
  }

  // ---- clock
  getClock(): ClockInfo {
    const nowMs = this.d.clock.nowMs();
    return { now: Math.floor(nowMs / 1000), nowMs, iso: new Date(nowMs).toISOString(), frozen: this.d.clock.frozen };
  }

  advanceClock(seconds: number): ClockInfo {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw new AdminError(400, 'seconds must be a number');
    this.d.clock.advance(seconds);
    return this.getClock();
  }

  /** Jumps to a Unix time in seconds (or an ISO date string). */
  setClock(time: number | string): ClockInfo {
    const secs = typeof time === 'string' ? Date.parse(time) / 1000 : time;
    if (typeof secs !== 'number' || !Number.isFinite(secs))
      throw new AdminError(400, 'time must be Unix seconds or an ISO date');
    this.d.clock.set(secs);
    return this.getClock();
  }

  // ---- request log
  requests(filter: RequestLogFilter = {}): LoggedRequest[] {
    return this.d.log.list(filter);
  }

  /** Clears the request log and the token-request counters. */
  clearRequests(): void {
    this.d.log.clear();
    for (const k of Object.keys(this.d.tokenRequests)) delete this.d.tokenRequests[k];
  }

  /** Requests to /cgi-bin/token + /cgi-bin/stable_token, for one appid or all. */
  tokenRequestCount(appid?: string): number {
    if (appid !== undefined) return this.d.tokenRequests[appid] ?? 0;
    return Object.values(this.d.tokenRequests).reduce((a, b) => a + b, 0);
  }

  // ---- faults
  addFault(spec: FaultSpec): Fault {
    try {
      return this.d.faults.add(spec);
    } catch (err) {
      throw new AdminError(400, (err as Error).message);
    }
  }

  listFaults(): Fault[] {
    return this.d.faults.all();
  }

  removeFault(id: string): void {
    if (!this.d.faults.remove(id)) throw new AdminError(404, `no fault ${id}`);
  }

  clearFaults(): void {
    this.d.faults.clear();
  }

  /** Seeds the fault dice so a run with rate-limited faults repeats; `null`/absent unseeds. */
  seedFaults(seed?: number | null): { seed: number | null } {
    try {
      return this.d.faults.seed(seed ?? undefined);
    } catch (err) {
      throw new AdminError(400, (err as Error).message);
    }
  }

  // ---- tokens, reset, snapshots
  /** Revokes every live token of an app (default app when omitted): clients then get 40001. */
  invalidateTokens(appid?: string): { invalidated: number } {
    return { invalidated: this.d.tokens.invalidateApp(this.appidOf(appid)) };
  }

  /** Seeded state again; faults, the request log and the counters are cleared too. The clock is left alone. */
  reset(): void {
    this.d.state.reset();
    this.d.faults.clear();
    this.clearRequests();
  }

  exportState(): EmulatorSnapshot {
    return this.d.state.export(this.d.clock.now());
  }

  /** Loads a snapshot from exportState(); the clock moves to the snapshot's time. */
  importState(snapshot: EmulatorSnapshot): void {
    try {
      this.d.state.import(snapshot);
    } catch (err) {
      throw new AdminError(400, (err as Error).message);
    }
    if (typeof snapshot.clock === 'number') this.d.clock.set(snapshot.clock);
  }

  /** The given appid (which must exist) or the default app's. */
  private appidOf(appid: unknown): string {
    return this.app(str(appid, 'appid') ?? this.d.defaultAppid()).appid;
  }

  private app(appid: string): EmuApp {
    const app = this.d.state.apps[appid];
    if (!app) throw new AdminError(404, `no app ${appid}`);
    return app;
  }
}
