/**
 * Every endpoint table, by namespace. The client turns each into `app.<namespace>.<method>`.
 * A new area is one file in this folder plus one line here.
 */
import { auth } from './auth.js';
import { customerServiceMessage } from './customer-service-message.js';
import { immediateDelivery } from './immediate-delivery.js';
import { intracity } from './intracity.js';
import { shortlink, urllink, urlscheme } from './links.js';
import { logistics } from './logistics.js';
import { logisticsService } from './logistics-service.js';
import { internet } from './internet.js';
import { ocr } from './ocr.js';
import { orderShipping, orderShippingHelpers } from './order-shipping.js';
import { phonenumber } from './phonenumber.js';
import { riskControl } from './risk-control.js';
import { security } from './security.js';
import { subscribeMessage } from './subscribe-message.js';
import { uniformMessage } from './uniform-message.js';
import { wxacode } from './wxacode.js';

export const endpoints = {
  auth,
  phonenumber,
  customerServiceMessage,
  uniformMessage,
  subscribeMessage,
  wxacode,
  urlscheme,
  urllink,
  shortlink,
  ocr,
  logistics,
  logisticsService,
  security,
  orderShipping,
  riskControl,
  internet,
  immediateDelivery,
  intracity,
};

export type Endpoints = typeof endpoints;

/**
 * Methods an area adds on top of its table (built from the table's methods, e.g.
 * `app.orderShipping.iterateOrders`). One line per area.
 */
export const areaHelpers = {
  orderShipping: orderShippingHelpers,
};

export type AreaHelpers = typeof areaHelpers;
