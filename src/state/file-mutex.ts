/**
 * Mutual exclusion for the read-modify-writes of the state directory's shared files (fencing,
 * drains, host health, volumes, guest histories): within this process (a queue per lock file)
 * and across processes (flock on a lock file that is never renamed or removed — a lock on a
 * file that `rename` replaces would protect nothing). A `watch` and an operator's
 * `virtwarden fence confirm` then never lose or resurrect each other's records.
 *
 * Critical sections are a read and an atomic write of one small file, so contenders poll
 * briefly instead of blocking a thread; a holder stopped for longer than the timeout (SIGSTOP,
 * a hung disk) makes the caller fail with a transient `state-busy` error naming the file.
 */
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { TransientError } from '../common/errors.js';
import { tryLockFd, unlockFd } from './flock.js';

export const DEFAULT_STATE_LOCK_TIMEOUT_MS = 30_000;

const queues = new Map<string, Promise<void>>();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function crossProcess<T>(lockFile: string, timeoutMs: number, fn: () => Promise<T>) {
  await mkdir(path.dirname(lockFile), { recursive: true });
  const fh = await open(lockFile, 'a', 0o644);
  try {
    const deadline = Date.now() + timeoutMs;
    for (let wait = 1; !tryLockFd(fh.fd); wait = Math.min(25, wait * 2)) {
      if (Date.now() >= deadline) {
        throw new TransientError(
          'state-busy',
          `${lockFile} is held by another virtwarden process for more than ${Math.round(timeoutMs / 1000)} s`,
        );
      }
      await sleep(wait);
    }
    try {
      return await fn();
    } finally {
      unlockFd(fh.fd);
    }
  } finally {
    await fh.close();
  }
}

/** Run `fn` holding the lock `lockFile` (created when missing). */
export async function withFileLock<T>(
  lockFile: string,
  fn: () => Promise<T>,
  timeoutMs = DEFAULT_STATE_LOCK_TIMEOUT_MS,
): Promise<T> {
  const before = queues.get(lockFile) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => {
    done = resolve;
  });
  const tail = before.then(() => mine);
  queues.set(lockFile, tail);
  await before;
  try {
    return await crossProcess(lockFile, timeoutMs, fn);
  } finally {
    done();
    if (queues.get(lockFile) === tail) queues.delete(lockFile);
  }
}
