/**
 * Endpoints are data. Each API area declares a table of `endpoint(...)` entries beside its
 * param/response types; the executor turns every entry into a method once, at construction.
 * Adding an endpoint means adding an entry here, never writing a function.
 */

/** How the call authenticates: `access_token` query param, appid+secret, or nothing. */
export type EndpointAuth = 'access_token' | 'appsecret' | 'none';
/** Where params go: the query string, a JSON body, a multipart body (file + query), or nowhere. */
export type RequestEncoding = 'query' | 'json' | 'multipart' | 'none';
/** `json`: a JSON object with errcode; `binary`: bytes on success, JSON on error. */
export type ResponseKind = 'json' | 'binary';

/** A file to upload: bytes, a Blob/File, a readable stream, a path on disk, or bytes with a name. */
export type FileInput =
  | Buffer
  | Uint8Array
  | Blob
  | NodeJS.ReadableStream
  | AsyncIterable<Uint8Array>
  | { path: string; filename?: string; contentType?: string }
  | { data: Buffer | Uint8Array; filename?: string; contentType?: string };

/** What binary endpoints resolve to. */
export interface BinaryResult {
  /** The bytes WeChat returned (an image). */
  data: Buffer;
  /** The response Content-Type, e.g. `image/jpeg` or `image/png`. */
  contentType: string;
}

/** The success envelope every JSON response may carry. */
export interface Envelope {
  /** 0 or absent on success. Always a number here, even if WeChat sent a string. */
  errcode?: number;
  errmsg?: string;
}

/** What an endpoint's `wire` may read from the client configuration. */
export interface WireContext {
  appId: string;
  /** Carrier secrets by shopid (the `delivery.secrets` client option, plus the sandbox's). Never sent. */
  deliverySecrets: Readonly<Record<string, string>>;
}

export interface EndpointSpec<P, R> {
  /** HTTP method exactly as documented. */
  method: 'GET' | 'POST';
  /** Path exactly as documented (no query). */
  path: string;
  auth: EndpointAuth;
  request: RequestEncoding;
  response: ResponseKind;
  /**
   * Safe to retry after the request may have reached WeChat (-1, 5xx, reset, timeout).
   * Sends and order creation are not: a retried timeout can deliver a message twice.
   */
  idempotent: boolean;
  /** Official documentation page. */
  doc: string;
  /** Throws ValidationError for params WeChat would reject; runs before anything is sent. */
  validate?: (params: P) => void;
  /** Maps user params to wire params when they differ (e.g. compute a signature from the client's configuration). */
  wire?: (params: P, ctx: WireContext) => Record<string, unknown>;
  /** Constant wire fields merged under the params (e.g. grant_type). */
  fixed?: Record<string, string>;
  /** For `multipart`: the param that is the file part (others go to the query string). */
  fileField?: string;
  /** For `multipart`: largest file accepted client-side, in bytes. */
  maxFileBytes?: number;
  /** JSON keys whose integer values exceed 2^53 and must be decoded as strings (e.g. msgid). */
  bigIntKeys?: string[];
  /**
   * 服务端API签名加密 (PROTOCOL §15.7): `required` calls are always encrypted and signed (同城配送),
   * `supported` ones when the client's `apiSecurity.mode` is 'supported'. Only POST JSON endpoints
   * with JSON answers are ever secured; the flag on others records what WeChat lists.
   */
  security?: 'required' | 'supported';
  /** Post-processes a successful decoded response (JSON object or BinaryResult) with the response headers. */
  decode?: (result: any, headers: Record<string, string | string[] | undefined>) => R;
  /** Wraps the whole call, each `attempt()` validating and sending anew (e.g. an opt-in retry of one errcode). */
  around?: (attempt: () => Promise<R>, options?: CallOptions) => Promise<R>;
}

/** A resolved table entry. `name` is the official API name, e.g. `wxacode.getUnlimited`. */
export interface Endpoint<P = any, R = any> extends EndpointSpec<P, R> {
  name: string;
  /** Phantom field carrying the types; never set at run time. */
  readonly __types?: { params: P; result: R };
}

/** Declares one endpoint. `P` = params (wire names), `R` = decoded result. */
export function endpoint<P, R>(spec: EndpointSpec<P, R>): Endpoint<P, R> {
  // Every entry gets every field, in one order (absent ones undefined): all endpoints then share
  // one object shape, and the executor's reads of them stay monomorphic, however many endpoints a
  // program calls. The type makes tsc name any field of EndpointSpec this list forgets.
  const full: { [K in keyof Required<EndpointSpec<P, R>>]: EndpointSpec<P, R>[K] } & { name: string } = {
    name: '',
    method: spec.method,
    path: spec.path,
    auth: spec.auth,
    request: spec.request,
    response: spec.response,
    idempotent: spec.idempotent,
    doc: spec.doc,
    validate: spec.validate,
    wire: spec.wire,
    fixed: spec.fixed,
    fileField: spec.fileField,
    maxFileBytes: spec.maxFileBytes,
    bigIntKeys: spec.bigIntKeys,
    security: spec.security,
    decode: spec.decode,
    around: spec.around,
  };
  return full;
}

/** Names a table: sets each entry's official name to `<namespace>.<key>`. */
export function defineArea<T extends Record<string, Endpoint>>(namespace: string, table: T): T {
  for (const [key, ep] of Object.entries(table)) ep.name = `${namespace}.${key}`;
  return table;
}

/** Per-call options (override the client's defaults). */
export interface CallOptions {
  /** @default the client's timeoutMs (10000) */
  timeoutMs?: number;
  /** @default the client's maxRetries (2); only idempotent endpoints are retried after sending */
  maxRetries?: number;
  /** Abort the call. */
  signal?: AbortSignal;
  /**
   * Body encoding of a JSON endpoint. `form` sends `application/x-www-form-urlencoded` with
   * arrays as repeated keys (`kidList=1&kidList=2`): the newer addTemplate doc asks for it,
   * the older doc and every SDK send JSON (PROTOCOL §4.7 conflict).
   * @default 'json'
   */
  bodyEncoding?: 'json' | 'form';
  /**
   * orderShipping upload APIs: retry errcode 10060001 (支付单不存在) with backoff, because a payment
   * reaches the shipping system up to a minute after it is made. `true` waits 5 s, 15 s, 60 s.
   * @default false
   */
  retryOrderNotFound?: boolean | { delaysMs?: readonly number[] };
}

/** The method an entry becomes on the client. Endpoints without params take an optional `params`. */
// biome-ignore lint/suspicious/noConfusingVoidType: tables may declare parameterless endpoints as void or undefined
export type EndpointMethod<P, R> = [P] extends [void | undefined]
  ? (params?: undefined, options?: CallOptions) => Promise<R>
  : {} extends P
    ? (params?: P, options?: CallOptions) => Promise<R>
    : (params: P, options?: CallOptions) => Promise<R>;

/** A table's methods. */
export type AreaMethods<T> = {
  [K in keyof T]: T[K] extends Endpoint<infer P, infer R> ? EndpointMethod<P, R> : never;
};
