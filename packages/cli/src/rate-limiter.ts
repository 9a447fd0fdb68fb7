/**
 * A client-side pacing limiter: starts are spaced at least `60000 / perMinute` ms apart, so any
 * 60-second window (a sliding one, hence also WeChat's per-minute buckets) sees at most
 * `perMinute + 1` starts. Smooth spacing instead of bursts keeps the progress bar's rate and ETA
 * honest. Slots are computed from a schedule, not from sleep durations, so timer lateness does
 * not accumulate into a lower rate.
 */

export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: LimiterClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class RateLimiter {
  /** Minimum spacing between starts, in ms. */
  readonly intervalMs: number;
  private next = Number.NEGATIVE_INFINITY;

  constructor(
    readonly perMinute: number,
    private readonly clock: LimiterClock = realClock,
  ) {
    if (!(Number.isFinite(perMinute) && perMinute > 0))
      throw new RangeError('rate must be a positive number per minute');
    this.intervalMs = 60_000 / perMinute;
  }

  /** Resolves when the caller may start one call. Callers are served in order. */
  async acquire(): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.next);
    this.next = slot + this.intervalMs;
    if (slot > now) await this.clock.sleep(slot - now);
  }
}
