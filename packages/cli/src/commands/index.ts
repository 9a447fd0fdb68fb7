import type { Command } from '../command.js';

/**
 * Every `miniapp` sub-command, by name. A command is one file in this folder plus one line here.
 * Loaded lazily so `miniapp --help` stays fast and the emulator is only imported when used.
 */
export const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  call: { summary: 'call any API by its official name', load: async () => (await import('./call.js')).default },
  token: {
    summary: 'print an access_token (--force for a new one)',
    load: async () => (await import('./token.js')).default,
  },
  decrypt: {
    summary: 'decrypt open data (encryptedData + iv)',
    load: async () => (await import('./decrypt.js')).default,
  },
  emulator: { summary: 'run the local WeChat API emulator', load: async () => (await import('./emulator.js')).default },
  ocr: {
    summary: 'recognise a card, licence or text image (WeChat OCR)',
    load: async () => (await import('./ocr.js')).default,
  },
  keys: { summary: 'generate a test key set for API security', load: async () => (await import('./keys.js')).default },
  qrcode: {
    summary: 'write mini-program codes: one, or a CSV batch',
    load: async () => (await import('./qrcode.js')).default,
  },
};
