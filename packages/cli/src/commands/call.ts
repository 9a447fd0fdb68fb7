import { writeFile } from 'node:fs/promises';
import { endpoints } from '@miniapp-server/sdk';
import { CREDENTIAL_FLAGS, parse } from '../args.js';
import type { Command } from '../command.js';
import { clientFrom } from '../credentials.js';

const names = () =>
  Object.entries(endpoints)
    .flatMap(([ns, t]) => Object.keys(t).map((k) => `${ns}.${k}`))
    .join('\n    ');

const command: Command = {
  get help() {
    return `Usage: miniapp call <api.name> [--data '<json>'] [--out file]

Calls any API in the SDK's endpoint table by its official name. JSON results are printed;
binary results (images) are written to --out. Credentials: --appid/--secret/--base-url or
MINIAPP_APPID, MINIAPP_SECRET, MINIAPP_BASE_URL.

APIs:
    ${names()}`;
  },
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...CREDENTIAL_FLAGS,
      data: { type: 'string' },
      out: { type: 'string', short: 'o' },
    });
    const name = positionals[0];
    if (!name) throw new Error('missing <api.name> (see miniapp call --help)');
    let params: unknown;
    if (values.data !== undefined) {
      try {
        params = JSON.parse(values.data);
      } catch {
        throw new Error('--data is not valid JSON');
      }
    }
    const app = clientFrom(values, io.env);
    try {
      const result = await app.call(name, params);
      if (result && Buffer.isBuffer(result.data)) {
        if (!values.out) throw new Error(`${name} returns binary data (${result.contentType}): pass --out <file>`);
        await writeFile(values.out, result.data);
        const { data, ...rest } = result;
        io.stdout.write(`${JSON.stringify({ ...rest, out: values.out, bytes: data.length })}\n`);
      } else {
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      }
      return 0;
    } finally {
      await app.close();
    }
  },
};
export default command;
