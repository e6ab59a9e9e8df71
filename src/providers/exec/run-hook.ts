/**
 * Run a hook command (fence agent, replication tool) on the management host: argv, never a
 * shell; bounded in time (killed after its timeout) and in output (what it prints beyond
 * 64 KiB is dropped). Its output is returned for checks, never logged whole: hooks are given
 * secrets by their own means (files, environment), but may print them.
 */
import { spawn } from 'node:child_process';
import type { HookCommand } from '../../model/desired.js';

export interface HookResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** Could not be started at all (ENOENT, EACCES). */
  readonly spawnError?: string;
}

const LIMIT = 64 * 1024;

export function runHook(
  cmd: HookCommand,
  options: { signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
): Promise<HookResult> {
  const [file, ...args] = cmd.argv;
  const t0 = Date.now();
  if (file === undefined) {
    return Promise.resolve({
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      timedOut: false,
      durationMs: 0,
      spawnError: 'empty command',
    });
  }
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < LIMIT) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < LIMIT) stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, cmd.timeoutSeconds * 1000);
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (r: Omit<HookResult, 'durationMs' | 'stdout' | 'stderr' | 'timedOut'>): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        ...r,
        stdout: stdout.slice(0, LIMIT),
        stderr: stderr.slice(0, LIMIT),
        timedOut,
        durationMs: Date.now() - t0,
      });
    };
    child.on('error', (err) => {
      finish({ exitCode: null, signal: null, spawnError: err.message });
    });
    child.on('close', (code, signal) => {
      finish({ exitCode: code, signal });
    });
  });
}

/** One line for logs and errors: how it ended, never its output. */
export function describeHookResult(argv0: string, r: HookResult): string {
  if (r.spawnError !== undefined) return `${argv0}: could not run (${r.spawnError})`;
  if (r.timedOut) return `${argv0}: timed out after ${Math.round(r.durationMs / 1000)} s`;
  if (r.signal !== null) return `${argv0}: killed by ${r.signal}`;
  return `${argv0}: exit ${String(r.exitCode)} after ${(r.durationMs / 1000).toFixed(1)} s`;
}
