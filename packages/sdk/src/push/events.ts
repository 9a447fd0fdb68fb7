/**
 * Typed push payloads and the event-name map: `receiver.on('event.update_waybill_status', e => …)`
 * narrows `e`. Field names are WeChat's; numbers are numbers, 64-bit ids are strings, lists are arrays.
 * Names: the `MsgType` for messages (`text`, `image`, `miniprogrampage`), `event.<Event>` for events.
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
import type { OrderStatus } from '../endpoints/immediate-delivery-status.js';

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
  ActionTime: number;
  ActionType: number;
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
  OrderId?: string;
  Version: number;
  Count: number;
  Actions: ExpressPathAction[];
}

/**
 * Logistics: the carrier reviewed a merchant-account binding.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/business/Bind_merchant_review_result_update_event.html
 */
export interface UpdateBusinessBindResultEvent extends EventBase<'update_business_bind_result'> {
  errcode: number;
  errmsg: string;
  delivery_id: string;
  biz_id: string;
}

/**
 * Result of an asynchronous media security check (`mediaCheckAsync`). Not described in
 * PROTOCOL.md: fields follow the official page, version 2 with the version-1 fields optional
 * [unverified]; unknown fields are kept.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/sec-center/sec-check/api_mediacheckasync
 */
export interface WxaMediaCheckEvent extends EventBase<'wxa_media_check'> {
  appid?: string;
  /** Matches the `trace_id` mediaCheckAsync returned. */
  trace_id: string;
  version?: number;
  detail?: Array<{ strategy?: string; errcode?: number; suggest?: string; label?: number; prob?: number }>;
  errcode?: number;
  errmsg?: string;
  result?: { suggest?: 'pass' | 'review' | 'risky' | (string & {}); label?: number };
  /** Version 1: 0 = safe, 1 = risky. */
  isrisky?: number;
  extra_info_json?: string;
  status_code?: number;
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
