/**
 * Replies some events require in a documented envelope. A handler of such an event may return just
 * its verdict (`{ resultcode: 0, resultmsg: 'ok' }`); the receiver completes the envelope
 * (ToUserName/FromUserName swapped, CreateTime, MsgType, Event) before serialising it in the
 * request's format and encrypting it when the push was encrypted.
 */
import type { PushMessage } from './events.js';

/** Events whose reply carries the push's envelope (PROTOCOL §8.8). */
const ENVELOPED_REPLIES: Record<string, string> = {
  'event.update_waybill_status': 'update_waybill_status',
};

/**
 * Completes a handler's reply for `name`; other replies are returned unchanged. Fields the handler
 * set itself win.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/event_push/deliver/deliver_by_business/Delivery_order_delivery_status_update_notification_interface.html
 */
export function completeReply<T>(name: string, reply: T, message: PushMessage, nowSeconds: number): T {
  const event = ENVELOPED_REPLIES[name];
  if (!event || reply === null || typeof reply !== 'object' || Array.isArray(reply)) return reply;
  return {
    ToUserName: message.FromUserName,
    FromUserName: message.ToUserName,
    CreateTime: nowSeconds,
    MsgType: 'event',
    Event: event,
    ...reply,
  };
}
