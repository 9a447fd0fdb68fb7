import type { Command } from '../command.js';

/**
 * Every `miniapp` sub-command, by name. A command is one file in this folder plus one line here.
 * Loaded lazily so `miniapp --help` stays fast and the emulator is only imported when used.
 */
export const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {};
