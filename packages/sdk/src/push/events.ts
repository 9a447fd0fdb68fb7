/**
 * Typed push payloads and the event-name map: `receiver.on('event.update_waybill_status', e => …)`
 * narrows `e`. Field names are WeChat's; numbers are numbers, 64-bit ids are strings, lists are arrays.
 * Names: the `MsgType` for messages (`text`, `image`, `miniprogrampage`), `event.<Event>` for events.
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
import type { OrderStatus } from '../endpoints/immediate-delivery-status.js';

import type { ExpressActionType } from '../endpoints/logistics.js';

/** Fields every push carries. */
export interface PushBase {
  /** The mini program's original id (`gh_...`), not the appid. */
  ToUserName: string;
  /** The sender's openid (a fixed WeChat-team openid for platform events). */
  FromUserName: string;
  /** Unix seconds. */
  CreateTime: number;
  MsgType: string;
  /** Unknown fields are kept. */
  [field: string]: unknown;
}

/** Any normalised push, before narrowing by name. */
export type PushMessage = PushBase;

interface EventBase<E extends string> extends PushBase {
  MsgType: 'event';
  Event: E;
}

/**
 * A user's text message in customer-service chat.
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/customer-message/receive.html
 */
export interface TextMessage extends PushBase {
  MsgType: 'text';
  Content: string;
  /** 64-bit id, as a string. */
  MsgId: string;
}

/** A user's image message; fetch the bytes with `customerServiceMessage.getTempMedia(MediaId)`. */
export interface ImageMessage extends PushBase {
  MsgType: 'image';
  PicUrl: string;
  MediaId: string;
  MsgId: string;
}

/** A mini-program card the user sent. */
export interface MiniProgramPageMessage extends PushBase {
  MsgType: 'miniprogrampage';
  MsgId: string;
  Title: string;
  AppId: string;
  PagePath: string;
  /** Temporary CDN URL. */
  ThumbUrl: string;
  ThumbMediaId: string;
}

/** The user entered the customer-service session (the button's `session-from` is `SessionFrom`). */
export interface UserEnterTempSessionEvent extends EventBase<'user_enter_tempsession'> {
  SessionFrom: string;
}

/** One template's outcome in a subscribe-message event. */
export interface SubscribePopupItem {
  TemplateId: string;
  SubscribeStatusString: 'accept' | 'reject' | (string & {});
  /** 0 = subscribed from a mini-program page. */
  PopupScene: number;
}

/**
 * The user answered `wx.requestSubscribeMessage`.
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/subscribe-message.html
 */
export interface SubscribeMsgPopupEvent extends EventBase<'subscribe_msg_popup_event'> {
  SubscribeMsgPopupEvent: { List: SubscribePopupItem[] };
}

/** The user changed a subscription in 服务通知 settings (only `reject` is pushed). */
export interface SubscribeMsgChangeEvent extends EventBase<'subscribe_msg_change_event'> {
  SubscribeMsgChangeEvent: { List: Array<{ TemplateId: string; SubscribeStatusString: string }> };
}

/** Delivery result of a subscribe message. */
export interface SubscribeMsgSentEvent extends EventBase<'subscribe_msg_sent_event'> {
  SubscribeMsgSentEvent: {
    List: Array<{
      TemplateId: string;
      /** 64-bit id, as a string. */
      MsgID: string;
      /** 0 = delivered. */
      ErrorCode: number;
      ErrorStatus: string;
    }>;
  };
}

/**
 * Immediate delivery: the carrier updated an order (PROTOCOL §8.8). A handler may return just
 * `{ resultcode: 0, resultmsg: 'ok' }`: the receiver completes it into {@link WaybillStatusReply}
 * and encrypts it when the push was encrypted.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/event_push/deliver/deliver_by_business/Delivery_order_delivery_status_update_notification_interface.html
 */
export interface UpdateWaybillStatusEvent extends EventBase<'update_waybill_status'> {
  /** The carrier account (appkey). */
  shopid: string;
  shop_order_id: string;
  shop_no: string;
  waybill_id: string;
  /** Unix seconds. */
  action_time: number;
  /** See `ORDER_STATUS` (e.g. 102 = rider assigned); unknown codes are kept as numbers. */
  order_status: OrderStatus;
  action_msg: string;
  /** The rider, once one is assigned. */
  agent?: WaybillAgent;
}

/** The rider of an `update_waybill_status` push. */
export interface WaybillAgent {
  name?: string;
  phone?: string;
  /** Estimated arrival, a Unix timestamp here (getOrder's `reach_time` is seconds remaining). */
  reach_time?: number;
  [field: string]: unknown;
}

/** The reply `update_waybill_status` expects (PROTOCOL §8.8). */
export interface WaybillStatusReply {
  ToUserName: string;
  FromUserName: string;
  CreateTime: number;
  MsgType: 'event';
  Event: 'update_waybill_status';
  /** 0 = ok. */
  resultcode: number;
  resultmsg: string;
}

/** What an `update_waybill_status` handler may return: the verdict; the receiver adds the rest. */
export type WaybillStatusAck = Pick<WaybillStatusReply, 'resultcode' | 'resultmsg'> & Partial<WaybillStatusReply>;

/** One node of a logistics path. */
export interface ExpressPathAction {
  /** Unix seconds. */
  ActionTime: number;
  /** A code of `EXPRESS_ACTION_TYPE` (100001 揽件成功 …) or any other number. */
  ActionType: ExpressActionType;
  ActionMsg: string;
}

/**
 * Logistics: the waybill's path changed; `Actions` is the full path so far.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/provider/logistics.onPathUpdate.html
 */
export interface AddExpressPathEvent extends EventBase<'add_express_path'> {
  DeliveryID: string;
  /** Spelled exactly `WayBillId`. */
  WayBillId: string;
  /** In 2021+ docs only: may be absent. */
  OrderId?: string;
  /** Grows with every update of the path. */
  Version: number;
  /** Number of nodes in `Actions`. */
  Count: number;
  /** The full path so far, oldest first; an array even for one node (XML repeats `<Actions>`). */
  Actions: ExpressPathAction[];
}

/**
 * Logistics: the carrier reviewed a merchant-account binding (`logistics.bindAccount`); errcode 0 =
 * bound. Reply `success`.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/business/Bind_merchant_review_result_update_event.html
 */
export interface UpdateBusinessBindResultEvent extends EventBase<'update_business_bind_result'> {
  errcode: number;
  errmsg: string;
  delivery_id: string;
  biz_id: string;
}

/** One strategy's finding in a `wxa_media_check` push. */
export interface WxaMediaCheckDetail {
  strategy?: string;
  /** Only a 0 makes this item valid. */
  errcode?: number;
  suggest?: 'pass' | 'review' | 'risky' | (string & {});
  /** Open number: 100 normal, 20001 politics, 20002 porn, 20006 illegal, 21000 other, ... */
  label?: number;
  prob?: number;
}

/**
 * Version 2 verdict of `security.mediaCheckAsync` (PROTOCOL §16.3.1). `errcode` -1008 = WeChat
 * could not download the media (no verdict). `detail` is an array (repeated `<detail>` in XML);
 * absent when WeChat sent none.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/sec-center/sec-check/api_mediacheckasync.html
 */
export interface WxaMediaCheckV2Event extends EventBase<'wxa_media_check'> {
  appid: string;
  /** Matches the `trace_id` mediaCheckAsync returned. */
  trace_id: string;
  version: 2;
  /** 0 = the verdict is valid; -1008 = the media could not be downloaded. */
  errcode: number;
  errmsg?: string;
  result?: { suggest: 'pass' | 'review' | 'risky' | (string & {}); label: number };
  detail?: WxaMediaCheckDetail[];
}

/**
 * Version 1 (legacy: calls without `version`) media-check push (PROTOCOL §16.3.2): `isrisky`,
 * and `status_code` 0 or -1008 for a download failure — sent as the unsigned 4294966288 too
 * (`mediaCheckErrcode(e)` reads either).
 */
export interface WxaMediaCheckV1Event extends EventBase<'wxa_media_check'> {
  appid: string;
  trace_id: string;
  version?: undefined;
  /** 0 no risk found, 1 risky. */
  isrisky: number;
  /** Usually empty. */
  extra_info_json?: string;
  status_code: number;
  detail?: WxaMediaCheckDetail[];
}

/** A media-check verdict: narrow with `e.version === 2`. */
export type WxaMediaCheckEvent = WxaMediaCheckV2Event | WxaMediaCheckV1Event;

/** Fields of the two order pushes that identify the payment (merchant_* naming, as getOrder). */
interface TradeManageOrderFields {
  transaction_id: string;
  merchant_id: string;
  sub_merchant_id?: string;
  merchant_trade_no: string;
  /** Unix seconds. */
  pay_time: number;
  msg?: string;
}

/**
 * "Connect the shipping-management API": sent when the app is authorised, at its first trade,
 * and daily while trades exist that were never shipped. `msg` is opaque text.
 * @see https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/business-capabilities/order-shipping/order-shipping.html
 */
export interface TradeManageRemindAccessApiEvent extends EventBase<'trade_manage_remind_access_api'> {
  msg: string;
}

/** An order paid more than 48 hours ago is still unshipped (apps that shipped before). */
export interface TradeManageRemindShippingEvent
  extends EventBase<'trade_manage_remind_shipping'>,
    TradeManageOrderFields {}

/**
 * Sent twice per order: when shipping completes (`estimated_settlement_time`, no
 * `settlement_time`) and at settlement (`confirm_receive_method`, `confirm_receive_time`,
 * `settlement_time`). Tell them apart with `'settlement_time' in e` or `isSettlementPush(e)`.
 * `confirm_receive_method` (1 auto, 2 manual as documented) is reported reversed in production:
 * never drive logic with it; read `order_state` with getOrder.
 */
export interface TradeManageOrderSettlementEvent
  extends EventBase<'trade_manage_order_settlement'>,
    TradeManageOrderFields {
  /** Unix seconds. */
  shipped_time: number;
  /** Shipping-time push only. */
  estimated_settlement_time?: number;
  /** Settlement push only; unreliable (see above). */
  confirm_receive_method?: number;
  /** Settlement push only. */
  confirm_receive_time?: number;
  /** Settlement push only. */
  settlement_time?: number;
}

/** Whether a `trade_manage_order_settlement` push is the settlement one (not the shipping one). */
export function isSettlementPush(e: TradeManageOrderSettlementEvent): boolean {
  // The shipping push may carry the settlement fields empty ("" or 0) rather than omit them.
  return Number(e.settlement_time) > 0;
}

/** A media-check push's outcome code as a signed 32-bit number: 0 ok, -1008 download failed (v1 and v2). */
export function mediaCheckErrcode(e: WxaMediaCheckEvent): number {
  const code = e.version === 2 ? e.errcode : e.status_code;
  return Number(code ?? 0) | 0;
}

/**
 * Sent by the "debug" button of the push configuration page. Not described in PROTOCOL.md
 * [unverified]: only `debug_str` is expected; unknown fields are kept.
 */
export interface DebugDemoEvent extends EventBase<'debug_demo'> {
  debug_str?: string;
}

/** Event name → payload. Names not listed here still reach `on(name)` and `onAny`, untyped. */
export interface PushEventMap {
  text: TextMessage;
  image: ImageMessage;
  miniprogrampage: MiniProgramPageMessage;
  'event.user_enter_tempsession': UserEnterTempSessionEvent;
  'event.subscribe_msg_popup_event': SubscribeMsgPopupEvent;
  'event.subscribe_msg_change_event': SubscribeMsgChangeEvent;
  'event.subscribe_msg_sent_event': SubscribeMsgSentEvent;
  'event.update_waybill_status': UpdateWaybillStatusEvent;
  'event.add_express_path': AddExpressPathEvent;
  'event.update_business_bind_result': UpdateBusinessBindResultEvent;
  'event.wxa_media_check': WxaMediaCheckEvent;
  'event.trade_manage_remind_access_api': TradeManageRemindAccessApiEvent;
  'event.trade_manage_remind_shipping': TradeManageRemindShippingEvent;
  'event.trade_manage_order_settlement': TradeManageOrderSettlementEvent;
  'event.debug_demo': DebugDemoEvent;
}

export type PushEventName = keyof PushEventMap;

/**
 * The name a push dispatches under: its `MsgType`, or `event.<Event>` (Event lower-cased: WeChat
 * documents some event names as case-insensitive).
 */
export function pushEventName(message: Record<string, unknown>): string {
  const type = String(message.MsgType ?? '');
  if (type === 'event') return `event.${String(message.Event ?? '').toLowerCase()}`;
  return type;
}
