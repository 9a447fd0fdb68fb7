/**
 * MiniApp: the client. Small on purpose: configuration, the token manager, and one namespace
 * per endpoint table (`app.auth.code2Session(...)`), all built once at construction.
 */
import type { Dispatcher } from 'undici';
import { type AreaMethods, type CallOptions, type Endpoint, type EndpointAuth, endpoint } from './core/endpoint.js';
import { ValidationError } from './core/errors.js';
import { Executor } from './core/executor.js';
import type { Logger } from './core/logger.js';
import { registerSecret } from './core/redact.js';
import { RETRY_DEFAULTS } from './core/retry.js';
import { Transport } from './core/transport.js';
import { PushReceiver, type PushReceiverOptions } from './push/receiver.js';
import { type DecryptDataOptions, decryptData } from './crypto/open-data.js';
import { ApiSecurity, type ApiSecurityOptions } from './crypto/api-security.js';
import { deliverySecrets } from './endpoints/immediate-delivery.js';
import { type AreaHelpers, type Endpoints, areaHelpers, endpoints } from './endpoints/index.js';
import { CustomTokenSource, TokenManager, type TokenMode, type TokenSource } from './token/manager.js';
import { MemoryTokenStore, type TokenStore } from './token/store.js';

export interface MiniAppOptions {
  /** The mini program's AppID (`wx…`). */
  appId: string;
  /** The AppSecret. Needed for tokens (unless `accessToken` is given) and code2Session. Never logged. */
  appSecret?: string;
  /** API origin (the emulator's URL in development and tests). @default 'https://api.weixin.qq.com' */
  baseUrl?: string;
  /**
   * `stable`: POST /cgi-bin/stable_token (recommended: does not invalidate tokens other deployments hold).
   * `classic`: GET /cgi-bin/token (every fetch retires the previous token after 5 minutes).
   * @default 'stable'
   */
  tokenMode?: TokenMode;
  /** Where tokens are kept; pass a shared store (e.g. RedisTokenStore) for clusters. @default MemoryTokenStore */
  tokenStore?: TokenStore;
  /**
   * A custom token source (a central token service). Called before every request that needs a
   * token; `failedToken` is set after WeChat rejected it. Cache inside it.
   */
  accessToken?: (ctx: { forceRefresh: boolean; failedToken?: string }) => Promise<string>;
  /** Per-attempt timeout (response headers and body). @default 10000 */
  timeoutMs?: number;
  /** Retries for idempotent endpoints on -1, 429/5xx, resets and timeouts. @default 2 */
  maxRetries?: number;
  /** First backoff delay in ms (doubles, full jitter). @default 200 */
  retryBaseDelayMs?: number;
  /** Cap for one backoff delay in ms. @default 5000 */
  retryMaxDelayMs?: number;
  /** Refresh a token when less than this many seconds remain (capped at half its lifetime). @default 300 */
  refreshMarginSeconds?: number;
  /** Max sockets to the API host. @default 64 */
  connections?: number;
  /** Your own undici Dispatcher (proxy, shared agent). */
  dispatcher?: Dispatcher;
  /** Receives redacted log lines. @default none */
  logger?: Logger;
  /** Clock for token expiry (tests). @default Date */
  clock?: { now(): number };
  /**
   * Message push configuration (消息推送): creates `app.push`, a PushReceiver for this appid.
   * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
   */
  push?: Omit<PushReceiverOptions, 'appId'>;
  /**
   * Immediate delivery (即时配送): carrier account secrets by shopid, from which the SDK computes
   * `delivery_sign`. The sandbox account (`test_shop_id`) is built in. Never sent or logged.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/immediate-delivery/deliver-by-business/api_addlocalorder.html
   */
  delivery?: { secrets?: Record<string, string> };
  /**
   * 服务端API签名加密: the symmetric key + SN, the private key and the platform certificate(s) from MP.
   * Calls to endpoints that support it are encrypted and signed; responses are verified, then decrypted.
   * @see https://developers.weixin.qq.com/miniprogram/dev/server/getting_started/api_signature.html
   */
  apiSecurity?: ApiSecurityOptions;
}

/** Options of `app.request` for endpoints not in the table. */
export interface RawRequestOptions {
  method: 'GET' | 'POST';
  /** Path as documented, e.g. `/wxa/some_new_api`. */
  path: string;
  query?: Record<string, unknown>;
  /** JSON body (POST). */
  body?: Record<string, unknown>;
  /** @default 'access_token' */
  auth?: EndpointAuth;
  /** @default 'json' */
  responseType?: 'json' | 'binary';
  /** Retry after it may have reached WeChat? @default false */
  idempotent?: boolean;
  /** API security flag of this path (PROTOCOL §15.7). @default none (plaintext) */
  security?: 'required' | 'supported';
}

/**
 * The token endpoints as the token manager fetches them. A classic fetch is retried although each
 * one issues a new token: the previous token keeps working 5 minutes, so a duplicate is harmless.
 */
const TOKEN_FETCH = {
  stable: endpoints.auth.getStableAccessToken,
  forced: { ...endpoints.auth.getStableAccessToken, idempotent: false },
  classic: { ...endpoints.auth.getAccessToken, idempotent: true },
};

type HelperMethods<N> = N extends keyof AreaHelpers
  ? { readonly [K in keyof AreaHelpers[N]]: AreaHelpers[N][K] extends (m: any) => infer F ? F : never }
  : unknown;
type Namespaces = { readonly [N in keyof Endpoints]: AreaMethods<Endpoints[N]> & HelperMethods<N> };

/** Official API names, e.g. `'wxacode.getUnlimited'`. */
export type ApiName = {
  [N in keyof Endpoints]: `${N & string}.${keyof Endpoints[N] & string}`;
}[keyof Endpoints];

/**
 * The WeChat Mini Program server-side API client.
 * @example
 * const app = new MiniApp({ appId, appSecret });
 * const { openid, session_key } = await app.auth.code2Session({ js_code });
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface below
export class MiniApp {
  readonly appId: string;
  readonly tokenMode: TokenMode;
  /** The push receiver, when the `push` option was given. */
  readonly push?: PushReceiver;
  private readonly executor: Executor;
  private readonly tokens: TokenSource;
  private readonly transport: Transport;
  private readonly byName = new Map<string, Endpoint>();

  constructor(options: MiniAppOptions) {
    if (!options || typeof options.appId !== 'string' || !options.appId) {
      throw new ValidationError('MiniApp needs `appId`');
    }
    if (!options.appSecret && !options.accessToken) {
      throw new ValidationError('MiniApp needs `appSecret` (or an `accessToken` source)');
    }
    registerSecret(options.appSecret);
    this.appId = options.appId;
    this.tokenMode = options.tokenMode ?? 'stable';
    if (this.tokenMode !== 'stable' && this.tokenMode !== 'classic') {
      throw new ValidationError("`tokenMode` must be 'stable' or 'classic'");
    }
    this.transport = new Transport(options.baseUrl ?? 'https://api.weixin.qq.com', {
      connections: options.connections,
      dispatcher: options.dispatcher,
    });
    const clock = options.clock ?? Date;
    // The manager fetches through the executor (looked up when a fetch runs), and the executor
    // asks the manager for tokens: build the manager first.
    const stable = this.tokenMode === 'stable';
    this.tokens = options.accessToken
      ? new CustomTokenSource(options.accessToken)
      : new TokenManager({
          key: `${this.tokenMode}:${options.appId}`,
          mode: this.tokenMode,
          store: options.tokenStore ?? new MemoryTokenStore(),
          now: () => clock.now(),
          logger: options.logger,
          refreshMarginMs: (options.refreshMarginSeconds ?? 300) * 1000,
          // Token fetches are retried with the client's backoff on transient failures (reset,
          // 5xx, -1, timeout); a forced refresh only when it failed before sending (each one
          // spends one of 20 per day).
          fetch: (force) =>
            stable
              ? force
                ? this.executor.call(TOKEN_FETCH.forced, { force_refresh: true })
                : this.executor.call(TOKEN_FETCH.stable, {})
              : this.executor.call(TOKEN_FETCH.classic, undefined),
        });
    this.executor = new Executor({
      transport: this.transport,
      tokens: this.tokens,
      appId: options.appId,
      appSecret: options.appSecret,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? RETRY_DEFAULTS.maxRetries,
      retryBaseDelayMs: options.retryBaseDelayMs ?? RETRY_DEFAULTS.baseDelayMs,
      retryMaxDelayMs: options.retryMaxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
      logger: options.logger,
      deliverySecrets: deliverySecrets(options.delivery),
      security: options.apiSecurity
        ? new ApiSecurity(options.apiSecurity, options.appId, () => clock.now(), options.logger)
        : undefined,
    });
    if (options.push) this.push = new PushReceiver({ ...options.push, appId: options.appId });
    for (const [ns, table] of Object.entries(endpoints)) {
      const methods: Record<string, (p?: unknown, o?: CallOptions) => Promise<unknown>> = {};
      for (const [key, ep] of Object.entries(table as Record<string, Endpoint>)) {
        methods[key] = this.executor.method(ep);
        this.byName.set(`${ns}.${key}`, ep);
      }
      const helpers = (areaHelpers as Record<string, Record<string, (m: unknown) => any>>)[ns];
      for (const [key, make] of Object.entries(helpers ?? {})) methods[key] = make(methods);
      (this as Record<string, unknown>)[ns] = Object.freeze(methods);
    }
  }

  /**
   * A valid access_token (cached; one fetch per refresh however many callers).
   * `forceRefresh` fetches a new one (stable mode: `force_refresh`, ≤ 20/day).
   */
  accessToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    return this.tokens.get({ forceRefresh: options.forceRefresh });
  }

  /** Calls an endpoint by its official name, e.g. `app.call('wxacode.getUnlimited', { scene })`. */
  call(name: ApiName | (string & {}), params?: unknown, options?: CallOptions): Promise<any> {
    const ep = this.byName.get(name);
    if (!ep) throw new ValidationError(`unknown API "${name}"`);
    return this.executor.call(ep, params, options);
  }

  /** Reaches an endpoint that is not in the table, through the same executor (tokens, errors, retries). */
  request<T = any>(req: RawRequestOptions, options?: CallOptions): Promise<T> {
    if (
      !req ||
      (req.method !== 'GET' && req.method !== 'POST') ||
      typeof req.path !== 'string' ||
      !req.path.startsWith('/')
    ) {
      throw new ValidationError("request needs method 'GET' | 'POST' and a path starting with '/'");
    }
    const ep = endpoint<any, T>({
      method: req.method,
      path: req.path,
      auth: req.auth ?? 'access_token',
      request: req.method === 'POST' ? 'json' : 'query',
      response: req.responseType ?? 'json',
      idempotent: req.idempotent ?? false,
      doc: '',
      security: req.security,
    });
    ep.name = `${req.method} ${req.path}`;
    if (req.method === 'POST' && req.query) {
      // POST with query params too: carry them in the path; the executor appends access_token.
      let q = '';
      for (const [k, v] of Object.entries(req.query)) {
        if (v !== undefined) q += `${q ? '&' : ''}${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`;
      }
      if (q) ep.path = `${req.path}?${q}`;
    }
    return this.executor.call(ep, req.method === 'POST' ? req.body : req.query, options);
  }

  /**
   * Decrypts open data from the mini program with this app's appid check on `watermark.appid`.
   * @see https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html
   */
  decryptData<T = Record<string, unknown>>(opts: Omit<DecryptDataOptions, 'appId'>) {
    return decryptData<T>({ ...opts, appId: this.appId });
  }

  /** Closes the HTTP pool. */
  close(): Promise<void> {
    return this.transport.close();
  }
}

// The namespaces are assigned in the constructor from the endpoint tables.
export interface MiniApp extends Namespaces {}
