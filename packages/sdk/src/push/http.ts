/**
 * The HTTP contract between the push receiver and its framework adapters: framework-neutral
 * request/response shapes and the few things an adapter needs while it reads a body. Adapters
 * depend on this (and so on any receiver), never the receiver on them.
 */

/** Minimal logger; `console` fits. Messages and meta never contain secrets. */
export interface PushLogger {
  debug?(message: string, meta?: Record<string, unknown>): void;
  info?(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** A request in framework-neutral form. */
export interface PushRequest {
  method: string;
  /** Query parameters: an object, URLSearchParams, or the raw query string. */
  query: Record<string, string | string[] | undefined> | URLSearchParams | string;
  headers?: Record<string, string | string[] | undefined>;
  /** The raw body, exactly as received. */
  body?: string | Uint8Array | null;
}

/** What to send back. */
export interface PushResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What an adapter needs from the receiver it mounts. */
export interface PushEndpoint {
  /** Bodies beyond this are refused with 413 as soon as the limit is passed. */
  readonly maxBodyBytes: number;
  /** A body not fully received within this is refused with 408. */
  readonly bodyTimeoutMs: number;
  readonly logger: PushLogger;
  /** The whole pipeline; never throws. */
  handle(request: PushRequest): Promise<PushResponse>;
  /**
   * A refusal decided before `handle` (body too large, stalled or broken): counted in the
   * receiver's rate-limited refusal log; returns the response to send.
   */
  refuse(status: number, reason: string): PushResponse;
}

export const TEXT = 'text/plain; charset=utf-8';

export function textResponse(status: number, body: string, extra: Record<string, string> = {}): PushResponse {
  return { status, headers: { 'content-type': TEXT, ...extra }, body };
}
