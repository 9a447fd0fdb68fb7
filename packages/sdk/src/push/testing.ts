/**
 * Builds pushes exactly as WeChat signs and encrypts them, so you can test your own handlers
 * without WeChat (like stripe's `generateTestHeaderString`).
 */
import { nodeCrypto } from '../internal/node-crypto.js';
import { ValidationError } from '../core/errors.js';
import { encryptMessage, msgSignature, signature } from '../crypto/message.js';
import { type PushFormat, serialisePush } from './formats.js';

export interface CreateSignedPushOptions {
  /** The Token of the push configuration. */
  token: string;
  /** Needed for `safe` and `compatible` mode. */
  encodingAESKey?: string;
  appId: string;
  /** The push: an object with WeChat's field names (serialised in `format`), or a raw body string. */
  message: Record<string, unknown> | string;
  /** @default 'xml' */
  format?: PushFormat;
  /** @default 'plain' */
  mode?: 'plain' | 'compatible' | 'safe';
  /** Unix seconds. @default now */
  timestamp?: number | string;
  /** @default random digits */
  nonce?: string;
}

export interface SignedPush {
  method: 'POST';
  /** Query parameters to put on the push URL. */
  query: Record<string, string>;
  /** The request body. */
  body: string;
  /** `?signature=...&timestamp=...` ready to append to your push URL. */
  search: string;
}

/**
 * Signs (and in safe/compatible mode encrypts) a push the way WeChat does.
 * ```ts
 * const push = createSignedPush({ token, appId, message: { MsgType: 'text', Content: 'hi', ... } });
 * await fetch(`http://127.0.0.1:3000/push${push.search}`, { method: 'POST', body: push.body });
 * // or: await receiver.handle(push)
 * ```
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
export function createSignedPush(options: CreateSignedPushOptions): SignedPush {
  const format = options.format ?? 'xml';
  const mode = options.mode ?? 'plain';
  if (format !== 'xml' && format !== 'json')
    throw new ValidationError("format must be 'xml' or 'json'", { field: 'format' });
  if (!['plain', 'compatible', 'safe'].includes(mode)) {
    throw new ValidationError("mode must be 'plain', 'compatible' or 'safe'", { field: 'mode' });
  }
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? String(nodeCrypto().randomBytes(4).readUInt32BE(0));
  const query: Record<string, string> = {
    signature: signature(options.token, timestamp, nonce),
    timestamp,
    nonce,
  };
  const object = typeof options.message === 'string' ? undefined : options.message;
  const plain = object ? serialisePush(object, format) : String(options.message);
  let body = plain;
  if (mode !== 'plain') {
    if (!options.encodingAESKey) {
      throw new ValidationError(`mode '${mode}' needs an encodingAESKey`, { field: 'encodingAESKey' });
    }
    const Encrypt = encryptMessage({ encodingAESKey: options.encodingAESKey, appId: options.appId, message: plain });
    const fields = mode === 'safe' ? { ToUserName: object?.ToUserName ?? '', Encrypt } : { ...(object ?? {}), Encrypt };
    body = serialisePush(fields, format);
    query.openid = String(object?.FromUserName ?? '');
    query.encrypt_type = 'aes';
    query.msg_signature = msgSignature(options.token, timestamp, nonce, Encrypt);
  }
  return { method: 'POST', query, body, search: `?${new URLSearchParams(query)}` };
}
