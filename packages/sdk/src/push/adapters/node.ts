/**
 * Node adapter: `http.createServer(receiver.nodeHandler())`, `app.post('/push', receiver.nodeHandler())`
 * in Express. Uses the raw body: the stream when nobody read it, else a raw body the framework kept.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PushReceiver, PushResponse } from '../receiver.js';
import {
  type BodyResult,
  bodyConsumed,
  declaredTooLarge,
  describeParsed,
  preRead,
  readLimited,
  tooLarge,
} from './body.js';

/** `(req, res, next?)`: fits node http and Express/Connect. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => Promise<void>;

/**
 * Gets the raw body of a node request for the receiver. `holder` is where a framework may have put
 * a raw or parsed body (the request itself for Express, `ctx.request` for Koa).
 */
export async function nodeBody(
  receiver: PushReceiver,
  req: IncomingMessage,
  holder: { rawBody?: unknown; body?: unknown } | undefined,
): Promise<BodyResult> {
  if (req.method !== 'POST') return { body: Buffer.alloc(0) };
  const kept = preRead(holder);
  if (kept) return { body: kept };
  if (declaredTooLarge(req.headers['content-length'], receiver.maxBodyBytes)) {
    await readLimited(req, 0); // drain, so the sender reads the 413
    return tooLarge(receiver);
  }
  if (req.readableEnded || req.readableDidRead) return bodyConsumed(receiver, describeParsed(holder?.body));
  const { body, tooLarge: over } = await readLimited(req, receiver.maxBodyBytes);
  return over ? tooLarge(receiver) : { body };
}

/** Writes a receiver response with node's ServerResponse. */
export function writeNode(res: ServerResponse, response: PushResponse): void {
  if (res.headersSent) return;
  res.statusCode = response.status;
  for (const [k, v] of Object.entries(response.headers)) res.setHeader(k, v);
  res.setHeader('content-length', Buffer.byteLength(response.body));
  res.end(response.body);
}

export function nodeHandler(receiver: PushReceiver): NodeHandler {
  return async (req, res) => {
    const got = await nodeBody(receiver, req, req as IncomingMessage & { rawBody?: unknown; body?: unknown });
    if ('response' in got) return writeNode(res, got.response);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const response = await receiver.handle({
      method: req.method ?? 'GET',
      query: q === -1 ? '' : url.slice(q + 1),
      headers: req.headers,
      body: got.body,
    });
    writeNode(res, response);
  };
}
