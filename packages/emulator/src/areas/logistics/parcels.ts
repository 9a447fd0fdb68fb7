/** The parcel registry: lookups by waybill or order, waybill numbers, and the user checks routes share. */
import type { AreaContext } from '../../context.js';
import { carrier } from './carriers.js';
import { LE } from './errors.js';
import { type LogisticsSlice, type Parcel, key } from './state.js';

export class Parcels {
  constructor(
    private readonly ctx: AreaContext,
    readonly st: () => LogisticsSlice,
  ) {}

  byWaybill(appid: string, waybillId: unknown): Parcel | undefined {
    return typeof waybillId === 'string' ? this.st().parcels[key(appid, waybillId)] : undefined;
  }

  byOrder(appid: string, orderId: unknown): Parcel | undefined {
    if (typeof orderId !== 'string') return undefined;
    const waybill = this.st().orders[key(appid, orderId)];
    return waybill === undefined ? undefined : this.st().parcels[key(appid, waybill)];
  }

  /** The order named by `order_id` (+ `delivery_id`, and `waybill_id` when given), or 930563. */
  order(appid: string, b: Record<string, any>): Parcel {
    const p = this.byOrder(appid, b.order_id);
    if (!p || p.delivery_id !== b.delivery_id) throw LE.orderNotExists();
    if (b.waybill_id !== undefined && b.waybill_id !== '' && b.waybill_id !== p.waybill_id) throw LE.orderNotExists();
    return p;
  }

  add(parcel: Parcel): Parcel {
    const s = this.st();
    s.parcels[key(parcel.appid, parcel.waybill_id)] = parcel;
    if (parcel.order) s.orders[key(parcel.appid, parcel.order.order_id)] = parcel.waybill_id;
    return parcel;
  }

  list(appid?: string): Parcel[] {
    return Object.values(this.st().parcels).filter((p) => !appid || p.appid === appid);
  }

  /** A new waybill number in the carrier's style: its prefix + 12 digits. */
  newWaybillId(deliveryId: string): string {
    const s = this.st();
    const seq = s.nextSeq++;
    const prefix = carrier(deliveryId)?.prefix ?? deliveryId;
    return `${prefix}${String(1_000_000_000_00 + seq * 7919).padStart(12, '0')}`;
  }

  /** `openid` must be a user of the app (40003). */
  requireUser(appid: string, openid: unknown): string {
    if (typeof openid !== 'string' || !openid || !this.ctx.getUser(appid, openid)) throw LE.openid();
    return openid;
  }

  /** Sandbox calls need an admin/developer of the app (930559); no list configured = every user. */
  requireDeveloper(appid: string, openid: unknown): void {
    const list = this.st().developers[appid];
    if (typeof openid !== 'string' || !this.ctx.getUser(appid, openid)) throw LE.sandboxOpenid();
    if (list && !list.includes(openid)) throw LE.sandboxOpenid();
  }

  /** Checks an optional `openid` of a request against the order's buyer (9300534). */
  checkOpenid(parcel: Parcel, openid: unknown): void {
    if (openid === undefined || openid === null || openid === '') return;
    if (parcel.order?.openid !== undefined && parcel.order.openid !== openid) throw LE.openidMismatch();
  }
}
