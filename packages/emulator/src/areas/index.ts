import type { AreaModule } from '../context.js';
import links from './links.js';
import messages from './messages.js';
import ocr from './ocr.js';
import push from './push.js';
import wxacode from './wxacode.js';

/**
 * Every area module the emulator mounts, in order. A new area is one file in this folder plus
 * one line here.
 */
export const areas: AreaModule[] = [messages, wxacode, links, ocr, push];
