import type { AreaModule } from '../context.js';
import apiSecurity from './api-security/index.js';
import immediateDelivery from './immediate-delivery/index.js';
import intracity from './intracity/index.js';
import links from './links/index.js';
import logistics from './logistics/index.js';
import messages from './messages/index.js';
import ocr from './ocr/index.js';
import orderShipping from './order-shipping/index.js';
import push from './push/index.js';
import riskControl from './risk-control/index.js';
import security from './security/index.js';
import wxacode from './wxacode/index.js';

/**
 * Every area module the emulator mounts, in order. A new area is one folder here (its index.ts
 * exports the module) plus one line in this list.
 */
export const areas: AreaModule[] = [
  messages,
  wxacode,
  links,
  ocr,
  push,
  apiSecurity,
  logistics,
  security,
  orderShipping,
  riskControl,
  immediateDelivery,
  intracity,
];
