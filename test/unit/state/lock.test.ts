import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { acquireLock, LockedError } from '../../../src/state/lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('controller lock', () => {
  it('a second taker is refused and told who holds the lock', async () => {
    const first = await acquireLock(dir, 'virtwarden apply');
    const err = await acquireLock(dir, 'virtwarden watch').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockedError);
    expect((err as LockedError).message).toContain('virtwarden apply');
    expect((err as LockedError).message).toContain(`pid ${process.pid}`);
    await first.release();
    const again = await acquireLock(dir, 'virtwarden watch');
    await again.release();
  });

  it('waits for the holder with a timeout, and gets the lock when it is released', async () => {
    const first = await acquireLock(dir, 'virtwarden apply');
    setTimeout(() => {
      first.release().catch(() => undefined);
    }, 150);
    const t0 = Date.now();
    const second = await acquireLock(dir, 'virtwarden apply', 5_000, 20);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    await second.release();
  });

  it('the lock file stays (it is never removed), names its holder while held and is empty when free', async () => {
    const first = await acquireLock(dir, 'virtwarden watch /srv/manifests');
    const holder = JSON.parse(await readFile(first.path, 'utf8')) as Record<string, unknown>;
    expect(holder).toEqual({ ...first.holder });
    expect(holder).toMatchObject({ pid: process.pid, command: 'virtwarden watch /srv/manifests' });
    await first.release();
    await first.release(); // idempotent
    expect(await readFile(first.path, 'utf8')).toBe('');
  });

  it('a holder that has not written who it is yet still holds the lock (an empty file is not stale)', async () => {
    const first = await acquireLock(dir, 'virtwarden apply');
    await writeFile(first.path, ''); // as between taking the lock and describing itself
    const err = await acquireLock(dir, 'virtwarden watch').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockedError);
    expect((err as LockedError).holder).toBeUndefined();
    expect((err as LockedError).message).toContain('still recording who it is');
    await first.release();
  });

  it('takes over a lock left by a process that died', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((resolve) => {
      child.on('exit', () => {
        resolve(child.pid ?? 0);
      });
    });
    const { hostname } = await import('node:os');
    await writeFile(
      path.join(dir, 'controller.lock'),
      JSON.stringify({ pid: deadPid, host: hostname(), command: 'virtwarden apply', since: 'x' }),
    );
    const lock = await acquireLock(dir, 'virtwarden apply');
    const holder = JSON.parse(await readFile(lock.path, 'utf8')) as { pid: number };
    expect(holder.pid).toBe(process.pid);
    await lock.release();
  });
});
