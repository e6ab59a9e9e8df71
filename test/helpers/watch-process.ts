/**
 * `virtwarden watch` as a real child process (the built CLI in dist/): its JSON log lines,
 * its /status endpoint, and how it stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/virtwarden.js', import.meta.url));

export interface LogLine {
  readonly msg?: string;
  readonly level?: number;
  readonly time?: number;
  readonly [key: string]: unknown;
}

export interface GuestStatusJson {
  guest: string;
  state: string;
  host?: string;
  reason: string;
  converged: boolean;
  conditions: { type: string; status: boolean; reason: string; message: string }[];
}

export class WatchProcess {
  readonly logs: LogLine[] = [];
  url = '';
  private readonly child: ChildProcess;
  private stderr = '';
  readonly exited: Promise<number | null>;

  constructor(
    dir: string,
    stateDir: string,
    extra: readonly string[] = [],
    env: NodeJS.ProcessEnv = {},
    /** A command that runs node, e.g. `['prlimit', '--nofile=256:256', '--']`. */
    launcher: readonly string[] = [],
  ) {
    const args = [
      BIN,
      'watch',
      dir,
      ...(extra.includes('--listen') ? [] : ['--listen', '127.0.0.1:0']),
      '--log-format',
      'json',
      '--resync',
      '5',
      ...extra,
    ];
    const cmd = launcher[0] ?? process.execPath;
    const pre = launcher.length > 0 ? [...launcher.slice(1), process.execPath] : [];
    this.child = spawn(cmd, [...pre, ...args], {
      env: { ...process.env, ...env, VIRTWARDEN_STATE_DIR: stateDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buf = '';
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const parsed = JSON.parse(line) as LogLine;
          this.logs.push(parsed);
          if (parsed.msg === 'watching' && typeof parsed.listen === 'string')
            this.url = parsed.listen;
        } catch {
          /* not a log line */
        }
      }
    });
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code) => {
        resolve(code);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get errors(): string {
    return this.stderr;
  }

  async ready(timeoutMs = 30_000): Promise<void> {
    await this.waitFor('watch ready', () => this.url !== '', timeoutMs);
  }

  async status(): Promise<GuestStatusJson[]> {
    const res = await fetch(`${this.url}/status`);
    return ((await res.json()) as { guests: GuestStatusJson[] }).guests;
  }

  async metrics(): Promise<string> {
    return (await fetch(`${this.url}/metrics`)).text();
  }

  async waitFor(
    what: string,
    probe: () => boolean | Promise<boolean>,
    timeoutMs = 30_000,
  ): Promise<void> {
    const t0 = Date.now();
    const attempt = async (): Promise<boolean> => {
      if (this.child.exitCode !== null)
        throw new Error(
          `watch exited (${this.child.exitCode}) while waiting for ${what}: ${this.stderr}`,
        );
      try {
        return await probe();
      } catch {
        return false; // e.g. /status not answering for a moment
      }
    };
    while (!(await attempt())) {
      if (Date.now() - t0 > timeoutMs) {
        throw new Error(
          `timed out waiting for ${what}\nlast logs:\n${this.logs
            .slice(-15)
            .map((l) => JSON.stringify(l))
            .join('\n')}\nstderr: ${this.stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
