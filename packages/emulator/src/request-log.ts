/** The request log: what clients sent (secrets redacted) and the errcode they got. */
import { redact } from '@miniapp-server/sdk';
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
  /** Latency added by faults before the request was handled (ms), if any. */
  faultLatencyMs?: number;
}

export interface RequestLogFilter {
  /** Exact path or glob (`/cgi-bin/*`). */
  path?: string;
  method?: string;
  appid?: string;
  /** Only the newest n entries. */
  limit?: number;
}

const MAX_ENTRIES = 5000;
const MAX_TEXT = 4096;

export class RequestLog {
  /** The log is `entries[start..]`: dropping the oldest moves `start`, and the array is compacted
   * once per MAX_ENTRIES requests (a splice per request under load moved 5,000 slots each time). */
  private entries: LoggedRequest[] = [];
  private start = 0;
  private seq = 0;

  add(entry: Omit<LoggedRequest, 'seq'>): void {
    const e: LoggedRequest = { seq: ++this.seq, ...entry, query: redactValue(entry.query) as Record<string, string> };
    if (entry.body !== undefined) e.body = redactValue(truncate(entry.body));
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
        (!filter.appid || e.appid === filter.appid),
    );
    if (filter.limit !== undefined && filter.limit >= 0) out = out.slice(Math.max(0, out.length - filter.limit));
    return structuredClone(out);
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

/** Round-trips through JSON text so the SDK's single redaction rule applies to every nested key. */
function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  return JSON.parse(redact(JSON.stringify(value ?? null)));
}
