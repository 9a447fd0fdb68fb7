/**
 * Web-standard adapter (Hono, Next.js route handlers, Bun, Deno, Cloudflare-style runtimes):
 * `Request` in, `Response` out. `export const POST = (req) => receiver.fetch(req)`.
 */
import type { PushReceiver, PushResponse } from '../receiver.js';
import { bodyConsumed, declaredTooLarge, readLimited, tooLarge } from './body.js';

function toResponse(r: PushResponse): Response {
  return new Response(r.body, { status: r.status, headers: r.headers });
}

export async function fetchHandler(receiver: PushReceiver, request: Request): Promise<Response> {
  let body: Buffer | undefined;
  if (request.method === 'POST') {
    if (request.bodyUsed) return toResponse(bodyConsumed(receiver, '').response);
    if (declaredTooLarge(request.headers.get('content-length'), receiver.maxBodyBytes)) {
      await request.body?.cancel();
      return toResponse(tooLarge(receiver).response);
    }
    if (request.body) {
      const got = await readLimited(request.body as unknown as AsyncIterable<Uint8Array>, receiver.maxBodyBytes);
      if (got.tooLarge) return toResponse(tooLarge(receiver).response);
      body = got.body;
    }
  }
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const response = await receiver.handle({
    method: request.method,
    query: url.searchParams,
    headers,
    body,
  });
  return toResponse(response);
}
