import { type Envelope, defineArea, endpoint } from '../core/endpoint.js';
import { ValidationError } from '../core/errors.js';
import { isObject, optionalEnum, requireString, requireTemplateData } from '../internal/validate.js';

/** Which version of the mini program a subscribe message opens. */
export type MiniProgramState = 'developer' | 'trial' | 'formal';
/** Language of the message card. */
export type SubscribeMessageLang = 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';

/** subscribeMessage.send params. */
export interface SubscribeSendParams {
  /** The user's openid. */
  touser: string;
  /** The private template id (`priTmplId`) the user accepted. */
  template_id: string;
  /** A page of this mini program, query allowed (`index?foo=bar`); omitted → the card does not open a page. */
  page?: string;
  /** `{ thing1: { value: '...' }, time2: { value: '...' } }`; keys are the template's keywords. */
  data: Record<string, { value: string }>;
  /** @default 'formal' */
  miniprogram_state?: MiniProgramState;
  /** @default 'zh_CN' */
  lang?: SubscribeMessageLang;
}
export interface SubscribeSendResult extends Envelope {
  /**
   * The message id (64-bit, exceeds 2^53): always a string, never a JS number. Also reported in the
   * later `subscribe_msg_sent_event` push. Seen in real responses but undocumented: may be absent.
   */
  msgid?: string;
}

/** subscribeMessage.addTemplate params. */
export interface AddTemplateParams {
  /** Public template id (from getPubTemplateTitleList). */
  tid: string;
  /** 2–5 keyword ids (`kid` from getPubTemplateKeyWordsById), any order; `[]` for new one-time templates. */
  kidList: number[];
  /** Where the template is used, ≤ 15 characters. */
  sceneDesc?: string;
}
export interface AddTemplateResult extends Envelope {
  /** The private template id: the `template_id` of subscribeMessage.send. */
  priTmplId: string;
}

export interface DeleteTemplateParams {
  priTmplId: string;
}

export interface TemplateCategory {
  id: number;
  name: string;
}
export interface GetCategoryResult extends Envelope {
  data: TemplateCategory[];
}

export interface GetPubTemplateKeyWordsByIdParams {
  tid: string | number;
}
export interface PubTemplateKeyword {
  kid: number;
  name: string;
  example: string;
  /** Value rule (`thing`, `time`, `number`, ...); the data key is `rule + kid`, e.g. `thing1`. */
  rule: string;
}
export interface GetPubTemplateKeyWordsResult extends Envelope {
  count: number;
  data: PubTemplateKeyword[];
}

export interface GetPubTemplateTitleListParams {
  /** Category ids: a comma-separated string (`'2,616'`) or an array (joined with commas). */
  ids: string | number[];
  /** Offset, ≥ 0. */
  start: number;
  /** Page size, 1–30. */
  limit: number;
}
export interface PubTemplateTitle {
  tid: number;
  title: string;
  /** 2 = one-time (一次性), 3 = long-term (长期). */
  type: number;
  categoryId: string | number;
}
export interface GetPubTemplateTitleListResult extends Envelope {
  count: number;
  data: PubTemplateTitle[];
}

export interface PrivateTemplate {
  priTmplId: string;
  title: string;
  /** e.g. `商品名称:{{thing1.DATA}}\n下单时间:{{time2.DATA}}`. */
  content: string;
  example: string;
  /** 2 = one-time, 3 = long-term. */
  type: number;
  /** Enumerated values of keywords that have them (undocumented; may be absent). */
  keywordEnumValueList?: { keywordCode: string; enumValueList: string[] }[];
}
export interface GetTemplateListResult extends Envelope {
  data: PrivateTemplate[];
}

function checkSend(p: SubscribeSendParams): void {
  const api = 'subscribeMessage.send';
  requireString(api, p, 'touser');
  requireString(api, p, 'template_id');
  if (p.page !== undefined && typeof p.page !== 'string') {
    throw new ValidationError('`page` must be a string', { api, field: 'page' });
  }
  requireTemplateData(api, p, 'data');
  optionalEnum(api, p, 'miniprogram_state', ['developer', 'trial', 'formal']);
  optionalEnum(api, p, 'lang', ['zh_CN', 'en_US', 'zh_HK', 'zh_TW']);
}

function checkAddTemplate(p: AddTemplateParams): void {
  const api = 'subscribeMessage.addTemplate';
  if (isObject(p) && typeof p.tid === 'number') {
    throw new ValidationError('`tid` must be a string (e.g. "401")', { api, field: 'tid' });
  }
  requireString(api, p, 'tid');
  const kids = p.kidList;
  if (!Array.isArray(kids) || !kids.every((k) => Number.isInteger(k) && k > 0)) {
    throw new ValidationError('`kidList` must be an array of keyword ids (positive integers)', {
      api,
      field: 'kidList',
    });
  }
  // [] is only for the new one-time templates; otherwise 2–5 keywords (WeChat: 200020).
  if (kids.length === 1 || kids.length > 5) {
    throw new ValidationError(`\`kidList\` must hold 2–5 keyword ids (got ${kids.length})`, { api, field: 'kidList' });
  }
  if (new Set(kids).size !== kids.length) {
    throw new ValidationError('`kidList` must not repeat a keyword id', { api, field: 'kidList' });
  }
  if (p.sceneDesc !== undefined && (typeof p.sceneDesc !== 'string' || [...p.sceneDesc].length > 15)) {
    throw new ValidationError('`sceneDesc` must be a string of at most 15 characters', { api, field: 'sceneDesc' });
  }
}

function checkTitleList(p: GetPubTemplateTitleListParams): void {
  const api = 'subscribeMessage.getPubTemplateTitleList';
  const ids = isObject(p) ? p.ids : undefined;
  const idsOk =
    (typeof ids === 'string' && /^\d+(,\d+)*$/.test(ids)) ||
    (Array.isArray(ids) && ids.length > 0 && ids.every((i) => Number.isInteger(i) && i >= 0));
  if (!idsOk) {
    throw new ValidationError('`ids` must be category ids: "2,616" or [2, 616]', { api, field: 'ids' });
  }
  if (!Number.isInteger(p.start) || p.start < 0) {
    throw new ValidationError('`start` must be an integer ≥ 0', { api, field: 'start' });
  }
  if (!Number.isInteger(p.limit) || p.limit < 1 || p.limit > 30) {
    throw new ValidationError('`limit` must be an integer from 1 to 30', { api, field: 'limit' });
  }
}

/** Subscribe messages (订阅消息): one-time or long-term, each needs the user's acceptance in the mini program. */
export const subscribeMessage = defineArea('subscribeMessage', {
  /**
   * Sends a subscribe message. Needs the user's acceptance of `template_id` (43101 otherwise); a one-time
   * acceptance is consumed by one send. `msgid` comes back as a string (it exceeds 2^53).
   * @see https://developers.weixin.qq.com/minigame/dev/api-backend/open-api/subscribe-message/subscribeMessage.send.html
   */
  send: endpoint<SubscribeSendParams, SubscribeSendResult>({
    method: 'POST',
    path: '/cgi-bin/message/subscribe/send',
    security: 'supported', // PROTOCOL §15.7
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: false, // a replayed send delivers twice (or answers 43101 after consuming a one-time grant)
    doc: 'https://developers.weixin.qq.com/minigame/dev/api-backend/open-api/subscribe-message/subscribeMessage.send.html',
    bigIntKeys: ['msgid'],
    validate: checkSend,
    decode: (r: SubscribeSendResult) => {
      if (r.msgid !== undefined && typeof r.msgid !== 'string') r.msgid = String(r.msgid);
      return r;
    },
  }),
  /**
   * Adds a public template (`tid` + chosen keywords) to the account's private templates.
   * Sent as JSON (older doc, WxJava, weapp). The newer doc asks for a urlencoded form
   * (PROTOCOL §4.7 [conflict]); the executor has no form encoding yet, so that variant is not offered.
   * @see https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/subscribe-message/subscribeMessage.addTemplate.html
   */
  addTemplate: endpoint<AddTemplateParams, AddTemplateResult>({
    method: 'POST',
    path: '/wxaapi/newtmpl/addtemplate',
    security: 'supported', // PROTOCOL §15.7
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: false, // a replay adds a second private template (the limit is 25)
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/subscribe-message/subscribeMessage.addTemplate.html',
    validate: checkAddTemplate,
  }),
  /**
   * Deletes a private template.
   * @see https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/subscribe-message/subscribeMessage.deleteTemplate.html
   */
  deleteTemplate: endpoint<DeleteTemplateParams, Envelope>({
    method: 'POST',
    path: '/wxaapi/newtmpl/deltemplate',
    security: 'supported', // PROTOCOL §15.7
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: true, // same end state; a replay after success may answer an error for the missing template
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/subscribe-message/subscribeMessage.deleteTemplate.html',
    validate: (p) => requireString('subscribeMessage.deleteTemplate', p, 'priTmplId'),
  }),
  /**
   * The categories of the account (for getPubTemplateTitleList `ids`).
   * @see https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/subscribe-message/subscribeMessage.getCategory.html
   */
  getCategory: endpoint<void, GetCategoryResult>({
    method: 'GET',
    path: '/wxaapi/newtmpl/getcategory',
    auth: 'access_token',
    request: 'none',
    response: 'json',
    idempotent: true,
    // Response shape from SDK models, not an official capture (PROTOCOL §4.7 [unverified]).
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/subscribe-message/subscribeMessage.getCategory.html',
  }),
  /**
   * The keywords of a public template (`kid`, `name`, `example`, `rule`).
   * @see https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/getPubTemplateKeyWordsById.html
   */
  getPubTemplateKeyWordsById: endpoint<GetPubTemplateKeyWordsByIdParams, GetPubTemplateKeyWordsResult>({
    method: 'GET',
    path: '/wxaapi/newtmpl/getpubtemplatekeywords',
    auth: 'access_token',
    request: 'query',
    response: 'json',
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/getPubTemplateKeyWordsById.html',
    validate: (p) => {
      const tid = isObject(p) ? p.tid : undefined;
      if (!(typeof tid === 'string' && /^\d+$/.test(tid)) && !(Number.isInteger(tid) && (tid as number) > 0)) {
        throw new ValidationError('`tid` is required (a public template id)', {
          api: 'subscribeMessage.getPubTemplateKeyWordsById',
          field: 'tid',
        });
      }
    },
    wire: (p) => ({ tid: String(p.tid) }),
  }),
  /**
   * Public templates in the given categories, paged (`start`, `limit` ≤ 30).
   * @see https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/subscribe-message/subscribeMessage.getPubTemplateTitleList.html
   */
  getPubTemplateTitleList: endpoint<GetPubTemplateTitleListParams, GetPubTemplateTitleListResult>({
    method: 'GET',
    path: '/wxaapi/newtmpl/getpubtemplatetitles',
    auth: 'access_token',
    request: 'query',
    response: 'json',
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/subscribe-message/subscribeMessage.getPubTemplateTitleList.html',
    validate: checkTitleList,
    wire: (p) => ({ ids: Array.isArray(p.ids) ? p.ids.join(',') : p.ids, start: p.start, limit: p.limit }),
  }),
  /**
   * The account's private templates (the `template_id`s usable with send).
   * @see https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/subscribe-message/subscribeMessage.getTemplateList.html
   */
  getTemplateList: endpoint<void, GetTemplateListResult>({
    method: 'GET',
    path: '/wxaapi/newtmpl/gettemplate',
    auth: 'access_token',
    request: 'none',
    response: 'json',
    idempotent: true,
    // Response shape from SDK models, not an official capture (PROTOCOL §4.7 [unverified]).
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/subscribe-message/subscribeMessage.getTemplateList.html',
  }),
});
