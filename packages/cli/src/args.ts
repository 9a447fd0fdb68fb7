import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Flags every command that talks to the API accepts. */
export const CREDENTIAL_FLAGS = {
  appid: { type: 'string' },
  secret: { type: 'string' },
  'base-url': { type: 'string' },
  'token-mode': { type: 'string' },
} as const;

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with strict unknown-flag errors phrased for humans. */
export function parse(
  argv: string[],
  options: Options,
  allowPositionals = true,
): { values: Record<string, any>; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new Error((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}
