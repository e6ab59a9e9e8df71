/**
 * The controller lock with real processes: many contenders over many rounds never hold it at
 * once (each holder proves it is alone with an O_EXCL marker file), a holder killed with
 * SIGKILL releases it at once, and a process a holder spawned does not keep it.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { acquireLock, LockedError } from '../../src/state/lock.js';
import { dist, ensureBuilt, startChild, type Child } from './state-helpers.js';

let dir: string;
const children: Child[] = [];
beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-lock-int-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.process.exitCode === null) c.process.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

// A contender takes the lock again and again; inside, it proves it is alone with a second
// kernel lock (the probe) that it takes and drops within the critical section. Sometimes it
// dies with SIGKILL while holding the controller lock (after dropping the probe), leaving a
// lock file that names a dead holder, as a crashed \`apply\` does.
const CONTENDER = `
import { acquireLock } from ${dist('state/lock.js')};
import { tryLockFd, unlockFd } from ${dist('state/flock.js')};
import { open } from 'node:fs/promises';
const dir = process.env.LOCK_DIR;
const probe = await open(dir + '/probe', 'a');
const killRate = Number(process.env.KILL_RATE);
for (;;) {
  const lock = await acquireLock(dir, 'contender ' + process.pid, 60000, 1);
  const alone = tryLockFd(probe.fd);
  console.log(alone ? 'alone' : 'two holders');
  await new Promise((r) => setTimeout(r, Math.random() * 2));
  if (alone) unlockFd(probe.fd);
  if (Math.random() < killRate) process.kill(process.pid, 'SIGKILL');
  await lock.release();
}
`;

const HOLDER = `
import { acquireLock } from ${dist('state/lock.js')};
import { spawn } from 'node:child_process';
const lock = await acquireLock(process.env.LOCK_DIR, 'virtwarden watch /srv/manifests');
if (process.env.SPAWN === '1') {
  const c = spawn('sleep', ['60'], { stdio: 'ignore', detached: true });
  c.unref();
  console.log('spawned ' + c.pid);
}
console.log('locked ' + lock.holder.pid);
setInterval(() => {}, 1000);
`;

describe('controller lock across processes', () => {
  it('many contending processes over many rounds, holders killed among them: never two holders', async () => {
    const contenders = 4;
    const rounds = 200;
    let acquired = 0;
    let overlaps = 0;
    let killed = 0;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const start = (): void => {
      const c = startChild(CONTENDER, { LOCK_DIR: dir, KILL_RATE: '0.1' });
      children.push(c);
      let seen = 0;
      const count = (): void => {
        for (; seen < c.lines.length; seen++) {
          acquired++;
          if (c.lines[seen] !== 'alone') overlaps++;
        }
        if (acquired >= rounds) finish();
      };
      c.process.stdout?.on('data', count);
      c.exited
        .then(() => {
          count();
          if (acquired >= rounds) return;
          killed++;
          start(); // a new contender takes the dead one's place
        })
        .catch(() => undefined);
    };
    const t0 = Date.now();
    for (let i = 0; i < contenders; i++) start();
    await done;
    const ms = Date.now() - t0;
    for (const c of children) c.process.kill('SIGKILL');
    process.stdout.write(
      `controller lock: ${contenders} contending processes, ${acquired} rounds, ${killed} holders killed with SIGKILL while holding, ${overlaps} rounds with two holders, in ${ms} ms\n`,
    );
    expect(acquired).toBeGreaterThanOrEqual(rounds);
    expect(killed).toBeGreaterThan(0);
    expect(overlaps).toBe(0);
  }, 120_000);

  it('a holder killed with SIGKILL releases the lock at once; contenders were shown who held it', async () => {
    const holder = startChild(HOLDER, { LOCK_DIR: dir });
    children.push(holder);
    await holder.line(/^locked /);
    const refused = await acquireLock(dir, 'virtwarden apply').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockedError);
    expect((refused as LockedError).holder?.pid).toBe(holder.pid);
    expect((refused as LockedError).message).toContain('virtwarden watch /srv/manifests');
    expect((refused as LockedError).message).toContain(`pid ${holder.pid}`);
    const t0 = Date.now();
    holder.process.kill('SIGKILL');
    await holder.exited;
    const lock = await acquireLock(dir, 'virtwarden apply'); // no timeout: free at once
    process.stdout.write(
      `controller lock: free ${Date.now() - t0} ms after SIGKILL of its holder\n`,
    );
    expect(lock.holder.pid).toBe(process.pid);
    await lock.release();
  }, 60_000);

  it('a process the holder spawned does not keep the lock after the holder dies', async () => {
    const holder = startChild(HOLDER, { LOCK_DIR: dir, SPAWN: '1' });
    children.push(holder);
    const sleeper = Number((await holder.line(/^spawned /)).split(' ')[1]);
    await holder.line(/^locked /);
    try {
      holder.process.kill('SIGKILL');
      await holder.exited;
      expect(() => process.kill(sleeper, 0)).not.toThrow(); // the spawned process lives on…
      const lock = await acquireLock(dir, 'virtwarden apply'); // …without holding the lock
      await lock.release();
    } finally {
      process.kill(sleeper, 'SIGKILL');
    }
  }, 60_000);
});
