/**
 * Body helpers shared by the adapters: read the raw bytes under a size limit, and explain clearly
 * when a framework already consumed the stream and left only a parsed object.
 */
import type { PushReceiver, PushResponse } from '../receiver.js';

/** The raw body, or why there is none. */
export type BodyResult = { body: Buffer } | { response: PushResponse };

const TEXT = 'text/plain; charset=utf-8';

/** 413 for a body over the receiver's limit. */
export function tooLarge(receiver: PushReceiver): { response: PushResponse } {
  const message = `body larger than ${receiver.maxBodyBytes} bytes`;
  receiver.logger.warn(`push refused (413): ${message}`);
  return { response: { status: 413, headers: { 'content-type': TEXT, connection: 'close' }, body: message } };
}

/** 500 naming the likely mistake: a body parser mounted before the receiver. */
export function bodyConsumed(receiver: PushReceiver, what: string): { response: PushResponse } {
  const message =
    `push receiver: the request body was already consumed${what ? ` and left as ${what}` : ''}; ` +
    'did you register a body parser before the receiver? The signature and decryption need the raw body: ' +
    'mount the receiver before any JSON/XML/text body parser, or hand it the raw bytes (e.g. express.raw({ type: "*/*" })).';
  receiver.logger.error(message);
  return { response: { status: 500, headers: { 'content-type': TEXT }, body: message } };
}

/**
 * A raw body a framework may have kept beside or instead of the stream: `rawBody` (koa-bodyparser,
 * fastify-raw-body, Express `verify` hooks) or a Buffer/string `body` (express.raw / express.text).
 */
export function preRead(holder: { rawBody?: unknown; body?: unknown } | undefined): Buffer | undefined {
  for (const v of [holder?.rawBody, holder?.body]) {
    if (typeof v === 'string') return Buffer.from(v, 'utf8');
    if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  }
  return undefined;
}

/** Describes a parsed body for the error message (never its content). */
export function describeParsed(body: unknown): string {
  if (body === undefined || body === null) return '';
  return Array.isArray(body) ? 'a parsed array' : `a parsed ${typeof body}`;
}

/**
 * Reads a stream of chunks. Past the limit the rest is drained and discarded (so the sender reads a
 * clean 413 instead of a reset connection) and `tooLarge` is set.
 */
export async function readLimited(
  chunks: AsyncIterable<Uint8Array | string>,
  limit: number,
): Promise<{ body: Buffer; tooLarge: boolean }> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    total += buf.length;
    if (total <= limit) parts.push(buf);
  }
  return { body: Buffer.concat(parts), tooLarge: total > limit };
}

/** True when a Content-Length header already announces too many bytes. */
export function declaredTooLarge(contentLength: string | string[] | null | undefined, limit: number): boolean {
  const v = Array.isArray(contentLength) ? contentLength[0] : contentLength;
  return v !== undefined && v !== null && /^\d+$/.test(v) && Number(v) > limit;
}
