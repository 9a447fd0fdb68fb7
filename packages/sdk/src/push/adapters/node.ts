/**
 * Node adapter: `http.createServer(receiver.nodeHandler())`, `app.post('/push', receiver.nodeHandler())`
 * in Express. Uses the raw body: the stream when nobody read it, else a raw body the framework kept.
 * Nothing a client does (abort, bad framing, a stalled or oversized body) escapes as a rejection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { PushEndpoint, PushResponse } from '../http.js';
import {
  type BodyResult,
  bodyConsumed,
  declaredTooLarge,
  describeParsed,
  preRead,
  readNodeStream,
  refuseDeclared,
} from './body.js';

/** `(req, res, next?)`: fits node http and Express/Connect. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => Promise<void>;

/**
 * Gets the raw body of a node request for the receiver. `holder` is where a framework may have put
 * a raw or parsed body (the request itself for Express, `ctx.request` for Koa). Never rejects.
 */
export async function nodeBody(
  endpoint: PushEndpoint,
  req: IncomingMessage,
  holder: { rawBody?: unknown; body?: unknown } | undefined,
): Promise<BodyResult> {
  if (req.method !== 'POST') return { body: Buffer.alloc(0) };
  const kept = preRead(holder);
  if (kept) return { body: kept };
  if (declaredTooLarge(req.headers['content-length'], endpoint.maxBodyBytes)) return refuseDeclared(endpoint);
  if (req.readableEnded || req.readableDidRead) return bodyConsumed(endpoint, describeParsed(holder?.body));
  return readNodeStream(req, endpoint);
}

/** After a refusal mid-body: let the answer go out, read (and drop) at most this much more, then close. */
const LINGER_BYTES = 64 * 1024;
const LINGER_MS = 1000;

/**
 * Closes a connection whose request body was not read to the end, after the response is written.
 * A short lingering close (as web servers do): half-close, discard a little of what is still in
 * flight so the client can read the answer, then destroy, so a 32 MiB upload is never drained.
 */
export function closeAfterResponse(res: ServerResponse): void {
  const close = (socket: Socket | null) => {
    if (!socket || socket.destroyed) return;
    let seen = 0;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref?.();
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > LINGER_BYTES) socket.destroy();
    });
    socket.once('close', () => clearTimeout(timer));
    socket.on('error', () => undefined);
    socket.end();
    socket.resume();
  };
  const socket = res.socket;
  if (res.writableFinished) close(socket);
  else res.once('finish', () => close(socket));
}

/** Writes a receiver response with node's ServerResponse (nothing when the client is gone). */
export function writeNode(res: ServerResponse, response: PushResponse, closeAfter = false): void {
  if (res.headersSent || res.destroyed || res.socket?.destroyed) {
    if (closeAfter) res.socket?.destroy();
    return;
  }
  res.statusCode = response.status;
  for (const [k, v] of Object.entries(response.headers)) res.setHeader(k, v);
  res.setHeader('content-length', Buffer.byteLength(response.body));
  if (closeAfter) closeAfterResponse(res);
  res.end(response.body);
}

export function nodeHandler(endpoint: PushEndpoint): NodeHandler {
  return async (req, res) => {
    try {
      const got = await nodeBody(endpoint, req, req as IncomingMessage & { rawBody?: unknown; body?: unknown });
      if ('response' in got) return writeNode(res, got.response, got.close);
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const response = await endpoint.handle({
        method: req.method ?? 'GET',
        query: q === -1 ? '' : url.slice(q + 1),
        headers: req.headers,
        body: got.body,
      });
      writeNode(res, response);
    } catch (e) {
      // Unreachable by design (handle() never throws); kept so a bug can never become an
      // unhandled rejection that takes the process down.
      endpoint.logger.error('push adapter failed', { error: (e as Error)?.message ?? String(e) });
      writeNode(res, { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'internal error' });
    }
  };
}
