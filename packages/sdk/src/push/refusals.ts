/**
 * Rate-limited refusal logging. A hostile or broken sender can make thousands of refusals a
 * second; one log line each would flood the log (and the disk). The first refusal of each kind
 * in an interval is logged at once; repeats are counted and summarised in one line at the end of
 * the interval.
 */
import type { PushLogger } from './http.js';

/** Distinct kinds tracked per interval; beyond, repeats are counted under `other`. */
const MAX_KINDS = 64;

export class RefusalLog {
  private counts = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private started = 0;

  /** `intervalMs` 0 logs every refusal. */
  constructor(
    private readonly logger: PushLogger,
    private readonly intervalMs: number,
  ) {}

  note(status: number, reason: string): void {
    const line = `push refused (${status}): ${reason}`;
    if (this.intervalMs === 0) {
      this.logger.warn(line);
      return;
    }
    // The kind is the reason's stable part: "malformed JSON: Unexpected token…" → "malformed JSON".
    const colon = reason.indexOf(':');
    let kind = `${status} ${colon === -1 ? reason : reason.slice(0, colon)}`;
    const seen = this.counts.get(kind);
    if (seen !== undefined) {
      this.counts.set(kind, seen + 1);
      return;
    }
    if (this.counts.size >= MAX_KINDS) {
      kind = 'other';
      this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
      return;
    }
    this.counts.set(kind, 0);
    this.logger.warn(line);
    if (!this.timer) {
      this.started = Date.now();
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref?.();
    }
  }

  /** Logs the repeats counted so far (one line) and starts a new interval. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const repeated: Record<string, number> = {};
    let total = 0;
    for (const [kind, n] of this.counts) {
      if (n > 0) {
        repeated[kind] = n;
        total += n;
      }
    }
    this.counts.clear();
    if (total > 0) {
      const seconds = Math.max(1, Math.round((Date.now() - this.started) / 1000));
      this.logger.warn(`push refused ${total} more time(s) in the last ${seconds} s`, { repeated });
    }
  }
}
