import type { VirtualClock } from './context.js';

/** How the virtual clock starts: a Unix time in seconds, a Date, or `{ start, frozen }`. */
export type ClockOption = number | Date | { start?: number | Date; frozen?: boolean };

function toSeconds(v: number | Date): number {
  return v instanceof Date ? v.getTime() / 1000 : v;
}

/**
 * The emulator's virtual clock. It runs with real time from a start point (real time by default)
 * and can be moved with `advance()`/`set()`, so expiry rules are testable in milliseconds.
 * A frozen clock moves only when told to, which makes boundary tests exact.
 */
export class Clock implements VirtualClock {
  private offsetMs = 0;
  private frozenAtMs: number | undefined;
  /** Called after every advance()/set() (the console's `clock` topic). */
  onChange?: () => void;

  constructor(option?: ClockOption) {
    const opt = typeof option === 'object' && !(option instanceof Date) ? option : { start: option };
    if (opt.start !== undefined) this.offsetMs = toSeconds(opt.start) * 1000 - Date.now();
    if (opt.frozen) this.frozenAtMs = Date.now() + this.offsetMs;
  }

  nowMs(): number {
    return this.frozenAtMs ?? Date.now() + this.offsetMs;
  }

  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds)) throw new TypeError('advance(seconds): seconds must be a finite number');
    this.offsetMs += seconds * 1000;
    if (this.frozenAtMs !== undefined) this.frozenAtMs += seconds * 1000;
    this.onChange?.();
  }

  set(unixSeconds: number): void {
    if (!Number.isFinite(unixSeconds)) throw new TypeError('set(unixSeconds): must be a finite number');
    this.offsetMs = unixSeconds * 1000 - Date.now();
    if (this.frozenAtMs !== undefined) this.frozenAtMs = unixSeconds * 1000;
    this.onChange?.();
  }

  get frozen(): boolean {
    return this.frozenAtMs !== undefined;
  }
}

/** Day number in China time (UTC+8): WeChat's daily quotas reset at Beijing midnight. */
export function quotaDay(unixSeconds: number): number {
  return Math.floor((unixSeconds + 8 * 3600) / 86400);
}
