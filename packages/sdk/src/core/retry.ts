/**
 * Backoff policy. Retries are for transient failures only (-1, 429/5xx, connection failures,
 * timeouts); a call that may have reached WeChat is retried only when its endpoint is idempotent.
 */
import { ApiError, HttpError, NetworkError, TimeoutError } from './errors.js';

/** Retry defaults. */
export const RETRY_DEFAULTS = {
  /** @default 2 */
  maxRetries: 2,
  /** First backoff delay; doubles each attempt, with full jitter. @default 200 */
  baseDelayMs: 200,
  /** Cap for one delay (also caps a Retry-After). @default 5000 */
  maxDelayMs: 5000,
} as const;

/** Whether `err` may be retried for an endpoint with the given idempotency. */
export function isRetryable(err: unknown, idempotent: boolean): boolean {
  if (err instanceof NetworkError) return idempotent || !err.sent;
  if (err instanceof TimeoutError) return idempotent || !err.sent;
  if (err instanceof HttpError) return idempotent && (err.status === 429 || err.status >= 500);
  // -1 = system busy. 45009/45011 (quotas) are never retried automatically.
  if (err instanceof ApiError) return idempotent && err.errcode === -1;
  return false;
}

/** Delay before retry number `attempt` (0-based): full jitter over an exponential window. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, maxDelayMs);
  const window = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
  return Math.round(window / 2 + Math.random() * (window / 2));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
