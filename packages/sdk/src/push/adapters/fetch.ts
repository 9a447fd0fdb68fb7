/**
 * Web-standard adapter (Hono, Next.js route handlers, Bun, Deno, Cloudflare-style runtimes):
 * `Request` in, `Response` out. `export const POST = (req) => receiver.fetch(req)`.
 */
import type { PushEndpoint, PushResponse } from '../http.js';
import { bodyConsumed, declaredTooLarge, readWebStream, refuseDeclared } from './body.js';

function toResponse(r: PushResponse): Response {
  return new Response(r.body, { status: r.status, headers: r.headers });
}

/** Never rejects: a broken or hostile body becomes a 400/408/413 response. */
export async function fetchHandler(endpoint: PushEndpoint, request: Request): Promise<Response> {
  let body: Buffer | undefined;
  if (request.method === 'POST') {
    if (request.bodyUsed) return toResponse(bodyConsumed(endpoint, '').response);
    if (declaredTooLarge(request.headers.get('content-length'), endpoint.maxBodyBytes)) {
      request.body?.cancel().catch(() => undefined);
      return toResponse(refuseDeclared(endpoint).response);
    }
    if (request.body) {
      const got = await readWebStream(request.body, endpoint);
      if ('response' in got) return toResponse(got.response);
      body = got.body;
    }
  }
  let query: URLSearchParams | string = '';
  try {
    query = new URL(request.url).searchParams;
  } catch {
    // A relative or malformed URL: no query, so the receiver refuses it (401).
  }
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return toResponse(await endpoint.handle({ method: request.method, query, headers, body }));
}
