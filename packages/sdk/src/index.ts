// Public exports of @miniapp-server/sdk. Nothing else is public.

// Client
export { MiniApp, type MiniAppOptions, type RawRequestOptions, type ApiName } from './client.js';
export type { Logger } from './core/logger.js';
export { RETRY_DEFAULTS } from './core/retry.js';
export type { TokenMode } from './token/manager.js';

// Endpoint tables and their types
export * from './core/endpoint.js';
export { endpoints, type Endpoints } from './endpoints/index.js';
export type * from './endpoints/auth.js';
export type * from './endpoints/phonenumber.js';
export type * from './endpoints/customer-service-message.js';
export type * from './endpoints/uniform-message.js';
export type * from './endpoints/subscribe-message.js';
export type * from './endpoints/wxacode.js';
export type * from './endpoints/links.js';
export type * from './endpoints/ocr.js';
export { OCR_MAX_IMAGE_BYTES } from './endpoints/ocr.js';
export type * from './endpoints/logistics.js';
export { EXPRESS_ACTION_TYPE, ACCOUNT_STATUS, decodePrintHtml } from './endpoints/logistics.js';
export type * from './endpoints/logistics-service.js';
export { WAYBILL_STATUS, RETURN_STATUS, RETURN_ORDER_STATUS } from './endpoints/logistics-service.js';
export type * from './endpoints/security.js';
export {
  isRisky,
  SecCheckScene,
  SecCheckLabel,
  MediaType,
  MSG_SEC_CHECK_MAX_CHARS,
  IMG_SEC_CHECK_MAX_BYTES,
} from './endpoints/security.js';
export type * from './endpoints/order-shipping.js';
export {
  OrderNumberType,
  LogisticsType,
  DeliveryMode,
  OrderState,
  SpecialOrderType,
  ConfirmReceiveMethod,
  MAX_SHIPPING_PACKAGES,
  ITEM_DESC_MAX_CHARS,
  ORDER_NOT_FOUND_RETRY_DELAYS_MS,
  formatUploadTime,
} from './endpoints/order-shipping.js';
export type * from './endpoints/risk-control.js';
export { RiskScene } from './endpoints/risk-control.js';
export type * from './endpoints/internet.js';
export type * from './endpoints/immediate-delivery.js';
export { CARGO_CLASSES } from './endpoints/immediate-delivery-order.js';
export {
  ORDER_STATUS,
  ORDER_STATUS_LABELS,
  isTerminal,
  orderStatusLabel,
  type KnownOrderStatus,
  type OrderStatus,
} from './endpoints/immediate-delivery-status.js';
export type * from './endpoints/intracity.js';
export {
  INTRACITY_CARRIERS,
  INTRACITY_PAY_MODES,
  IntracityOrderStatus,
  IntracityCargoType,
  IntracityFlowType,
  IntracityCancelReason,
} from './endpoints/intracity.js';

// Errors
export {
  MiniAppError,
  ApiError,
  DeliveryError,
  HttpError,
  NetworkError,
  TimeoutError,
  ValidationError,
  SignatureError,
  DecryptError,
} from './core/errors.js';
export { redact, redactValue } from './core/redact.js';

// Tokens
export { MemoryTokenStore, type TokenStore, type TokenLock, type StoredToken } from './token/store.js';

// Crypto
export {
  decryptData,
  verifyRawDataSignature,
  sessionSignature,
  type DecryptDataOptions,
} from './crypto/open-data.js';
export {
  signature,
  msgSignature,
  encryptMessage,
  decryptMessage,
  type EncryptMessageOptions,
  type DecryptMessageOptions,
} from './crypto/message.js';
export { deliverySign, SANDBOX_SHOP } from './crypto/delivery.js';

export {
  ApiSecurity,
  WECHAT_API_ORIGIN,
  gcmOpen,
  gcmSeal,
  headerOf,
  isEnvelope,
  pssSign,
  pssVerify,
  publicKeyOf,
  securityAad,
  securityNonce,
  securityPlaintext,
  securitySignString,
  stripSecurityFields,
  symmetricKeyBytes,
  type ApiSecurityOptions,
  type SealedRequest,
  type SecureEnvelope,
  type SecuredResponse,
} from './crypto/api-security.js';

// Push
export { MemoryDedupeStore, defaultDedupeKey, type DedupeStore } from './push/dedupe.js';
export {
  PushReceiver,
  type PushReceiverOptions,
  type PushDedupeOptions,
  type PushLogger,
  type PushRequest,
  type PushResponse,
  type PushContext,
  type PushReply,
  type PushHandler,
  type PushErrorHandler,
} from './push/receiver.js';
export type * from './push/events.js';
export { pushEventName, isSettlementPush, mediaCheckErrcode } from './push/events.js';
export { parsePush, serialisePush, type PushFormat } from './push/formats.js';
export { createSignedPush, type CreateSignedPushOptions, type SignedPush } from './push/testing.js';
export type { NodeHandler } from './push/adapters/node.js';
export {
  IntracityCallbackReceiver,
  INTRACITY_CALLBACK_OK,
  verifyIntracityCallback,
  intracityCallbackSign,
  intracityCallbackSignString,
  parseIntracityCallback,
  type IntracityCallback,
  type IntracityCallbackOptions,
  type IntracityCallbackReply,
} from './push/intracity-callback.js';
export type { KoaMiddleware } from './push/adapters/koa.js';
export type { FastifyPluginOptions } from './push/adapters/fastify.js';
