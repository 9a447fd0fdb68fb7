/**
 * Koa adapter: `app.use(receiver.koa())` (or `router.all('/push', receiver.koa())`). Mount it before
 * koa-bodyparser, or keep that parser's `rawBody`: either works.
 */
import type { PushEndpoint } from '../http.js';
import { closeAfterResponse, nodeBody } from './node.js';

/** Structural Koa types, so the SDK does not depend on koa. */
export type KoaMiddleware = (ctx: any, next?: () => Promise<unknown>) => Promise<void>;

export function koaMiddleware(endpoint: PushEndpoint): KoaMiddleware {
  return async (ctx) => {
    const got = await nodeBody(endpoint, ctx.req, ctx.request);
    const response =
      'response' in got
        ? got.response
        : await endpoint.handle({
            method: ctx.method,
            query: ctx.querystring ?? '',
            headers: ctx.headers,
            body: got.body,
          });
    if ('close' in got && got.close) {
      if (ctx.req.socket?.destroyed) {
        // The client is gone: nothing to answer (Koa would only log a write error).
        ctx.respond = false;
        return;
      }
      closeAfterResponse(ctx.res);
    }
    ctx.status = response.status;
    ctx.set(response.headers);
    ctx.body = response.body;
  };
}
