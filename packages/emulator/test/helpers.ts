// Shared helpers for the emulator's tests: plain HTTP against a real emulator (never the SDK client).
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from '@miniapp-server/emulator';

/** 2023-11-14T22:13:20Z; a frozen clock makes every boundary exact. */
export const T0 = 1_700_000_000;

export function start(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulator({ areas: [], clock: { start: T0, frozen: true }, ...options });
}

export interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  json: any;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, contentType: res.headers.get('content-type'), text, json };
}

export function client(emu: EmulatorHandle) {
  const url = (path: string, query: Record<string, string | undefined> = {}) => {
    const u = new URL(path, emu.url);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, v);
    return u;
  };
  const c = {
    get: async (path: string, query?: Record<string, string | undefined>) => answer(await fetch(url(path, query))),
    post: async (
      path: string,
      body: unknown,
      opts: { query?: Record<string, string | undefined>; headers?: Record<string, string>; method?: string } = {},
    ) =>
      answer(
        await fetch(url(path, opts.query), {
          method: opts.method ?? 'POST',
          headers:
            opts.headers ??
            (typeof body === 'string' || body instanceof FormData ? {} : { 'content-type': 'application/json' }),
          body:
            body === undefined
              ? undefined
              : typeof body === 'string' || body instanceof FormData
                ? body
                : JSON.stringify(body),
        }),
      ),
    /** Admin API call; throws on a non-2xx answer unless `allowError`. */
    admin: async (method: string, path: string, body?: unknown) => {
      const res = await fetch(new URL(`/__emulator/${path}`, emu.url), {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return answer(res);
    },
    classicToken: async (appid = emu.defaultApp.appid, secret = emu.defaultApp.secret) =>
      c.get('/cgi-bin/token', { grant_type: 'client_credential', appid, secret }),
    stableToken: async (extra: Record<string, unknown> = {}, app = emu.defaultApp) =>
      c.post('/cgi-bin/stable_token', {
        grant_type: 'client_credential',
        appid: app.appid,
        secret: app.secret,
        ...extra,
      }),
    /** A fresh classic token string. */
    token: async () => (await c.classicToken()).json.access_token as string,
  };
  return c;
}

export const RID = / rid: [0-9a-f]+-[0-9a-f]+-[0-9a-f]+$/;
