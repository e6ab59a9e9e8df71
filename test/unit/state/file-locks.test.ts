/**
 * The state directory's locks are plain flock(2) locks, so the util-linux `flock` command an
 * operator uses by hand (docs/state.md) sees and takes the same locks: `flock -n` tells whether
 * the controller lock is held, a hand edit under `flock locks/fencing.lock` is serialized with
 * virtwarden's own writes, and a lock held too long fails a writer with a transient error.
 * Also: the journal scan for interrupted actions reads only the tail of a huge journal.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { acquireLock } from '../../../src/state/lock.js';
import { withFileLock } from '../../../src/state/file-mutex.js';
import { findInterrupted } from '../../../src/state/journal-recovery.js';
import { openStateDir } from '../../../src/state/state-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-flock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function flockN(file: string): Promise<number> {
  try {
    await promisify(execFile)('flock', ['-n', file, 'true']);
    return 0;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

/** `flock FILE sleep SECONDS` in the background; resolves once it holds the lock. */
async function holdWithFlockCommand(file: string, seconds: number) {
  await mkdir(path.dirname(file), { recursive: true });
  const child = spawn('flock', [file, 'sh', '-c', `echo held; sleep ${seconds}`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve) =>
    child.stdout.once('data', () => {
      resolve();
    }),
  );
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      resolve();
    }),
  );
  return { child, exited };
}

describe('the locks are flock(2): the flock command sees them', () => {
  it('`flock -n controller.lock true` fails while virtwarden holds the lock and succeeds once free', async () => {
    const lock = await acquireLock(dir, 'virtwarden watch');
    expect(await flockN(lock.path)).toBe(1);
    await lock.release();
    expect(await flockN(lock.path)).toBe(0);
  });

  it('a hand edit under `flock locks/fencing.lock` holds off virtwarden’s writes until it is done', async () => {
    const held = await holdWithFlockCommand(path.join(dir, 'locks', 'fencing.lock'), 0.6);
    const t0 = Date.now();
    await openStateDir(dir).recordFenced({
      host: 'kvm1',
      by: 'operator',
      confirmedAt: new Date().toISOString(),
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    await held.exited;
  });

  it('a lock held longer than the timeout fails the writer with a transient state-busy error', async () => {
    const file = path.join(dir, 'locks', 'drains.lock');
    const held = await holdWithFlockCommand(file, 2);
    try {
      const err = await withFileLock(file, () => Promise.resolve(), 300).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'state-busy', errorClass: 'transient' });
      expect((err as Error).message).toContain(file);
    } finally {
      held.child.kill('SIGKILL');
      await held.exited;
    }
  });
});

describe('journal scan', () => {
  it('reads only the last part of a huge journal (older runs were marked by the runs between)', async () => {
    const file = path.join(dir, 'journal.jsonl');
    const started = (run: string) =>
      JSON.stringify({ time: 't', run, pid: 999999999, event: 'started', action: `start:${run}` }) +
      '\n';
    await appendFile(file, started('old') + 'x'.repeat(500) + '\n' + started('recent'));
    const open = await findInterrupted(file, 'me', 200);
    expect(open.map((e) => e.run)).toEqual(['recent']);
    expect((await findInterrupted(file, 'me')).map((e) => e.run)).toEqual(['old', 'recent']);
  });
});
