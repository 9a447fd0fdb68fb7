import type { CommandIO } from './command.js';
import { commands } from './commands/index.js';
import { errorLine } from './output.js';

const USAGE = () =>
  [
    'Usage: miniapp <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
    '',
    'Credentials: --appid/--secret/--base-url or MINIAPP_APPID, MINIAPP_SECRET, MINIAPP_BASE_URL.',
    'Run `miniapp <command> --help` for details.',
  ].join('\n');

/** Entry point of the `miniapp` command. Returns the exit code; never throws. */
export async function main(
  argv: string[],
  io: CommandIO = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${USAGE()}\n`);
    return name ? 0 : 1;
  }
  const entry = commands[name];
  if (!entry) {
    io.stderr.write(`miniapp: unknown command "${name}" (see miniapp --help)\n`);
    return 2;
  }
  try {
    const cmd = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(`${cmd.help}\n`);
      return 0;
    }
    return await cmd.run(rest, io);
  } catch (err) {
    io.stderr.write(`${errorLine(err)}\n`);
    return 1;
  }
}
