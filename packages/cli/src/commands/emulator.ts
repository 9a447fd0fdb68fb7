import { readFile } from 'node:fs/promises';
import { startEmulator } from '@miniapp-server/emulator';
import { parse } from '../args.js';
import type { Command } from '../command.js';

const command: Command = {
  help: `Usage: miniapp emulator [--port 3000] [--host 127.0.0.1] [--config file.json]

Runs the local WeChat API emulator until Ctrl-C. Prints its base URL, its console URL (a web
page to see and drive it) and the seeded app's appid/secret (fake credentials of the
emulator's own apps). --config loads a JSON file of
emulator options, e.g. { "apps": [{ "appid": "wx…", "secret": "…", "pages": ["pages/index/index"] }] },
or a snapshot written by exportState().

Point the SDK at it: new MiniApp({ appId, appSecret, baseUrl: '<url>' }), or
MINIAPP_BASE_URL=<url> miniapp call …`,
  async run(argv, io) {
    const { values } = parse(
      argv,
      { port: { type: 'string' }, host: { type: 'string' }, config: { type: 'string' } },
      false,
    );
    const port = values.port === undefined ? 3000 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0..65535');
    let config: Record<string, unknown> = {};
    if (values.config) {
      try {
        config = JSON.parse(await readFile(values.config, 'utf8'));
      } catch (e) {
        throw new Error(`cannot read --config ${values.config}: ${(e as Error).message}`);
      }
    }
    const snapshot = (config as { version?: unknown; apps?: unknown }).version !== undefined ? config : undefined;
    const emu = await startEmulator({ ...(snapshot ? {} : config), port, host: values.host ?? '127.0.0.1' });
    if (snapshot) emu.importState(snapshot as never);
    const app = emu.defaultApp;
    io.stdout.write(
      [
        `WeChat API emulator listening on ${emu.url}`,
        `  console:    ${emu.url}/__emulator/ui`,
        `  admin API:  ${emu.url}/__emulator/`,
        `  appid:      ${app.appid}`,
        `  secret:     ${app.secret}   (the emulator's own fake app)`,
        '',
        `  export MINIAPP_BASE_URL=${emu.url} MINIAPP_APPID=${app.appid} MINIAPP_SECRET=${app.secret}`,
        '',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await emu.close();
    return 0;
  },
};
export default command;
