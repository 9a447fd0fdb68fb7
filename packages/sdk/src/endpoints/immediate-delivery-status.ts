/**
 * Immediate delivery `order_status` codes (PROTOCOL §8.7, identical in every official source),
 * their labels in Chinese and English, and which are final. Unknown codes stay valid numbers:
 * carriers have returned undocumented ones.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/event_push/deliver/deliver_by_business/Delivery_order_delivery_status_update_notification_interface.html
 */
export const ORDER_STATUS = Object.freeze({
  /** 101 等待分配骑手 (initial). */
  WAITING_FOR_RIDER: 101,
  /** 102 分配骑手成功. */
  RIDER_ASSIGNED: 102,
  /** 103 商家取消订单 (final, failed). */
  CANCELLED_BY_MERCHANT: 103,
  /** 201 骑手到店开始取货. */
  RIDER_AT_STORE: 201,
  /** 202 取货成功. */
  PICKED_UP: 202,
  /** 203 取货失败，商家取消订单 (final). */
  PICKUP_FAILED_MERCHANT_CANCELLED: 203,
  /** 204 取货失败，骑手因自身原因取消订单 (final). */
  PICKUP_FAILED_RIDER_CANCELLED: 204,
  /** 205 取货失败，骑手因商家原因取消订单 (final). */
  PICKUP_FAILED_MERCHANT_FAULT: 205,
  /** 301 配送中. */
  DELIVERING: 301,
  /** 302 配送成功 (final, the only success). */
  DELIVERED: 302,
  /** 303 商家取消订单，配送物品开始返还商家. */
  RETURNING_MERCHANT_CANCELLED: 303,
  /** 304 无法联系收货人，配送物品开始返还商家. */
  RETURNING_RECEIVER_UNREACHABLE: 304,
  /** 305 收货人拒收，配送物品开始返还商家. */
  RETURNING_RECEIVER_REFUSED: 305,
  /** 401 货品返还商户成功 (final). */
  RETURNED: 401,
  /** 501 因运力系统原因取消 (final). */
  CANCELLED_BY_CARRIER: 501,
  /** 502 因不可抗拒因素(天气，道路管制等原因)取消 (final). */
  CANCELLED_FORCE_MAJEURE: 502,
} as const);

/** A documented status code. */
export type KnownOrderStatus = (typeof ORDER_STATUS)[keyof typeof ORDER_STATUS];
/** A status code: the documented ones autocomplete, any other number is accepted. */
export type OrderStatus = KnownOrderStatus | (number & {});

/** Chinese (official wording) and English label of each documented status. */
export const ORDER_STATUS_LABELS: Readonly<Record<KnownOrderStatus, { zh: string; en: string }>> = Object.freeze({
  101: { zh: '等待分配骑手', en: 'waiting for a rider' },
  102: { zh: '分配骑手成功', en: 'rider assigned' },
  103: { zh: '商家取消订单', en: 'cancelled by the merchant' },
  201: { zh: '骑手到店开始取货', en: 'rider at the store, picking up' },
  202: { zh: '取货成功', en: 'picked up' },
  203: { zh: '取货失败，商家取消订单', en: 'pickup failed: cancelled by the merchant' },
  204: { zh: '取货失败，骑手因自身原因取消订单', en: 'pickup failed: the rider cancelled' },
  205: { zh: '取货失败，骑手因商家原因取消订单', en: "pickup failed: the rider cancelled (the merchant's fault)" },
  301: { zh: '配送中', en: 'delivering' },
  302: { zh: '配送成功', en: 'delivered' },
  303: { zh: '商家取消订单，配送物品开始返还商家', en: 'cancelled by the merchant, returning to the merchant' },
  304: { zh: '无法联系收货人，配送物品开始返还商家', en: 'receiver unreachable, returning to the merchant' },
  305: { zh: '收货人拒收，配送物品开始返还商家', en: 'refused by the receiver, returning to the merchant' },
  401: { zh: '货品返还商户成功', en: 'returned to the merchant' },
  501: { zh: '因运力系统原因取消', en: "cancelled by the carrier's system" },
  502: { zh: '因不可抗拒因素(天气，道路管制等原因)取消', en: 'cancelled by force majeure (weather, road closures)' },
});

/** Final states: 302 (success) and 103, 203, 204, 205, 401, 501, 502 (failure). */
const TERMINAL: ReadonlySet<number> = new Set([302, 103, 203, 204, 205, 401, 501, 502]);

/** Whether no further status change will come (302 or a final failure). Unknown codes are not final. */
export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL.has(Number(status));
}

/** The label of a status; unknown codes get `未知状态 (N)` / `unknown status (N)`. @default lang 'zh' */
export function orderStatusLabel(status: OrderStatus, lang: 'zh' | 'en' = 'zh'): string {
  const label = ORDER_STATUS_LABELS[Number(status) as KnownOrderStatus];
  if (label) return label[lang];
  return lang === 'zh' ? `未知状态 (${status})` : `unknown status (${status})`;
}
