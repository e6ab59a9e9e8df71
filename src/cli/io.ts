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

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}
