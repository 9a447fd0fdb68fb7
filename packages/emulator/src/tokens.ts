/**
 * Access-token issuing and checking (PROTOCOL.md §2). Classic and stable tokens live in one
 * table but separate pools: issuing one kind never touches the other.
 */
import { randomBytes } from 'node:crypto';
import { quotaDay } from './clock.js';
import type { EmuApp, VirtualClock } from './context.js';
import type { State, TokenKind, TokenRecord } from './state.js';
import { E } from './wire.js';

/** Token lifetime, seconds. */
export const TOKEN_TTL = 7200;
/** Classic: how long a superseded token keeps working. Stable: the renewal window and overlap. */
export const TOKEN_GRACE = 300;
/** Classic /cgi-bin/token calls per appid per day (community figure, PROTOCOL §2.1 [unverified]). */
export const CLASSIC_DAILY_QUOTA = 2000;
export const STABLE_DAILY_QUOTA = 500_000;
export const STABLE_FORCE_DAILY_QUOTA = 20;
export const STABLE_FORCE_SPACING = 30;

export interface IssuedToken {
  access_token: string;
  expires_in: number;
}

export class Tokens {
  private mints = 0;

  constructor(
    private readonly state: State,
    private readonly clock: VirtualClock,
  ) {}

  /** `GET /cgi-bin/token`: a new token per call; the previous one keeps working for 5 minutes. */
  issueClassic(appid: string): IssuedToken {
    const now = this.clock.now();
    if (this.state.count(`${appid}|classic_token|${quotaDay(now)}`) > CLASSIC_DAILY_QUOTA) throw E.dailyQuota();
    const prev = this.state.tokens[this.state.classicCurrent[appid] ?? ''];
    if (prev && prev.revoked_at === undefined) prev.revoked_at = Math.min(prev.expires_at, now + TOKEN_GRACE);
    const rec = this.mint(appid, 'classic');
    this.state.classicCurrent[appid] = rec.token;
    return this.issued(rec);
  }

  /**
   * `POST /cgi-bin/stable_token`: the same token while it has more than 5 minutes left; in its
   * last 5 minutes a new one (the old one stays valid until it expires). `force` revokes the
   * current token and issues a new one, at most 20 times a day and not within 30 s of the last
   * force (such a call returns the current token, PROTOCOL §12.12 [inferred]). Only forces that
   * refresh count against the 20 (the lenient reading of "强制刷新 ≤20 次/天").
   */
  issueStable(appid: string, force: boolean): IssuedToken {
    const now = this.clock.now();
    if (this.state.count(`${appid}|stable_token|${quotaDay(now)}`) > STABLE_DAILY_QUOTA) throw E.dailyQuota();
    const slot = this.state.stable[appid] ?? {};
    this.state.stable[appid] = slot;
    const cur = slot.current ? this.state.tokens[slot.current] : undefined;
    const curUsable = cur && cur.revoked_at === undefined && now < cur.expires_at;
    if (force) {
      const tooSoon = slot.last_force_at !== undefined && now - slot.last_force_at < STABLE_FORCE_SPACING;
      if (tooSoon && cur && curUsable) return this.issued(cur);
      if (!tooSoon) {
        if (this.state.count(`${appid}|stable_force|${quotaDay(now)}`) > STABLE_FORCE_DAILY_QUOTA) throw E.dailyQuota();
        slot.last_force_at = now;
        if (cur && curUsable) cur.revoked_at = now;
        const rec = this.mint(appid, 'stable');
        slot.current = rec.token;
        return this.issued(rec);
      }
    }
    if (cur && curUsable && now < cur.expires_at - TOKEN_GRACE) return this.issued(cur);
    const rec = this.mint(appid, 'stable');
    slot.current = rec.token;
    return this.issued(rec);
  }

  /** Resolves the app of a token or throws 41001/40001/42001 (PROTOCOL §2.3). */
  check(token: string | undefined): EmuApp {
    if (!token) throw E.tokenMissing();
    const rec = this.state.tokens[token];
    const app = rec ? this.state.apps[rec.appid] : undefined;
    if (!rec || !app) throw E.badCredential();
    const now = this.clock.now();
    if (rec.revoked_at !== undefined && now >= rec.revoked_at) throw E.badCredential();
    if (now >= rec.expires_at) throw E.tokenExpired();
    return app;
  }

  /** Revokes every token of an app at once (clients then see 40001). Returns how many were live. */
  invalidateApp(appid: string): number {
    const now = this.clock.now();
    let n = 0;
    for (const rec of Object.values(this.state.tokens)) {
      if (rec.appid !== appid || now >= rec.expires_at) continue;
      if (rec.revoked_at !== undefined && rec.revoked_at <= now) continue;
      rec.revoked_at = now;
      n++;
    }
    return n;
  }

  private issued(rec: TokenRecord): IssuedToken {
    return { access_token: rec.token, expires_in: rec.expires_at - this.clock.now() };
  }

  private mint(appid: string, kind: TokenKind): TokenRecord {
    const now = this.clock.now();
    this.prune(now);
    const rec: TokenRecord = {
      token: randomBytes(96).toString('base64url'),
      appid,
      kind,
      issued_at: now,
      expires_at: now + TOKEN_TTL,
    };
    this.state.tokens[rec.token] = rec;
    return rec;
  }

  /** Forget tokens a day past expiry so long runs do not grow without bound (they would answer 40001 instead of 42001). */
  private prune(now: number): void {
    if (++this.mints % 256 !== 0) return;
    for (const [t, rec] of Object.entries(this.state.tokens))
      if (rec.expires_at < now - 86400) delete this.state.tokens[t];
  }
}
