/**
 * Request checks of the merchant endpoints, in the order WeChat applies them: platform arguments
 * (930561), a bound and approved carrier account (930560), the ordering user (930559), then the
 * carrier's own checks — `delivery_sign` (resultcode 2003) and the per-carrier required fields.
 */
import { createHash } from 'node:crypto';
import type { AreaContext, EmuApp } from '../../context.js';
import { WxError } from '../../context.js';
import { BUILTIN_ACCOUNTS, type Carrier, R, type ShopAccount } from './carriers.js';
import { toGcj02 } from './geo.js';
import type { Address, DeliverySlice } from './state.js';

/** Platform errcodes of this family (PROTOCOL §8.5). */
export const X = {
  unauthorized: () => new WxError(48001, 'api unauthorized, immediate delivery is not opened'),
  opened: () => new WxError(930569, 'already opened'),
  openid: () => new WxError(930559, 'invalid openid'),
  unbound: () => new WxError(930560, 'shopid not bound'),
  args: (why: string) => new WxError(930561, `args error: ${why}`),
  exists: () => new WxError(930562, 'order already exists'),
  notFound: () => new WxError(930563, 'order not exists'),
  quota: () => new WxError(930564, 'no quota'),
  finished: () => new WxError(930565, 'order finished'),
  shop: () => new WxError(9300535, 'invalid shop arg: img_url, goods_name and goods_count are required'),
};

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Required non-empty strings. */
export function requireStrings(body: Record<string, any>, fields: readonly string[]): void {
  for (const f of fields) if (typeof body[f] !== 'string' || body[f] === '') throw X.args(`${f} is required`);
}

/** An integer field. */
export function requireInt(body: Record<string, any>, field: string): number {
  const v = body[field];
  if (!Number.isInteger(v)) throw X.args(`${field} must be an integer`);
  return v;
}

const ADDRESS_FIELDS = ['name', 'city', 'address', 'address_detail', 'phone'] as const;

function address(v: unknown, field: string): Address {
  if (!isObj(v)) throw X.args(`${field} is required`);
  for (const f of ADDRESS_FIELDS)
    if (typeof v[f] !== 'string' || v[f] === '') throw X.args(`${field}.${f} is required`);
  if (!isNum(v.lng) || !isNum(v.lat) || Math.abs(v.lng) > 180 || Math.abs(v.lat) > 90)
    throw X.args(`${field}.lng/lat must be coordinates`);
  const p = toGcj02(v as Address & { coordinate_type?: number });
  return { name: v.name, city: v.city, address: v.address, address_detail: v.address_detail, phone: v.phone, ...p };
}

/** The order object's platform checks (PROTOCOL §8.3); returns the receiver and the sender when given. */
export function checkOrderBody(body: Record<string, any>): { receiver: Address; sender?: Address } {
  requireStrings(body, ['shopid', 'shop_order_id', 'delivery_id', 'openid']);
  if (Buffer.byteLength(body.shop_order_id) > 128) throw X.args('shop_order_id is longer than 128 bytes');
  const receiver = address(body.receiver, 'receiver');
  const sender = body.sender === undefined ? undefined : address(body.sender, 'sender');
  const cargo = body.cargo;
  if (!isObj(cargo)) throw X.args('cargo is required');
  if (!isNum(cargo.goods_value) || cargo.goods_value <= 0 || cargo.goods_value > 5000)
    throw X.args('cargo.goods_value must be in (0, 5000]');
  if (!isNum(cargo.goods_weight) || cargo.goods_weight <= 0 || cargo.goods_weight > 50)
    throw X.args('cargo.goods_weight must be in (0, 50]');
  if (typeof cargo.cargo_first_class !== 'string' || typeof cargo.cargo_second_class !== 'string')
    throw X.args('cargo.cargo_first_class and cargo_second_class are required');
  if (!isObj(body.order_info)) throw X.args('order_info is required');
  const shop = body.shop;
  if (!isObj(shop)) throw X.args('shop is required');
  const detailed = Array.isArray(shop.detail_list) && shop.detail_list.length > 0;
  if (!detailed && (!shop.img_url || !shop.goods_name || !(Number(shop.goods_count) > 0))) throw X.shop();
  return { receiver, sender };
}

/** The carrier account an app orders with: built in, or added through the admin API. */
export function findAccount(st: DeliverySlice, appid: string, shopid: string): ShopAccount | undefined {
  return st.accounts[`${appid}|${shopid}`] ?? BUILTIN_ACCOUNTS.find((a) => a.shopid === shopid);
}

/** A bound, approved account of `delivery_id` (when given). */
export function requireAccount(st: DeliverySlice, appid: string, shopid: string, deliveryId?: string): ShopAccount {
  const acc = findAccount(st, appid, shopid);
  if (!acc || acc.audit_result !== 0 || (deliveryId !== undefined && acc.delivery_id !== deliveryId)) throw X.unbound();
  return acc;
}

/** Immediate delivery must be opened (openDelivery) before use; apps are opened unless the admin API says otherwise. */
export function requireOpened(st: DeliverySlice, app: EmuApp): void {
  if (st.opened[app.appid] === false) throw X.unauthorized();
}

/** The ordering user must be a user of the app (sandbox: an admin or developer). */
export function requireUser(ctx: AreaContext, app: EmuApp, openid: string): void {
  if (!ctx.getUser(app.appid, openid)) throw X.openid();
}

/** `delivery_sign` = SHA1(shopid + shop_order_id + secret), or SHA1(shopid + secret) without an order id. */
export function checkSign(body: Record<string, any>, acc: ShopAccount): void {
  const expected = createHash('sha1')
    .update(`${acc.shopid}${typeof body.shop_order_id === 'string' ? body.shop_order_id : ''}${acc.secret}`)
    .digest('hex');
  if (typeof body.delivery_sign !== 'string' || body.delivery_sign.toLowerCase() !== expected) throw R.badSign();
}

/** Per-carrier required fields (carrier-level failures). */
export function checkCarrierFields(carrier: Carrier, body: Record<string, any>, hasSender: boolean): void {
  if (carrier.needsSender && !hasSender) throw R.sender();
  if (carrier.needsShopNo && !body.shop_no) throw R.shopNo();
  if (carrier.delivery_id === 'SS' && Number(body.order_info?.is_direct_delivery) !== 1) throw R.directDelivery();
  if (carrier.delivery_id === 'SFTC' && !body.order_info?.order_time) throw R.orderTime();
}
