/** What the logistics routes share: type guards and the route wrappers (token-checked, app resolved). */
import type { AreaContext, EmuApp } from '../../context.js';

export const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A non-empty string. */
export const isStr = (v: unknown): v is string => typeof v === 'string' && v !== '';
/** UTF-8 length, as WeChat's size limits count. */
export const bytes = (v: unknown): number => (typeof v === 'string' ? Buffer.byteLength(v) : 0);

type Handler = (app: EmuApp, body: Record<string, any>) => Record<string, unknown>;

/** A POST route with a JSON body. */
export function postRoute(ctx: AreaContext, path: string, handler: Handler): void {
  ctx.route({
    method: 'POST',
    path,
    auth: 'access_token',
    body: 'json',
    handler: ({ app, body }) => handler(app, body),
  });
}

/** A GET route without parameters. */
export function getRoute(ctx: AreaContext, path: string, handler: (app: EmuApp) => Record<string, unknown>): void {
  ctx.route({ method: 'GET', path, auth: 'access_token', body: 'none', handler: ({ app }) => handler(app) });
}
