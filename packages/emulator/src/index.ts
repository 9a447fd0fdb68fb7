// Public exports of @miniapp-server/emulator. Nothing else is public.
export { startEmulator, type EmulatorOptions, type EmulatorHandle } from './server.js';
export {
  WxError,
  type AreaModule,
  type AreaContext,
  type RouteDef,
  type AdminRouteDef,
  type WxRequest,
  type WxResult,
  type UploadedFile,
  type EmuApp,
  type EmuUser,
  type PushConfig,
  type VirtualClock,
} from './context.js';
export type { ClockOption } from './clock.js';
export { DEFAULT_APP, DEMO_USER, type EmulatorSnapshot, type Payment } from './state.js';
export type {
  AppInput,
  UserInput,
  LoginCodeInput,
  LoginCodeIssued,
  PhoneCodeInput,
  PaymentInput,
  ClockInfo,
  TokenView,
} from './admin/ops.js';
export type { Fault, FaultSpec, FaultKind } from './faults.js';
export type { LoggedRequest, LoggedFile, RequestLogFilter, RequestStats } from './request-log.js';
export { WX_JSON_TYPE } from './wire.js';
// OCR area: an image the recognisers can really read, and the admin types.
export { renderTextPng, RENDERABLE, type RenderTextOptions } from './areas/ocr/render.js';
export type { OcrFixture, OcrFixtureInput, OcrKind } from './areas/ocr/fixtures.js';
export type { OcrCall, OcrCallFilter, OcrConfig } from './areas/ocr/index.js';
// Logistics area: the admin views of parcels and the settings.
export type { ParcelView } from './areas/logistics/admin.js';
export type { LogisticsSettings, PathNode, Account, ReturnRecord, TraceToken } from './areas/logistics/state.js';
export type { CheckRecord, SecuritySettings, TextRule, ImageRule, MediaFixture } from './areas/security/state.js';
export type { TextRuleInput, ImageRuleInput, MediaInput } from './areas/security/admin.js';
export type { ShippingSettings, Order as ShippingOrderRecord } from './areas/order-shipping/state.js';
export type { OrderView, OrderRef } from './areas/order-shipping/admin.js';
// API security area: test key sets (also `miniapp keys`) and the admin types.
export { generateKeySet, type KeySet, type AppSecurityInput, type ResponseFault } from './areas/api-security/index.js';
