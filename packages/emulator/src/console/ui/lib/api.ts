/**
 * The console's only way to the emulator: the admin API under `/__emulator/`, like any other
 * client. The `x-emulator-console` header asks for masked secrets on every answer.
 */

export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errcode?: number,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

function url(path: string, query?: Query): string {
  const u = new URL(`/__emulator/${path.replace(/^\/+/, '')}`, location.origin);
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  return u.pathname + u.search;
}

async function call<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const res = await fetch(url(path, query), {
    method,
    headers: { 'x-emulator-console': '1', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) throw new AdminApiError(res.status, json?.error ?? `HTTP ${res.status}`, json?.errcode);
  return json as T;
}

export const api = {
  get: <T = any>(path: string, query?: Query) => call<T>('GET', path, undefined, query),
  post: <T = any>(path: string, body: unknown = {}, query?: Query) => call<T>('POST', path, body, query),
  put: <T = any>(path: string, body: unknown = {}) => call<T>('PUT', path, body),
  del: <T = any>(path: string) => call<T>('DELETE', path),
};
