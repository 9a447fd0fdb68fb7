/**
 * What the admin calls of the areas have in common: the app a call names (or the first app), and
 * the call's input gathered from the query string, the JSON body and the path parameters.
 */
import type { AreaContext, EmuApp } from '../context.js';
import { AdminError } from './ops.js';

/** The app named by `appid`, or the first app when the call names none; a 404 for an unknown one. */
export function adminApp(ctx: Pick<AreaContext, 'getApp' | 'listApps'>, appid: unknown): EmuApp {
  const app =
    typeof appid === 'string' && appid
      ? ctx.getApp(appid)
      : appid == null || appid === ''
        ? ctx.listApps()[0]
        : undefined;
  if (!app) throw new AdminError(404, `unknown app ${String(appid)}`);
  return app;
}

/** An admin request's input: query string, then the JSON body's fields, then the path parameters. */
export function adminInput(r: {
  query: Record<string, string>;
  body: unknown;
  params?: Record<string, string>;
}): Record<string, any> {
  const body = r.body !== null && typeof r.body === 'object' && !Array.isArray(r.body) ? r.body : {};
  return { ...r.query, ...body, ...r.params };
}
