import { decryptData } from '@miniapp-server/sdk';
import { parse } from '../args.js';
import type { Command } from '../command.js';

const command: Command = {
  help: `Usage: miniapp decrypt --session-key <base64> --iv <base64> --data <base64> [--appid <appid>]

Decrypts mini-program open data (encryptedData + iv, e.g. a legacy phone number) with the user's
session_key and prints the JSON. With --appid (or MINIAPP_APPID) the watermark appid is checked.`,
  async run(argv, io) {
    const { values } = parse(
      argv,
      {
        'session-key': { type: 'string' },
        iv: { type: 'string' },
        data: { type: 'string' },
        appid: { type: 'string' },
      },
      false,
    );
    for (const f of ['session-key', 'iv', 'data'] as const) if (!values[f]) throw new Error(`missing --${f}`);
    const out = decryptData({
      sessionKey: values['session-key']!,
      iv: values.iv!,
      encryptedData: values.data!,
      appId: values.appid ?? io.env.MINIAPP_APPID,
    });
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  },
};
export default command;
