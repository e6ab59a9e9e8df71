import { redact } from '../common/redact.js';

/**
 * What a command may touch of the outside world. Commands get it injected so tests can run them
 * in-process with captured output, and only `main.ts` ever exits the process.
 */
export interface OutStream {
  write(chunk: string): unknown;
  /** True when the stream is a terminal (colour, live progress, confirmation prompts). */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/**
 * A process stream whose reader may go away (`virtwarden apply | head`): a closed pipe (EPIPE)
 * ends the output, never the command — an apply half-way through its actions must finish them
 * and write its journal, whether anyone still reads its output or not. Known secrets are
 * redacted from everything written (`common/redact.ts`).
 */
function guarded(stream: NodeJS.WriteStream): OutStream {
  // Every byte the CLI prints passes here: the last place a secret can be taken out.
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') closed = true;
  });
  return {
    write: (chunk: string) => (closed ? false : stream.write(redact(chunk))),
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
  };
}

export function processIo(): CliIo {
  return {
    stdout: guarded(process.stdout),
    stderr: guarded(process.stderr),
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}
