/**
 * The controller lock: only one virtwarden acts on the infrastructure at a time on this
 * management host (`apply`, `watch`, `fence confirm`). A lock file created exclusively, holding
 * who took it; a lock whose process is gone is stale and is taken over.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { TerminalError } from '../common/errors.js';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
}

export class LockedError extends TerminalError {
  readonly holder: LockHolder;
  constructor(holder: LockHolder, file: string) {
    super(
      'locked',
      `another virtwarden is acting: ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.since}); lock ${file}`,
    );
    this.name = 'LockedError';
    this.holder = holder;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

async function tryTake(file: string, command: string): Promise<HeldLock | LockHolder> {
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command,
    since: new Date().toISOString(),
  };
  try {
    const fh = await open(file, 'wx', 0o644);
    await fh.writeFile(JSON.stringify(me) + '\n');
    await fh.close();
    return {
      path: file,
      release: async () => {
        const holder = await readHolder(file);
        if (holder?.pid === process.pid) await rm(file, { force: true });
      },
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const holder = await readHolder(file);
  // A lock whose holder died (or that is half-written) is stale: remove and retry once.
  if (holder === undefined || (holder.host === hostname() && !alive(holder.pid))) {
    await rm(file, { force: true });
    return tryTake(file, command);
  }
  return holder;
}

/**
 * Take the lock in `dir`. Without a timeout a held lock fails at once with `LockedError`;
 * with one, it waits up to `timeoutMs`, polling.
 */
export async function acquireLock(
  dir: string,
  command: string,
  timeoutMs = 0,
  pollMs = 200,
): Promise<HeldLock> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'controller.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await tryTake(file, command);
    if ('release' in got) return got;
    if (Date.now() >= deadline) throw new LockedError(got, file);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
