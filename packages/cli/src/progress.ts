/**
 * A progress bar for long batch commands, on stderr: redrawn in place on a TTY (at most ~10
 * times a second), one plain line every few seconds otherwise (logs, CI). Shows done/total,
 * the rate of real work (skipped items do not count) and the ETA.
 */

export interface ProgressOptions {
  total: number;
  stream: NodeJS.WritableStream;
  /** Redraw in place. @default whether `stream` is a TTY */
  tty?: boolean;
  /** Label before the bar. @default '' */
  label?: string;
  /** Non-TTY: milliseconds between lines. @default 2000 */
  lineIntervalMs?: number;
  /** Clock in ms. @default performance.now */
  now?: () => number;
}

export interface ProgressCounts {
  done: number;
  skipped: number;
  failed: number;
}

const BAR = 24;

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class Progress {
  readonly counts: ProgressCounts = { done: 0, skipped: 0, failed: 0 };
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private finished = false;

  constructor(private readonly opts: ProgressOptions) {
    this.tty = opts.tty ?? (opts.stream as { isTTY?: boolean }).isTTY === true;
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** Elapsed seconds since the bar was created. */
  elapsedSeconds(): number {
    return (this.now() - this.started) / 1000;
  }

  /** Completed items per second, skipped ones excluded. */
  rate(): number {
    const t = this.elapsedSeconds();
    const work = this.counts.done + this.counts.failed;
    return t > 0 ? work / t : 0;
  }

  /** Records one finished item and redraws when due. */
  tick(kind: keyof ProgressCounts): void {
    this.counts[kind]++;
    this.draw(false);
  }

  /** The status text (without the leading carriage return). */
  line(): string {
    const { total } = this.opts;
    const { done, skipped, failed } = this.counts;
    const finished = done + skipped + failed;
    const frac = total > 0 ? finished / total : 1;
    const filled = Math.round(frac * BAR);
    const rate = this.rate();
    const remaining = total - finished;
    const eta = remaining === 0 ? 0 : rate > 0 ? remaining / rate : Number.POSITIVE_INFINITY;
    const parts = [
      `${this.opts.label ? `${this.opts.label} ` : ''}[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${finished}/${total} ${Math.floor(frac * 100)}%`,
      `${rate.toFixed(1)}/s`,
      `ETA ${formatDuration(eta)}`,
    ];
    if (skipped) parts.push(`${skipped} skipped`);
    if (failed) parts.push(`${failed} failed`);
    return parts.join(' · ');
  }

  private draw(force: boolean): void {
    if (this.finished) return;
    const t = this.now();
    const every = this.tty ? 100 : (this.opts.lineIntervalMs ?? 2000);
    if (!force && t - this.lastDraw < every) return;
    this.lastDraw = t;
    this.opts.stream.write(this.tty ? `\r\x1b[2K${this.line()}` : `${this.line()}\n`);
  }

  /** Draws the final state and ends the line. */
  finish(): void {
    this.draw(true);
    if (this.tty) this.opts.stream.write('\n');
    this.finished = true;
  }
}
