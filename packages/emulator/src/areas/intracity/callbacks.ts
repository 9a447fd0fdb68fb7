/**
 * Order callbacks (PROTOCOL §18.4): every status change POSTs the signed JSON to the order's
 * `callback_url`. An attempt succeeds on HTTP 200 with `return_code` 0; otherwise WeChat retries
 * ("微信会重试回调"; the schedule is unpublished: 1 + `retries` attempts, `retryDelayMs` apart).
 * Callbacks of one order go out one after another, in status order; every attempt is recorded.
 */
import { intracityCallbackSign } from '@miniapp-server/sdk';
import type { IcCallback, IcCallbackAttempt, IcOrder, IcSettings } from './state.js';

const MAX_RECORDS = 1000;

export interface CallbackDeps {
  nowMs: () => number;
  settings: () => IcSettings;
  /** The token the app's callbacks are signed with. */
  token: (appid: string) => string;
  nextId: () => string;
  /** After a callback was delivered or gave up. */
  settled?: (cb: IcCallback) => void;
}

/** The body WeChat sends: `wx_order_id` as a bare uint64 number, `sign` last. */
export function callbackBody(order: IcOrder, token: string, nowSeconds: number, changedAt: number): string {
  const fields = {
    appid: order.appid,
    wx_store_id: order.wx_store_id,
    wx_order_id: order.wx_order_id,
    store_order_id: order.store_order_id,
    order_status: order.order_status,
    status_change_time: changedAt,
    timestamp: nowSeconds,
    service_trans_id: order.service_trans_id,
  };
  const json = JSON.stringify({ ...fields, sign: intracityCallbackSign(fields, token) });
  return json.replace(`"wx_order_id":"${order.wx_order_id}"`, `"wx_order_id":${order.wx_order_id}`);
}

function accepted(text: string): boolean {
  try {
    const r = JSON.parse(text);
    return r !== null && typeof r === 'object' && Number(r.return_code) === 0 && r.return_code !== '';
  } catch {
    return false;
  }
}

export class CallbackSender {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inflight = new Set<AbortController>();
  private closed = false;

  constructor(private readonly deps: CallbackDeps) {}

  /** Queues the callback for the order's current status (no-op without a callback_url). */
  enqueue(order: IcOrder, records: IcCallback[]): void {
    if (!order.callback_url || this.closed) return;
    const nowS = Math.floor(this.deps.nowMs() / 1000);
    const cb: IcCallback = {
      id: this.deps.nextId(),
      appid: order.appid,
      wx_order_id: order.wx_order_id,
      order_status: order.order_status,
      url: order.callback_url,
      body: callbackBody(order, this.deps.token(order.appid), nowS, order.history.at(-1)?.at ?? nowS),
      status: 'pending',
      attempts: [],
    };
    records.push(cb);
    if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
    const prev = this.chains.get(order.wx_order_id) ?? Promise.resolve();
    const next = prev.then(() => this.deliver(cb));
    this.chains.set(order.wx_order_id, next);
    void next.finally(() => {
      if (this.chains.get(order.wx_order_id) === next) this.chains.delete(order.wx_order_id);
    });
  }

  /** Resolves when every queued callback has been delivered or has failed. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  close(): void {
    this.closed = true;
    for (const c of this.inflight) c.abort();
  }

  private async deliver(cb: IcCallback): Promise<void> {
    const s = this.deps.settings();
    const total = 1 + Math.max(0, Math.floor(s.retries));
    for (let n = 1; n <= total && !this.closed; n++) {
      if (n > 1 && s.retryDelayMs > 0) await new Promise((r) => setTimeout(r, s.retryDelayMs).unref?.());
      const rec = await this.attempt(cb, n, s.timeoutMs);
      cb.attempts.push(rec);
      if (rec.ok) {
        cb.status = 'delivered';
        this.deps.settled?.(cb);
        return;
      }
    }
    cb.status = 'failed';
    this.deps.settled?.(cb);
  }

  private async attempt(cb: IcCallback, n: number, timeoutMs: number): Promise<IcCallbackAttempt> {
    const rec: IcCallbackAttempt = { n, at: this.deps.nowMs(), ok: false };
    const controller = new AbortController();
    this.inflight.add(controller);
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await fetch(cb.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: cb.body,
        signal: controller.signal,
      });
      rec.status = res.status;
      rec.response = (await res.text()).slice(0, 2048);
      rec.ok = res.status === 200 && accepted(rec.response);
    } catch (e) {
      rec.error = controller.signal.aborted
        ? this.closed
          ? 'emulator closed'
          : `timeout after ${timeoutMs} ms`
        : String((e as Error & { cause?: Error }).cause?.message ?? (e as Error).message);
    } finally {
      clearTimeout(timer);
      this.inflight.delete(controller);
    }
    return rec;
  }
}
