import type { CliIo } from './io.js';

/** One CLI command. `run` returns the process exit code; it never calls `process.exit`. */
export interface Command {
  readonly name: string;
  /** One line for `virtwarden --help`. */
  readonly summary: string;
  /** Full usage text for `virtwarden CMD --help`. */
  readonly usage: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}
