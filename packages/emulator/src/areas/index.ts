import type { AreaModule } from '../context.js';
import messages from './messages.js';

/**
 * Every area module the emulator mounts, in order. A new area is one file in this folder plus
 * one line here.
 */
export const areas: AreaModule[] = [messages];
