/**
 * The controller lock: only one virtwarden acts on the infrastructure at a time on this
 * management host (`apply`, `watch`). A kernel lock — flock(2) LOCK_EX on `controller.lock` —
 * so it is exclusive (the kernel grants it to one open file at a time, no check-then-create
 * race) and dies with its holder (no stale lock, never an `rm`). The file itself is never
 * removed or renamed: a lock on a replaced file would protect nothing.
 *
 * After locking, the holder writes who it is (pid, host, command, since) into the file, for
 * contenders' messages and for people (`cat controller.lock`). That text is informative only:
 * after a crash it still names the dead holder, and a contender may read it half-written
 * (then it says the holder is unknown). `flock -n controller.lock true` tells the truth.
 */
import { constants } from 'node:fs';
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { TerminalError } from '../common/errors.js';
import { tryLockFd, unlockFd } from './flock.js';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

export interface HeldLock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): Promise<void>;
}

export class LockedError extends TerminalError {
  /** Absent when the holder had not written its description yet. */
  readonly holder: LockHolder | undefined;
  constructor(holder: LockHolder | undefined, file: string) {
    super(
      'locked',
      holder
        ? `another virtwarden is acting: ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.since}); lock ${file}`
        : `another virtwarden is acting (it is still recording who it is); lock ${file}`,
    );
    this.name = 'LockedError';
    this.holder = holder;
  }
}

export const LOCK_FILE = 'controller.lock';

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder> | null;
    if (
      typeof v?.pid === 'number' &&
      typeof v.host === 'string' &&
      typeof v.command === 'string' &&
      typeof v.since === 'string'
    )
      return v as LockHolder;
  } catch {
    // Empty (free, or being written) or not ours: no description to show.
  }
  return undefined;
}

async function describe(fh: FileHandle, holder: LockHolder): Promise<void> {
  await fh.truncate(0);
  await fh.write(JSON.stringify(holder) + '\n', 0, 'utf8');
}

/**
 * Take the lock in `dir`. Without a timeout a held lock fails at once with `LockedError`;
 * with one, it waits up to `timeoutMs`, polling every `pollMs`.
 */
export async function acquireLock(
  dir: string,
  command: string,
  timeoutMs = 0,
  pollMs = 200,
): Promise<HeldLock> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const fh = await open(file, constants.O_RDWR | constants.O_CREAT, 0o644);
  const deadline = Date.now() + timeoutMs;
  try {
    while (!tryLockFd(fh.fd)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new LockedError(await readHolder(file), file);
      await new Promise((r) => setTimeout(r, Math.min(pollMs, left)));
    }
  } catch (err) {
    await fh.close();
    throw err;
  }
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command,
    since: new Date().toISOString(),
  };
  try {
    await describe(fh, holder);
  } catch (err) {
    await fh.close(); // releases the lock
    throw err;
  }
  let released = false;
  return {
    path: file,
    holder,
    release: async () => {
      if (released) return;
      released = true;
      try {
        await fh.truncate(0); // a free lock reads as empty (a killed holder's text stays)
        unlockFd(fh.fd);
      } finally {
        await fh.close();
      }
    },
  };
}
