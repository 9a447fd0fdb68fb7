/**
 * Every console page, in navigation order. A new page is one file in this folder (its default
 * export is a `definePage({...})`) plus one line here. See docs/console.md, "Adding a page".
 */
import type { PageDef } from '../lib/page.js';
import contentSecurity from './content-security.js';
import orderShipping from './order-shipping.js';
import deliveries from './deliveries.js';
import overview from './overview.js';
import parcels from './parcels.js';
import users from './users.js';
import codes from './codes.js';
import ocr from './ocr.js';
import pushes from './pushes.js';
import requests from './requests.js';
import intracity from './intracity.js';

export const pages: PageDef[] = [
  overview,
  users,
  codes,
  ocr,
  pushes,
  deliveries,
  parcels,
  intracity,
  contentSecurity,
  orderShipping,
  requests,
];
