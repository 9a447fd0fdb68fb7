/**
 * Deadlines on the virtual clock: an area keeps its due items in its state slice and lets
 * `everyTick` call its `tick()` a few times a second, so items fire both while the clock runs and
 * right after `advance()`/`set()` — and survive exportState()/importState(), being data. Each item
 * carries its own due time, so how often the timer runs changes only real-time latency, never
 * the virtual times pushed.
 */
import type { AreaContext } from './context.js';

/** Calls `tick` every `ms` real milliseconds until the emulator closes (the timer never holds the process open). */
export function everyTick(ctx: AreaContext, tick: () => unknown, ms = 100): void {
  const timer = setInterval(() => {
    try {
      // A failing tick must not stop the timer nor crash the process; the next request reports the state.
      Promise.resolve(tick()).catch(() => undefined);
    } catch {
      // (a synchronous failure: same)
    }
  }, ms);
  timer.unref();
  ctx.onClose?.(() => clearInterval(timer));
}

/**
 * Runs pushes one after another so they arrive in the order they were due. Jobs of one key run in
 * order; different keys run side by side (one slow receiver then holds back only its own key).
 */
export class PushQueue {
  private readonly chains = new Map<string, Promise<unknown>>();
  constructor(private readonly ctx: AreaContext) {}

  /** Queues a push; resolves with its delivery record (undefined without a push config or when it failed). */
  send(appid: string, message: Record<string, unknown>, key = ''): Promise<unknown> {
    return this.run(() => this.ctx.push(appid, message), key);
  }

  /** Queues `job` behind the earlier jobs of `key`; resolves with its result (undefined when it threw). */
  run<T>(job: () => Promise<T>, key = ''): Promise<T | undefined> {
    const next = (this.chains.get(key) ?? Promise.resolve()).then(job).catch(() => undefined);
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  /** Resolves when every queued push (including those queued while waiting) has been delivered or has failed. */
  async idle(): Promise<void> {
    for (let pending = [...this.chains.values()]; pending.length; pending = [...this.chains.values()]) {
      await Promise.all(pending);
      if ([...this.chains.values()].every((c) => pending.includes(c))) return;
    }
  }
}
