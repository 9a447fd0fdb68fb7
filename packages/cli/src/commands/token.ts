import { CREDENTIAL_FLAGS, parse } from '../args.js';
import type { Command } from '../command.js';
import { clientFrom } from '../credentials.js';

const command: Command = {
  help: `Usage: miniapp token [--force] [--token-mode stable|classic]

Fetches an access_token and prints it (it is your own credential: the command prints it because
you asked for it; nothing else is printed). --force asks for a new one (stable mode: force_refresh,
limited to 20/day). Credentials: --appid/--secret/--base-url or MINIAPP_APPID, MINIAPP_SECRET,
MINIAPP_BASE_URL.`,
  async run(argv, io) {
    const { values } = parse(argv, { ...CREDENTIAL_FLAGS, force: { type: 'boolean' } }, false);
    const app = clientFrom(values, io.env);
    try {
      const token = await app.accessToken({ forceRefresh: !!values.force });
      io.stdout.write(`${token}\n`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
export default command;
