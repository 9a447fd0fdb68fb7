import type { AreaModule } from '../context.js';
import apiSecurity from './api-security/index.js';
import intracity from './intracity/index.js';
import links from './links/index.js';
import messages from './messages/index.js';
import ocr from './ocr/index.js';
import push from './push/index.js';
import wxacode from './wxacode/index.js';

/**
 * Every area module the emulator mounts, in order. A new area is one folder here (its index.ts exports the module) plus
 * one line here.
 */
export const areas: AreaModule[] = [messages, wxacode, links, ocr, push, apiSecurity, intracity];
