/**
 * Koa adapter: `app.use(receiver.koa())` (or `router.all('/push', receiver.koa())`). Mount it before
 * koa-bodyparser, or keep that parser's `rawBody`: either works.
 */
import type { PushReceiver } from '../receiver.js';
import { nodeBody } from './node.js';

/** Structural Koa types, so the SDK does not depend on koa. */
export type KoaMiddleware = (ctx: any, next?: () => Promise<unknown>) => Promise<void>;

export function koaMiddleware(receiver: PushReceiver): KoaMiddleware {
  return async (ctx) => {
    const got = await nodeBody(receiver, ctx.req, ctx.request);
    const response =
      'response' in got
        ? got.response
        : await receiver.handle({
            method: ctx.method,
            query: ctx.querystring ?? '',
            headers: ctx.headers,
            body: got.body,
          });
    ctx.status = response.status;
    ctx.set(response.headers);
    ctx.body = response.body;
  };
}
