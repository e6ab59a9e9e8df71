/** The built `virtwarden` CLI as a child process (what an operator or a CI job runs). */
import { spawn } from 'node:child_process';
import { VIRTWARDEN_BIN } from './watch-runner.js';

export interface CliRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
}

export function runVirtwarden(
  args: readonly string[],
  stateDir: string,
  timeoutMs = 120_000,
): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [VIRTWARDEN_BIN, ...args], {
      env: { ...process.env, VIRTWARDEN_STATE_DIR: stateDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout
      .setEncoding('utf8')
      .on('data', (d: string) => (stdout = (stdout + d).slice(-8000)));
    child.stderr
      .setEncoding('utf8')
      .on('data', (d: string) => (stderr = (stderr + d).slice(-8000)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr, durationMs: Date.now() - t0, timedOut });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({
        exitCode: null,
        signal: null,
        stdout,
        stderr: `${stderr}${err.message}`,
        durationMs: Date.now() - t0,
        timedOut,
      });
    });
  });
}
