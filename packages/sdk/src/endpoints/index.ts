/**
 * Every endpoint table, by namespace. The client turns each into `app.<namespace>.<method>`.
 * A new area is one file in this folder plus one line here.
 */
import { auth } from './auth.js';
import { customerServiceMessage } from './customer-service-message.js';
import { intracity } from './intracity.js';
import { shortlink, urllink, urlscheme } from './links.js';
import { ocr } from './ocr.js';
import { phonenumber } from './phonenumber.js';
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
  intracity,
};

export type Endpoints = typeof endpoints;
