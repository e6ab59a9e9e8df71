/** Captured streams for running CLI commands in-process. */
import { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

export function captureIo(
  options: { cwd?: string; env?: NodeJS.ProcessEnv; tty?: boolean } = {},
): CapturedIo {
  let out = '';
  let err = '';
  const tty = options.tty ?? false;
  return {
    stdout: { write: (s: string) => (out += s), isTTY: tty, columns: 100 },
    stderr: { write: (s: string) => (err += s), isTTY: tty },
    stdin: Object.assign(Readable.from([]), { isTTY: tty }),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    out: () => out,
    err: () => err,
  };
}
