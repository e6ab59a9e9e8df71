/**
 * `virtwarden watch` for a fault round: the built CLI as a real child process (like
 * test/helpers/watch-process.ts), which the nemesis may SIGKILL and start again. Its JSON log
 * goes whole to a file of the round (`watch.log`, every incarnation appended) and the last
 * lines stay in memory for reports; an exit the round did not cause is reported as a death.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const VIRTWARDEN_BIN = fileURLToPath(new URL('../../bin/virtwarden.js', import.meta.url));

export interface WatchLogLine {
  readonly msg?: string;
  readonly time?: number;
  readonly [key: string]: unknown;
}

/** Resident set size of a process in KiB, from /proc (undefined when it is gone). */
export function rssKiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
    return m?.[1] === undefined ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

export interface WatchIncarnation {
  readonly pid: number;
  readonly startedAt: number;
  exitedAt?: number;
  /** 'SIGKILL by the nemesis', 'stopped by the round', or what the process did on its own. */
  end?: string;
  readonly rssAtReadyKiB?: number;
}

export class WatchRunner {
  readonly incarnations: WatchIncarnation[] = [];
  /** Called when a watch exits without being told to (a crash of the controller). */
  onDeath: (how: string, stderrTail: string) => void = () => undefined;
  readonly #dir: string;
  readonly #stateDir: string;
  readonly #log: WriteStream;
  readonly #tail: WatchLogLine[] = [];
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #expectExit = false;
  #url = '';
  #stderr = '';

  constructor(manifestDir: string, stateDir: string, logFile: string) {
    this.#dir = manifestDir;
    this.#stateDir = stateDir;
    this.#log = createWriteStream(logFile, { flags: 'a' });
  }

  get running(): boolean {
    return this.#alive();
  }

  #alive(): boolean {
    return (
      this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null
    );
  }

  get pid(): number | undefined {
    return this.running ? this.#child?.pid : undefined;
  }

  get url(): string {
    return this.#url;
  }

  /** The last lines of the current and earlier incarnations' logs. */
  tail(n = 20): WatchLogLine[] {
    return this.#tail.slice(-n);
  }

  /** Start a watch and wait until it serves its endpoint (it may first wait for the lock). */
  async start(readyTimeoutMs = 150_000): Promise<void> {
    if (this.running) return;
    this.#url = '';
    this.#stderr = '';
    this.#expectExit = false;
    const child = spawn(
      process.execPath,
      [
        VIRTWARDEN_BIN,
        'watch',
        this.#dir,
        '--listen',
        '127.0.0.1:0',
        '--log-format',
        'json',
        '--resync',
        '5',
        '--restart-backoff-ms',
        '200',
        // An apply of the nemesis may hold the lock when watch comes back: wait for it.
        '--lock-timeout',
        '120',
      ],
      {
        env: { ...process.env, VIRTWARDEN_STATE_DIR: this.#stateDir, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#child = child;
    const pid = child.pid ?? 0;
    const incarnation: WatchIncarnation = { pid, startedAt: Date.now() };
    this.incarnations.push(incarnation);
    let buf = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      this.#log.write(d);
      buf += d;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const parsed = JSON.parse(line) as WatchLogLine;
          this.#tail.push(parsed);
          if (this.#tail.length > 400) this.#tail.splice(0, 200);
          if (parsed.msg === 'watching' && typeof parsed.listen === 'string')
            this.#url = parsed.listen;
        } catch {
          /* not a log line */
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      this.#log.write(`[stderr ${String(pid)}] ${d}`);
      this.#stderr = (this.#stderr + d).slice(-4000);
    });
    this.#exited = new Promise((resolve) => {
      // 'close', not 'exit': a crashing process's last stderr lines arrive after its exit.
      child.on('close', (code, signal) => {
        incarnation.exitedAt = Date.now();
        const how = signal !== null ? `killed by ${signal}` : `exited with code ${String(code)}`;
        if (this.#expectExit) {
          incarnation.end ??= how;
        } else {
          incarnation.end = `died on its own: ${how}`;
          const last = this.#tail
            .slice(-3)
            .map((l) => l.msg ?? '')
            .join(' | ');
          this.onDeath(`${how} (pid ${String(pid)}; last log lines: ${last})`, this.#stderr);
        }
        resolve();
      });
    });
    const deadline = Date.now() + readyTimeoutMs;
    const ready = (): boolean => this.#url !== ''; // set by the stdout handler
    while (!ready()) {
      if (!this.#alive()) throw new Error(`watch exited before it was ready: ${this.#stderr}`);
      if (Date.now() > deadline)
        throw new Error(`watch not ready after ${String(readyTimeoutMs)} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    Object.assign(incarnation, { rssAtReadyKiB: rssKiB(pid) });
  }

  /** SIGKILL (the nemesis): no chance to finish anything. */
  async kill9(): Promise<void> {
    if (!this.running) return;
    this.#expectExit = true;
    const inc = this.incarnations.at(-1);
    if (inc) inc.end = 'SIGKILL by the nemesis';
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM (the end of the round), SIGKILL after 60 s. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.#expectExit = true;
    const inc = this.incarnations.at(-1);
    if (inc) inc.end = 'stopped by the round';
    this.#child?.kill('SIGTERM');
    const timer = setTimeout(() => this.#child?.kill('SIGKILL'), 60_000);
    await this.#exited;
    clearTimeout(timer);
  }

  async status(): Promise<unknown> {
    const res = await fetch(`${this.#url}/status`);
    return res.json();
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.#log.end(resolve));
  }
}
