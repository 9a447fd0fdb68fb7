/**
 * All emulator state, in memory: apps, users, codes, payments, tokens, quotas and the area
 * slices. Plain records (not Maps) so `exportState()` is a JSON.stringify away.
 */
import { randomBytes } from 'node:crypto';
import type { EmuApp, EmuUser } from './context.js';
import { fromJsonSafe, refreshInPlace, toJsonSafe } from './serialize.js';

export type TokenKind = 'classic' | 'stable';

export interface TokenRecord {
  token: string;
  appid: string;
  kind: TokenKind;
  /** Unix seconds. */
  issued_at: number;
  expires_at: number;
  /** Superseded/invalidated: from this moment on the token answers 40001. */
  revoked_at?: number;
}

export interface LoginCode {
  code: string;
  appid: string;
  openid: string;
  expires_at: number;
  used_at?: number;
}

export interface PhoneCode {
  code: string;
  appid: string;
  /** When set, a request carrying another openid is refused. */
  openid?: string;
  purePhoneNumber: string;
  countryCode: string;
  expires_at: number;
  used_at?: number;
}

export interface Payment {
  appid: string;
  openid: string;
  transaction_id?: string;
  mch_id?: string;
  out_trade_no?: string;
  /** Unix seconds. */
  paid_at: number;
  /** Amount in 分 (shipping management's `paid_amount`). */
  amount?: number;
  sub_mch_id?: string;
}

export interface StableSlot {
  current?: string;
  last_force_at?: number;
}

/** The JSON shape of `exportState()`. */
export interface EmulatorSnapshot {
  version: 1;
  clock: number;
  apps: Record<string, EmuApp>;
  users: Record<string, EmuUser>;
  loginCodes: Record<string, LoginCode>;
  phoneCodes: Record<string, PhoneCode>;
  payments: Payment[];
  tokens: Record<string, TokenRecord>;
  classicCurrent: Record<string, string>;
  stable: Record<string, StableSlot>;
  quotas: Record<string, number>;
  slices: Record<string, unknown>;
}

/** The seeded default app: fixed so docs, tests and demos can name it. */
export const DEFAULT_APP: EmuApp = Object.freeze({
  appid: 'wx0123456789abcdef',
  secret: 'e0000000000000000000000000000000',
  originalId: 'gh_0123456789ab',
  name: 'Emulator Demo',
  pages: [] as string[],
}) as EmuApp;

/** The seeded demo user of the default (first) app; it has a unionid. */
export const DEMO_USER = Object.freeze({
  openid: 'oEmu0DemoUser00000000000000',
  unionid: 'uEmu0DemoUnion0000000000000',
});

/**
 * How long a session_key lives. WeChat does not publish it; three days is an arbitrary but
 * testable choice [inferred].
 */
export const SESSION_TTL = 3 * 86400;

export function userKey(appid: string, openid: string): string {
  return `${appid}|${openid}`;
}

export function newSessionKey(): string {
  return randomBytes(16).toString('base64');
}

export class State {
  apps: Record<string, EmuApp> = {};
  users: Record<string, EmuUser> = {};
  loginCodes: Record<string, LoginCode> = {};
  phoneCodes: Record<string, PhoneCode> = {};
  payments: Payment[] = [];
  tokens: Record<string, TokenRecord> = {};
  /** appid → the newest classic token. */
  classicCurrent: Record<string, string> = {};
  stable: Record<string, StableSlot> = {};
  /** `appid|counter|period` → calls. */
  quotas: Record<string, number> = {};
  slices: Record<string, unknown> = {};
  private sliceInits = new Map<string, () => unknown>();

  constructor(private readonly seed: { apps: EmuApp[]; now: () => number }) {
    this.seedDefaults();
  }

  private seedDefaults(): void {
    for (const app of this.seed.apps) this.apps[app.appid] = structuredClone({ ...app, pages: app.pages ?? [] });
    const def = this.seed.apps[0] && this.apps[this.seed.apps[0].appid];
    if (def) {
      this.users[userKey(def.appid, DEMO_USER.openid)] = {
        appid: def.appid,
        openid: DEMO_USER.openid,
        unionid: DEMO_USER.unionid,
        session_key: 'ZW11bGF0b3JEZW1vS2V5MQ==',
        session_expires_at: this.seed.now() + SESSION_TTL,
        nickname: 'Demo',
      };
    }
  }

  slice<T>(name: string, init: () => T): T {
    if (!this.sliceInits.has(name)) this.sliceInits.set(name, init);
    if (!(name in this.slices)) this.slices[name] = init();
    return this.slices[name] as T;
  }

  /** Increments and returns a counter. */
  count(key: string): number {
    const n = (this.quotas[key] ?? 0) + 1;
    this.quotas[key] = n;
    return n;
  }

  export(clockNow: number): EmulatorSnapshot {
    return {
      version: 1,
      clock: clockNow,
      apps: structuredClone(this.apps),
      users: structuredClone(this.users),
      loginCodes: structuredClone(this.loginCodes),
      phoneCodes: structuredClone(this.phoneCodes),
      payments: structuredClone(this.payments),
      tokens: structuredClone(this.tokens),
      classicCurrent: { ...this.classicCurrent },
      stable: structuredClone(this.stable),
      quotas: { ...this.quotas },
      slices: toJsonSafe(this.slices) as Record<string, unknown>,
    };
  }

  /** Replaces everything with a snapshot. Area slices are refreshed in place so areas holding a reference keep working. */
  import(snap: EmulatorSnapshot): void {
    if (!snap || typeof snap !== 'object' || snap.version !== 1)
      throw new TypeError('importState: not an emulator snapshot (version 1)');
    this.apps = structuredClone(snap.apps ?? {});
    this.users = structuredClone(snap.users ?? {});
    this.loginCodes = structuredClone(snap.loginCodes ?? {});
    this.phoneCodes = structuredClone(snap.phoneCodes ?? {});
    this.payments = structuredClone(snap.payments ?? []);
    this.tokens = structuredClone(snap.tokens ?? {});
    this.classicCurrent = { ...(snap.classicCurrent ?? {}) };
    this.stable = structuredClone(snap.stable ?? {});
    this.quotas = { ...(snap.quotas ?? {}) };
    const incoming = (fromJsonSafe(snap.slices ?? {}) ?? {}) as Record<string, unknown>;
    for (const name of new Set([...Object.keys(this.slices), ...Object.keys(incoming)])) {
      const init = this.sliceInits.get(name);
      const next = name in incoming ? incoming[name] : init?.();
      if (next === undefined) delete this.slices[name];
      else this.slices[name] = name in this.slices ? refreshInPlace(this.slices[name], next) : next;
    }
  }

  /** Back to the seeded state (default app, demo user, empty area slices). */
  reset(): void {
    this.apps = {};
    this.users = {};
    this.loginCodes = {};
    this.phoneCodes = {};
    this.payments = [];
    this.tokens = {};
    this.classicCurrent = {};
    this.stable = {};
    this.quotas = {};
    this.seedDefaults();
    for (const [name, init] of this.sliceInits) this.slices[name] = refreshInPlace(this.slices[name], init());
  }
}
