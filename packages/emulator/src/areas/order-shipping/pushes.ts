/**
 * The three trade_manage_* pushes (PROTOCOL §17.5). Field names from three SDKs that agree; the
 * official field table was not readable. The settlement push is sent twice per order: at shipping
 * (`estimated_settlement_time`) and at settlement (`confirm_receive_*`, `settlement_time`).
 */
import type { EmuApp } from '../../context.js';
import { WECHAT_TEAM } from '../../wechat-team.js';
import type { Order } from './state.js';

function head(app: EmuApp, event: string, now: number) {
  return { ToUserName: app.originalId, FromUserName: WECHAT_TEAM, CreateTime: now, MsgType: 'event', Event: event };
}

function ids(order: Order) {
  return {
    transaction_id: order.transaction_id,
    merchant_id: order.merchant_id,
    ...(order.sub_merchant_id ? { sub_merchant_id: order.sub_merchant_id } : {}),
    merchant_trade_no: order.merchant_trade_no,
    pay_time: order.pay_time,
  };
}

export function remindAccessApi(app: EmuApp, now: number, msg: string): Record<string, unknown> {
  return { ...head(app, 'trade_manage_remind_access_api', now), msg };
}

export function remindShipping(app: EmuApp, order: Order, now: number): Record<string, unknown> {
  return {
    ...head(app, 'trade_manage_remind_shipping', now),
    ...ids(order),
    msg: '你的小程序有订单超过48小时未发货，请及时上传发货信息',
  };
}

export function shippedSettlement(app: EmuApp, order: Order, now: number, estimated: number): Record<string, unknown> {
  return {
    ...head(app, 'trade_manage_order_settlement', now),
    ...ids(order),
    shipped_time: order.shipped_time,
    estimated_settlement_time: estimated,
  };
}

export function settled(app: EmuApp, order: Order, now: number, reversed: boolean): Record<string, unknown> {
  const method = order.confirm_receive_method ?? 1;
  return {
    ...head(app, 'trade_manage_order_settlement', now),
    ...ids(order),
    shipped_time: order.shipped_time,
    confirm_receive_method: reversed ? 3 - method : method,
    confirm_receive_time: order.confirm_receive_time,
    settlement_time: order.settlement_time,
  };
}
