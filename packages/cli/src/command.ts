/** A `miniapp` sub-command. `run` returns the process exit code. */
export interface Command {
  /** One paragraph shown by `miniapp <name> --help`. */
  help: string;
  run(argv: string[], io: CommandIO): Promise<number>;
}

/** Where a command writes; tests and the main entry pass process streams. */
export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}
