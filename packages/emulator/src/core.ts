/** What the emulator's own route modules (tokens, login, phone) get: the area context plus core state. */
import type { AreaContext, EmuApp } from './context.js';
import type { State } from './state.js';
import type { Tokens } from './tokens.js';
import { E } from './wire.js';

export interface CoreContext extends AreaContext {
  state: State;
  tokens: Tokens;
  /** Requests to /cgi-bin/token and /cgi-bin/stable_token per appid (as sent, '' when missing). */
  tokenRequests: Record<string, number>;
}

export type CoreModule = (ctx: CoreContext) => void;

/**
 * appid + secret checks shared by the token endpoints and jscode2session: 41002 / 40013 /
 * 41004 / 40125. The real /cgi-bin/token answers 40001 for a wrong secret (PROTOCOL §2.2);
 * the emulator answers 40125 `invalid appsecret` as the project's issue asks, which is also what
 * jscode2session returns, so clients learn to treat both as a configuration error.
 */
export function checkAppCredentials(ctx: CoreContext, appid: unknown, secret: unknown): EmuApp {
  if (typeof appid !== 'string' || !appid) throw E.appidMissing();
  const app = ctx.state.apps[appid];
  if (!app) throw E.appid();
  if (typeof secret !== 'string' || !secret) throw E.secretMissing();
  if (secret !== app.secret) throw E.appsecret();
  return app;
}
