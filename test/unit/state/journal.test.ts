/**
 * The journal on a real file system: the lines it writes (actions, fence attempts and
 * confirmations, ladder steps, clears, drains — each with run and pid), and appends that fail
 * for real (a directory in the way: EISDIR; /dev/full: ENOSPC) without throwing: the failure
 * is remembered and listeners are told.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Action } from '../../../src/model/plan.js';
import { Journal, type JournalFailure } from '../../../src/state/journal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const action = {
  id: 'start:db1@kvm1',
  kind: 'start',
  guest: 'db1',
  site: 'lab',
  host: 'kvm1',
  reason: 'crashed',
  why: 'running (booted), watchdog fired (action none) on kvm1: restart on the same host',
} as unknown as Action;

async function lines(): Promise<Record<string, unknown>[]> {
  const text = await readFile(path.join(dir, 'journal.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('journal lines', () => {
  it('records actions and what the controller and operators did, each with run and pid', async () => {
    const j = new Journal(dir, 'run-1');
    j.started(action);
    j.finished(action, { status: 'done', attempts: 1, durationMs: 12, message: 'started' });
    j.fenceAttempt('kvm2', 1, 'failed', 'fence_ipmilan: exit 1 after 0.2 s');
    j.fenceAttempt('kvm2', 2, 'fenced', 'kvm2 fenced and reported off');
    j.fenceConfirmed('kvm3', 'alice', 'pulled the power cord');
    j.fenceCleared('kvm3', 'host-up');
    j.ladder('db1', 'restart', 'crashed on kvm1: restart on the same host', 'kvm1');
    j.ladder('db1', 'faulted', 'restarts used up: FAULTED', 'kvm1');
    j.cleared('db1', 'alice', { restarts: 3, failovers: 1, faulted: true }, 'disk replaced');
    j.drain('kvm2', 'bob', 'BIOS update');
    j.undrain('kvm2', 'bob');
    await j.flush();
    expect(j.failure).toBeUndefined();
    const all = await lines();
    expect(all.map((l) => l.event)).toEqual([
      'started',
      'finished',
      'fence-attempt',
      'fence-attempt',
      'fence-confirmed',
      'fence-cleared',
      'ladder',
      'ladder',
      'clear',
      'drain',
      'undrain',
    ]);
    for (const l of all)
      expect(l).toMatchObject({ run: 'run-1', pid: process.pid, time: expect.any(String) });
    // The evidence the action answers is journaled with its start.
    expect(all[0]?.why).toMatch(/watchdog fired/);
    expect(all[1]).toMatchObject({ action: 'start:db1@kvm1', status: 'done', attempts: 1 });
    expect(all[3]).toMatchObject({ host: 'kvm2', attempt: 2, outcome: 'fenced' });
    expect(all[4]).toMatchObject({ host: 'kvm3', by: 'alice', note: 'pulled the power cord' });
    expect(all[5]).toMatchObject({ host: 'kvm3', why: 'host-up' });
    expect(all[7]).toMatchObject({ guest: 'db1', step: 'faulted', host: 'kvm1' });
    expect(all[8]).toMatchObject({
      guest: 'db1',
      by: 'alice',
      restarts: 3,
      failovers: 1,
      faulted: true,
      note: 'disk replaced',
    });
    expect(all[9]).toMatchObject({ host: 'kvm2', by: 'bob', note: 'BIOS update' });
  });
});

describe('journal failures never throw', () => {
  it('a directory in the way (EISDIR): no rejection, the failure is remembered and told', async () => {
    await mkdir(path.join(dir, 'journal.jsonl'));
    const j = new Journal(dir, 'run-1');
    const told: JournalFailure[] = [];
    j.onFailure((f) => told.push(f));
    j.started(action);
    j.finished(action, { status: 'done', attempts: 1, durationMs: 1, message: 'ok' });
    await expect(j.flush()).resolves.toBeUndefined();
    expect(j.failure).toMatchObject({ code: 'EISDIR', lost: 2 });
    expect(j.failure?.message).toContain(path.join(dir, 'journal.jsonl'));
    expect(told.map((f) => f.lost)).toEqual([1, 2]);
    expect(told[0]?.since).toBe(j.failure?.since);
  });

  it('a full disk (/dev/full: ENOSPC) is reported the same way, and a throwing listener changes nothing', async () => {
    await symlink('/dev/full', path.join(dir, 'journal.jsonl'));
    const j = new Journal(dir, 'run-1');
    j.onFailure(() => {
      throw new Error('listener bug');
    });
    j.ladder('db1', 'faulted', 'FAULTED');
    await j.flush();
    expect(j.failure).toMatchObject({ code: 'ENOSPC', lost: 1 });
  });

  it('a state directory that cannot be created is a failure, not a crash', async () => {
    const j = new Journal(path.join('/dev/null', 'state'), 'run-1');
    j.started(action);
    await j.flush();
    expect(j.failure?.code).toBe('ENOTDIR');
  });
});
