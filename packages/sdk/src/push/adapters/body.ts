/**
 * Body reading shared by the adapters, hardened for hostile and broken senders: a size limit
 * enforced while reading (413 as soon as it is passed, nothing more is buffered), a deadline of
 * its own (408 for a stalled body), and every read failure (client abort, bad chunk framing,
 * stream error) turned into a quiet 400 instead of a rejection that could crash the process.
 */
import type { Readable } from 'node:stream';
import type { PushEndpoint, PushResponse } from '../http.js';
import { textResponse } from '../http.js';

/**
 * The raw body, or the response that refuses it. `close`: the connection must not be reused
 * (part of the body may still be on the wire).
 */
export type BodyResult = { body: Buffer } | { response: PushResponse; close?: boolean };

/** 413, 408 and read failures end the connection: the rest of the body is not read. */
function refusal(endpoint: PushEndpoint, status: number, reason: string): { response: PushResponse; close: true } {
  const response = endpoint.refuse(status, reason);
  return { response: { ...response, headers: { ...response.headers, connection: 'close' } }, close: true };
}

const tooLargeReason = (limit: number) => `body larger than ${limit} bytes`;
const stalledReason = (ms: number) => `body not received within ${ms} ms`;

/** 500 naming the likely mistake: a body parser mounted before the receiver. */
export function bodyConsumed(endpoint: PushEndpoint, what: string): { response: PushResponse } {
  const message =
    `push receiver: the request body was already consumed${what ? ` and left as ${what}` : ''}; ` +
    'did you register a body parser before the receiver? The signature and decryption need the raw body: ' +
    'mount the receiver before any JSON/XML/text body parser, or hand it the raw bytes (e.g. express.raw({ type: "*/*" })).';
  endpoint.logger.error(message);
  return { response: textResponse(500, message) };
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

/** True when a Content-Length header already announces too many bytes. */
export function declaredTooLarge(contentLength: string | string[] | null | undefined, limit: number): boolean {
  const v = Array.isArray(contentLength) ? contentLength[0] : contentLength;
  return v !== undefined && v !== null && /^\d+$/.test(v) && Number(v) > limit;
}

/** Refuses a body whose Content-Length is already over the limit, before reading a byte. */
export function refuseDeclared(endpoint: PushEndpoint): { response: PushResponse; close: true } {
  return refusal(endpoint, 413, tooLargeReason(endpoint.maxBodyBytes));
}

/**
 * Reads a node stream (an IncomingMessage) under the endpoint's size limit and deadline. Never
 * rejects: failures resolve to the response that refuses the request.
 */
export function readNodeStream(stream: Readable, endpoint: PushEndpoint): Promise<BodyResult> {
  const limit = endpoint.maxBodyBytes;
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let total = 0;
    let done = false;
    // Thunks: the refusal is logged only by the first outcome ('aborted', 'error' and 'close' often all fire).
    const finish = (outcome: () => BodyResult) => {
      if (done) return;
      done = true;
      const result = outcome();
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('aborted', onAborted);
      stream.off('close', onClose);
      // Keep an error listener: a late 'error' with none would be thrown as uncaught.
      resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      total += buf.length;
      if (total > limit) {
        stream.pause();
        finish(() => refusal(endpoint, 413, tooLargeReason(limit)));
        return;
      }
      parts.push(buf);
    };
    const onEnd = () => finish(() => ({ body: parts.length === 1 ? parts[0]! : Buffer.concat(parts, total) }));
    const onError = (e: Error & { code?: string }) =>
      finish(() => refusal(endpoint, 400, `body read failed: ${e?.code ?? e?.message ?? 'error'}`));
    const onAborted = () => finish(() => refusal(endpoint, 400, 'body read failed: the client closed the connection'));
    const onClose = () => {
      if (!stream.readableEnded) onAborted();
    };
    const timer = setTimeout(() => {
      stream.pause();
      finish(() => refusal(endpoint, 408, stalledReason(endpoint.bodyTimeoutMs)));
    }, endpoint.bodyTimeoutMs);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('aborted', onAborted);
    stream.on('close', onClose);
  });
}

/** Reads a web ReadableStream (fetch adapter) under the same limit and deadline. Never rejects. */
export async function readWebStream(stream: ReadableStream<Uint8Array>, endpoint: PushEndpoint): Promise<BodyResult> {
  const limit = endpoint.maxBodyBytes;
  const parts: Uint8Array[] = [];
  let total = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => resolve('stalled'), endpoint.bodyTimeoutMs);
  });
  try {
    reader = stream.getReader();
    for (;;) {
      const next = await Promise.race([reader.read(), stalled]);
      if (next === 'stalled') return refusal(endpoint, 408, stalledReason(endpoint.bodyTimeoutMs));
      if (next.done) break;
      total += next.value.byteLength;
      if (total > limit) return refusal(endpoint, 413, tooLargeReason(limit));
      parts.push(next.value);
    }
    reader = undefined;
    return { body: Buffer.concat(parts, total) };
  } catch (e) {
    return refusal(endpoint, 400, `body read failed: ${(e as Error)?.message ?? 'error'}`);
  } finally {
    clearTimeout(timer);
    // Stop the upload: cancelling tells the runtime nothing more will be read.
    reader?.cancel().catch(() => undefined);
  }
}
