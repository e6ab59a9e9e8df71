/**
 * Run a hook command (fence agent, replication tool) on the management host: argv, never a
 * shell; bounded in time and in output (what it prints beyond 64 KiB is dropped). Its output
 * is returned for checks, never logged whole: hooks may print secrets they were given.
 *
 * - Own process group: the hook is spawned detached (its own group), and at the timeout (or an
 *   abort) the whole group gets SIGTERM, then SIGKILL after a short grace. Killing only the
 *   direct child would leave `sh -c 'sleep 100000; exit 0'`'s sleep running.
 * - Judged on exit: the outcome is the child's exit, not the close of its pipes, which a
 *   background grandchild (`sh -c 'sleep 100000 & exit 0'`) holds open. Whatever is left of the
 *   group after the exit is killed the same way: a hook never leaks a process.
 * - Clean environment: an allow-list — PATH, HOME, LANG, LC_* and TZ — plus the variables the
 *   hook's manifest names in `passEnv` and what the caller passes in `env`; never the rest of
 *   virtwarden's environment (an engine password in RHEVM_PASSWORD, tokens). Validation refuses
 *   a `passEnv` that names a `passwordFrom.env` variable (VW113).
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
  /** The hook's pid, which is also its process group id. */
  readonly pid?: number;
  /** Could not be started at all (ENOENT, EACCES). */
  readonly spawnError?: string;
}

export interface HookOptions {
  readonly signal?: AbortSignal;
  /** Variables for the hook besides the allow-list and its `passEnv` (which it always gets). */
  readonly env?: NodeJS.ProcessEnv;
  /** Between SIGTERM and SIGKILL of the group (default 1 s). */
  readonly killGraceMs?: number;
}

const LIMIT = 64 * 1024;
const INHERITED = ['PATH', 'LANG', 'TZ', 'HOME'] as const;
/** Locale categories (LC_ALL, LC_CTYPE, …): how a fence agent reads and prints text. */
const LOCALE = /^LC_[A-Z]+$/;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** After the exit, how long the pipes may take to drain before they are cut. */
const DRAIN_MS = 200;

/** The environment a hook runs with: the allow-list, then `passEnv`, then `extra`. */
export function hookEnvironment(
  parent: NodeJS.ProcessEnv,
  extra: NodeJS.ProcessEnv = {},
  passEnv: readonly string[] = [],
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: DEFAULT_PATH };
  const names = [...INHERITED, ...Object.keys(parent).filter((n) => LOCALE.test(n)), ...passEnv];
  for (const name of names) {
    const v = parent[name];
    if (v !== undefined) env[name] = v;
  }
  return { ...env, ...extra };
}

/** Signal the whole group; false when no process of it is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is empty
  }
}

export function runHook(cmd: HookCommand, options: HookOptions = {}): Promise<HookResult> {
  const [file, ...args] = cmd.argv;
  const t0 = Date.now();
  const grace = options.killGraceMs ?? 1000;
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
    let settled = false;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, fn: () => void): void => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    };
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: hookEnvironment(process.env, options.env, cmd.passEnv),
      detached: true,
    });
    const pgid = child.pid;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < LIMIT) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < LIMIT) stderr += d;
    });
    // SIGTERM to the group now, SIGKILL to whatever is left after the grace.
    const killGroup = (): void => {
      if (pgid === undefined || !signalGroup(pgid, 'SIGTERM')) return;
      later(grace, () => {
        signalGroup(pgid, 'SIGKILL');
      });
    };
    later(cmd.timeoutSeconds * 1000, () => {
      timedOut = true;
      killGroup();
    });
    const onAbort = (): void => {
      killGroup();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (r: { exitCode: number | null; signal: NodeJS.Signals | null }): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({
        ...r,
        stdout: stdout.slice(0, LIMIT),
        stderr: stderr.slice(0, LIMIT),
        timedOut,
        durationMs: Date.now() - t0,
        ...(pgid !== undefined ? { pid: pgid } : {}),
      });
    };
    child.on('error', (err) => {
      for (const t of timers) clearTimeout(t);
      if (settled) return;
      settled = true;
      resolve({
        exitCode: null,
        signal: null,
        stdout: '',
        stderr: '',
        timedOut: false,
        durationMs: Date.now() - t0,
        spawnError: err.message,
      });
    });
    child.on('exit', (exitCode, signal) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      // Whatever the hook left behind (a background child holding the pipes) goes too.
      if (pgid !== undefined && signalGroup(pgid, 0)) {
        signalGroup(pgid, 'SIGTERM');
        later(grace, () => {
          signalGroup(pgid, 'SIGKILL');
        });
      }
      // The output the pipes still hold, if they close soon; never waiting for a holder.
      const cut = setTimeout(() => {
        finish({ exitCode, signal });
      }, DRAIN_MS);
      child.once('close', () => {
        clearTimeout(cut);
        finish({ exitCode, signal });
      });
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
