/**
 * Deadlines on the virtual clock: an area keeps its due items in its state slice and lets
 * `everyTick` call its `tick()` a few times a second, so items fire both while the clock runs and
 * right after `advance()`/`set()` — and survive exportState()/importState(), being data.
 */
import type { AreaContext } from './context.js';

/** Calls `tick` every `ms` real milliseconds until the emulator closes (the timer never holds the process open). */
export function everyTick(ctx: AreaContext, tick: () => void, ms = 100): void {
  const timer = setInterval(() => {
    try {
      tick();
    } catch {
      // A failing tick must not stop the timer; the next request reports the state.
    }
  }, ms);
  timer.unref();
  ctx.onClose?.(() => clearInterval(timer));
}

/** Runs pushes one after another so they arrive in the order they were due. */
export class PushQueue {
  private tail: Promise<unknown> = Promise.resolve();
  constructor(private readonly ctx: AreaContext) {}

  /** Queues a push; resolves with its delivery record (undefined without a push config). */
  send(appid: string, message: Record<string, unknown>): Promise<unknown> {
    const next = this.tail.then(() => this.ctx.push(appid, message)).catch(() => undefined);
    this.tail = next;
    return next;
  }

  /** Resolves when every queued push has been delivered or has failed. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
