import { nodeCrypto } from '../internal/node-crypto.js';

/**
 * Remembers which pushes were already handled, so WeChat's retries (it re-sends a push it
 * got no answer to within 5 s, three times) run the handler once.
 */
export interface DedupeStore {
  /**
   * Records `key` if it is new.
   * @returns true when the key was new (handle the push), false when it was seen within the TTL.
   */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Forgets `key` (used when the handler failed, so WeChat's retry can run it again). */
  release?(key: string): Promise<void>;
}

/** In-memory DedupeStore with TTL; bounded so a flood of unique keys cannot grow it forever. */
export class MemoryDedupeStore implements DedupeStore {
  private readonly seen = new Map<string, number>();
  constructor(private readonly maxEntries = 100_000) {}
  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const now = Date.now();
    const exp = this.seen.get(key);
    if (exp !== undefined && exp > now) return false;
    if (this.seen.size >= this.maxEntries) this.sweep(now);
    this.seen.set(key, now + ttlSeconds * 1000);
    return true;
  }
  async release(key: string): Promise<void> {
    this.seen.delete(key);
  }
  private sweep(now: number): void {
    for (const [k, exp] of this.seen) if (exp <= now) this.seen.delete(k);
    // Still full: drop the oldest insertions (Map keeps insertion order).
    while (this.seen.size >= this.maxEntries) {
      const first = this.seen.keys().next().value as string;
      this.seen.delete(first);
    }
  }
}

/**
 * Fields that tell two events of the same kind apart when they share sender and `CreateTime`
 * (PROTOCOL §7.7 [inferred]). Unknown events fall back to a digest of the whole message.
 */
const EVENT_ID_FIELDS: Record<string, string[]> = {
  update_waybill_status: ['shop_order_id', 'waybill_id', 'order_status', 'action_time'],
  add_express_path: ['DeliveryID', 'WayBillId', 'Version'],
  update_business_bind_result: ['delivery_id', 'biz_id', 'errcode'],
  wxa_media_check: ['trace_id'],
  user_enter_tempsession: ['SessionFrom'],
  debug_demo: ['debug_str'],
  subscribe_msg_popup_event: ['SubscribeMsgPopupEvent'],
  subscribe_msg_change_event: ['SubscribeMsgChangeEvent'],
  subscribe_msg_sent_event: ['SubscribeMsgSentEvent'],
};

/** Deterministic JSON (sorted keys) so equal messages give equal keys. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The default dedupe key of a normalised push: `msg:<MsgId>` for messages; for events
 * `event:<FromUserName>:<CreateTime>:<Event>:<the event's own id fields>` (a SHA-1 of the whole
 * message for events this library does not know). A retry of the same push gives the same key.
 */
export function defaultDedupeKey(message: Record<string, unknown>): string {
  const msgId = message.MsgId ?? message.MsgID;
  if (msgId !== undefined && msgId !== '') return `msg:${String(msgId)}`;
  const event = String(message.Event ?? message.MsgType ?? '').toLowerCase();
  const fields = EVENT_ID_FIELDS[event];
  const own = fields
    ? fields.map((f) => (typeof message[f] === 'object' ? canonical(message[f]) : String(message[f] ?? ''))).join(':')
    : nodeCrypto().createHash('sha1').update(canonical(message)).digest('hex');
  return `event:${String(message.FromUserName ?? '')}:${String(message.CreateTime ?? '')}:${event}:${own}`;
}
