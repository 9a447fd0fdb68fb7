/** The request log: what clients sent (secrets redacted) and the errcode they got. */
import { redactValue } from '@miniapp-server/sdk';
import { pathMatcher } from './pattern.js';

export interface LoggedFile {
  field: string;
  filename?: string;
  contentType?: string;
  size: number;
}

export interface LoggedRequest {
  seq: number;
  /** Virtual-clock Unix milliseconds. */
  time: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed body (JSON object / form fields), or the raw text when it did not parse. Secrets are `***`. */
  body?: unknown;
  files?: LoggedFile[];
  status: number;
  /** errcode of a JSON answer (0 for success bodies without one); absent for binary answers and dropped connections. */
  errcode?: number;
  /** App of the token or of the appid parameter, when known. */
  appid?: string;
  /** Id of the injected fault that answered, if any. */
  fault?: string;
  /**
   * Secured calls (API security): the envelope received and sent, the decrypted request and
   * response, and the check that failed. Keys never appear here.
   */
  security?: Record<string, unknown>;
  /** Latency added by faults before the request was handled (ms), if any. */
  faultLatencyMs?: number;
}

export interface RequestLogFilter {
  /** Exact path or glob (`/cgi-bin/*`). */
  path?: string;
  method?: string;
  appid?: string;
  /** Only answers with this errcode (0 = successes). */
  errcode?: number;
  /** Only the newest n entries. */
  limit?: number;
}

export interface RequestStats {
  /** Entries in the log (it keeps the newest 5000). */
  total: number;
  byPath: Record<string, { calls: number; errors: number }>;
  /** errcode (as a string key) → answers. */
  byErrcode: Record<string, number>;
}

const MAX_ENTRIES = 5000;
const MAX_TEXT = 4096;

export class RequestLog {
  /** The log is `entries[start..]`: dropping the oldest moves `start`, and the array is compacted
   * once per MAX_ENTRIES requests (a splice per request under load moved 5,000 slots each time). */
  private entries: LoggedRequest[] = [];
  private start = 0;
  private seq = 0;

  /** Sees each entry, redacted, as it is added (the console's `request` topic). */
  onAdd?: (entry: LoggedRequest) => void;

  add(entry: Omit<LoggedRequest, 'seq'>): void {
    const e: LoggedRequest = { seq: ++this.seq, ...entry, query: redactValue(entry.query) as Record<string, string> };
    if (entry.body !== undefined) e.body = redactValue(truncate(entry.body));
    if (entry.security !== undefined) e.security = redactValue(entry.security) as Record<string, unknown>;
    this.onAdd?.(e);
    this.entries.push(e);
    if (this.entries.length - this.start > MAX_ENTRIES) this.start++;
    if (this.start >= MAX_ENTRIES) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
  }

  list(filter: RequestLogFilter = {}): LoggedRequest[] {
    const match = filter.path ? pathMatcher(filter.path) : undefined;
    const live = this.start === 0 ? this.entries : this.entries.slice(this.start);
    let out = live.filter(
      (e) =>
        (!match || match(e.path)) &&
        (!filter.method || e.method === filter.method.toUpperCase()) &&
        (!filter.appid || e.appid === filter.appid) &&
        (filter.errcode === undefined || e.errcode === filter.errcode),
    );
    if (filter.limit !== undefined && filter.limit >= 0) out = out.slice(Math.max(0, out.length - filter.limit));
    return structuredClone(out);
  }

  /** Calls and errors per path, calls per errcode (successes are errcode 0; HTTP faults count by status). */
  stats(): RequestStats {
    const byPath: RequestStats['byPath'] = {};
    const byErrcode: Record<string, number> = {};
    const entries = this.list(); // the log as list() sees it, however it is stored
    for (const e of entries) {
      const p = byPath[e.path] ?? { calls: 0, errors: 0 };
      byPath[e.path] = p;
      p.calls++;
      const failed = e.status !== 200 || (e.errcode !== undefined && e.errcode !== 0);
      if (failed) p.errors++;
      if (e.errcode !== undefined) byErrcode[e.errcode] = (byErrcode[e.errcode] ?? 0) + 1;
    }
    return { total: entries.length, byPath, byErrcode };
  }

  clear(): void {
    this.entries = [];
    this.start = 0;
  }
}

function truncate(body: unknown): unknown {
  if (typeof body === 'string' && body.length > MAX_TEXT) return `${body.slice(0, MAX_TEXT)}…(${body.length} chars)`;
  return body;
}
