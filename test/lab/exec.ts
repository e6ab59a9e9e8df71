import { execFile } from 'node:child_process';
import { LabCommandError } from './errors.js';

/** What a finished command printed. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Run a command without a shell; resolve with its output, reject with a LabCommandError that
 * carries stderr when it exits non-zero or outlives `timeoutMs` (then it is SIGKILLed).
 */
export function runCommand(
  file: string,
  args: readonly string[],
  opts: { timeoutMs?: number; cwd?: string } = {},
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        timeout: opts.timeoutMs ?? 60_000,
        killSignal: 'SIGKILL',
        ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ stdout, stderr });
          return;
        }
        const timedOut = error.killed && error.signal === 'SIGKILL';
        reject(
          new LabCommandError([file, ...args], {
            exitCode: typeof error.code === 'number' ? error.code : null,
            stdout,
            stderr,
            reason: timedOut
              ? `killed after ${String(opts.timeoutMs ?? 60_000)} ms`
              : error.message,
          }),
        );
      },
    );
  });
}
