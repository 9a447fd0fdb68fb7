import { type BinaryResult, type Envelope, type FileInput, defineArea, endpoint } from '../core/endpoint.js';
import { ValidationError } from '../core/errors.js';
import { isObject, requireObject, requireString } from '../internal/validate.js';

/** Text; `content` may hold `<a href data-miniprogram-appid data-miniprogram-path>` links to this mini program. */
export interface CustomerServiceTextMessage {
  touser: string;
  msgtype: 'text';
  text: { content: string };
}
/** An image uploaded with `uploadTempMedia`. */
export interface CustomerServiceImageMessage {
  touser: string;
  msgtype: 'image';
  image: { media_id: string };
}
/** A link card (title, description, target URL, thumbnail URL). */
export interface CustomerServiceLinkMessage {
  touser: string;
  msgtype: 'link';
  link: { title: string; description: string; url: string; thumb_url: string };
}
/** A mini-program card; `thumb_media_id` from `uploadTempMedia` (520×416 suggested). */
export interface CustomerServiceMiniProgramPageMessage {
  touser: string;
  msgtype: 'miniprogrampage';
  miniprogrampage: { title: string; pagepath: string; thumb_media_id: string };
}
/** customerServiceMessage.send params: a union discriminated on `msgtype`. */
export type CustomerServiceMessage =
  | CustomerServiceTextMessage
  | CustomerServiceImageMessage
  | CustomerServiceLinkMessage
  | CustomerServiceMiniProgramPageMessage;
/** Every `msgtype` customerServiceMessage.send accepts. */
export type CustomerServiceMsgType = CustomerServiceMessage['msgtype'];

/** customerServiceMessage.setTyping params. */
export interface SetTypingParams {
  touser: string;
  /** Case as documented. */
  command: 'Typing' | 'CancelTyping';
}

/** customerServiceMessage.uploadTempMedia params. */
export interface UploadTempMediaParams {
  /** The image: Buffer, Uint8Array, Blob/File, a stream, `{ path }` or `{ data, filename, contentType }`. */
  media: FileInput;
}
export interface UploadTempMediaResult extends Envelope {
  /** Always `image` for mini programs. */
  type: string;
  /** Valid for 3 days. */
  media_id: string;
  /** Unix seconds. Documented as a number; a string is accepted and converted. */
  created_at: number;
}

/** customerServiceMessage.getTempMedia params. */
export interface GetTempMediaParams {
  media_id: string;
}
export interface GetTempMediaResult extends BinaryResult {
  /** The filename from `Content-disposition`, when WeChat sends one (e.g. `MEDIA_ID.jpg`). */
  filename?: string;
}

const MSG_FIELDS: Record<CustomerServiceMsgType, readonly string[]> = {
  text: ['content'],
  image: ['media_id'],
  link: ['title', 'description', 'url', 'thumb_url'],
  miniprogrampage: ['title', 'pagepath', 'thumb_media_id'],
};

function checkMessage(p: CustomerServiceMessage): void {
  const api = 'customerServiceMessage.send';
  requireString(api, p, 'touser');
  const type = (p as any).msgtype;
  if (typeof type !== 'string' || !Object.hasOwn(MSG_FIELDS, type)) {
    throw new ValidationError(
      `\`msgtype\` must be one of ${Object.keys(MSG_FIELDS).join(', ')} (got ${JSON.stringify(type)})`,
      { api, field: 'msgtype' },
    );
  }
  const payload = requireObject(api, p, type, type);
  // link.description and link.thumb_url may be empty strings in WeChat's own examples: require presence only.
  for (const f of MSG_FIELDS[type as CustomerServiceMsgType]) {
    if (type === 'link' && f !== 'title' && f !== 'url') {
      if (typeof payload[f] !== 'string') {
        throw new ValidationError(`\`${type}.${f}\` is required (a string)`, { api, field: `${type}.${f}` });
      }
    } else requireString(api, payload, f, `${type}.${f}`);
  }
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

/** `attachment; filename="MEDIA_ID.jpg"` → `MEDIA_ID.jpg` (quoted or bare; header name case varies). */
function dispositionFilename(headers: Record<string, string | string[] | undefined>): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'content-disposition');
  const v = key ? headerValue(headers[key]) : undefined;
  const m = v ? /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(v) : null;
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * Customer-service messages (客服消息): replies to a user who messaged the mini program
 * (within 48 h of the user's message, at most 5 replies per user message).
 */
export const customerServiceMessage = defineArea('customerServiceMessage', {
  /**
   * Sends a text, image, link or mini-program-page message to a user.
   * @see https://developers.weixin.qq.com/miniprogram/en/dev/api-backend/open-api/customer-message/customerServiceMessage.send.html
   */
  send: endpoint<CustomerServiceMessage, Envelope>({
    method: 'POST',
    path: '/cgi-bin/message/custom/send', // not `/custom/business/send` (a doc glitch, PROTOCOL §11.5)
    security: 'supported', // PROTOCOL §15.7
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: false, // a replayed send delivers the message twice
    doc: 'https://developers.weixin.qq.com/miniprogram/en/dev/api-backend/open-api/customer-message/customerServiceMessage.send.html',
    validate: checkMessage,
  }),
  /**
   * Shows or hides "typing…" to the user (needs a user interaction within the last 30 s).
   * @see https://developers.weixin.qq.com/miniprogram/en/dev/api-backend/open-api/customer-message/customerServiceMessage.setTyping.html
   */
  setTyping: endpoint<SetTypingParams, Envelope>({
    method: 'POST',
    path: '/cgi-bin/message/custom/typing',
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: false, // a replayed `Typing` answers 45081 (already typing)
    doc: 'https://developers.weixin.qq.com/miniprogram/en/dev/api-backend/open-api/customer-message/customerServiceMessage.setTyping.html',
    validate: (p) => {
      const api = 'customerServiceMessage.setTyping';
      requireString(api, p, 'touser');
      if (p.command !== 'Typing' && p.command !== 'CancelTyping') {
        throw new ValidationError(`\`command\` must be 'Typing' or 'CancelTyping' (got ${JSON.stringify(p.command)})`, {
          api,
          field: 'command',
        });
      }
    },
  }),
  /**
   * Uploads an image for `image` / `miniprogrampage` messages; the media_id lives 3 days.
   * Multipart field `media`, query `type=image` (the only type mini programs support).
   * @see https://developers.weixin.qq.com/miniprogram/en/dev/api-backend/open-api/customer-message/customerServiceMessage.uploadTempMedia.html
   */
  uploadTempMedia: endpoint<UploadTempMediaParams, UploadTempMediaResult>({
    method: 'POST',
    path: '/cgi-bin/media/upload',
    auth: 'access_token',
    request: 'multipart',
    response: 'json',
    idempotent: true, // a duplicate upload only leaves an unused media_id behind
    doc: 'https://developers.weixin.qq.com/miniprogram/en/dev/api-backend/open-api/customer-message/customerServiceMessage.uploadTempMedia.html',
    fileField: 'media',
    fixed: { type: 'image' },
    validate: (p) => {
      if (!isObject(p) || p.media == null) {
        throw new ValidationError('`media` is required (the image file)', {
          api: 'customerServiceMessage.uploadTempMedia',
          field: 'media',
        });
      }
    },
    decode: (r: UploadTempMediaResult) => {
      if (typeof r.created_at === 'string' && /^\d+$/.test(r.created_at)) r.created_at = Number(r.created_at);
      return r;
    },
  }),
  /**
   * Downloads a temporary image (one the user sent, or one uploaded with `uploadTempMedia`).
   * Resolves `{ data, contentType, filename? }`; a JSON error body (40007) rejects with ApiError.
   * @see https://developers.weixin.qq.com/miniprogram/en/dev/api-backend/open-api/customer-message/customerServiceMessage.getTempMedia.html
   */
  getTempMedia: endpoint<GetTempMediaParams, GetTempMediaResult>({
    method: 'GET',
    path: '/cgi-bin/media/get',
    auth: 'access_token',
    request: 'query',
    response: 'binary',
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/en/dev/api-backend/open-api/customer-message/customerServiceMessage.getTempMedia.html',
    validate: (p) => requireString('customerServiceMessage.getTempMedia', p, 'media_id'),
    decode: (r: BinaryResult, headers) => {
      const filename = dispositionFilename(headers);
      return filename === undefined ? r : { ...r, filename };
    },
  }),
});
