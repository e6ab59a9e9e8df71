/**
 * The journal in real processes: a process whose journal cannot be written (a directory in
 * the way, a full disk) goes on and exits normally — no unhandled rejection — and can report
 * the failure; and a run that starts after another run's process died marks that run's open
 * actions `interrupted` (once), but never those of a process still alive.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Journal } from '../../src/state/journal.js';
import { dist, ensureBuilt, startChild, type Child } from './state-helpers.js';

let dir: string;
const children: Child[] = [];
beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-journal-int-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.process.exitCode === null) c.process.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

const action = (id: string) => ({
  id,
  kind: 'start',
  guest: 'db1',
  site: 'lab',
  host: 'kvm1',
  reason: 'crashed',
});

// An `apply`-like run: journals actions while "acting", then reports how the journal fared.
const RUN = `
import { openStateDir } from ${dist('state/state-dir.js')};
const journal = openStateDir(process.env.DIR).journal(process.env.RUN);
journal.onFailure?.((f) => console.log('journal failure: ' + f.code));
const a = ${JSON.stringify(action('start:db1@kvm1'))};
journal.started(a);
if (process.env.HANG === '1') {
  await journal.flush();
  console.log('started');
  setInterval(() => {}, 1000);
} else {
  await new Promise((r) => setTimeout(r, 100)); // the action runs
  journal.finished(a, { status: 'done', attempts: 1, durationMs: 100, message: 'started' });
  journal.fenceAttempt?.('kvm2', 1, 'fenced', 'kvm2 fenced and reported off');
  await journal.flush();
  console.log('still acting after the journal failed: ' + JSON.stringify(journal.failure ?? null));
}
`;

async function entries(): Promise<Record<string, unknown>[]> {
  const text = await readFile(path.join(dir, 'journal.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

// Many lines from one process as fast as it can, some of them long (beyond a pipe buffer).
const WRITER = `
import { Journal } from ${dist('state/journal.js')};
const j = new Journal(process.env.DIR, process.env.RUN);
await new Promise((r) => process.stdin.once('data', r));
process.stdin.destroy();
for (let i = 0; i < 2000; i++) j.ladder('g' + i, 'restart', (i % 10 === 0 ? 'x'.repeat(10000) : '') + process.env.RUN + ' ' + i);
await j.flush();
console.log(j.failure ? 'failed' : 'done');
`;

describe('journal in real processes', () => {
  it('lines appended by two processes at once never interleave', async () => {
    const writers = ['w1', 'w2'].map((run) => startChild(WRITER, { DIR: dir, RUN: run }));
    children.push(...writers);
    await new Promise((r) => setTimeout(r, 800));
    for (const w of writers) w.send('go\n');
    for (const w of writers) expect(await w.line(/^(done|failed)$/)).toBe('done');
    const lines = await entries(); // every line parses
    for (const run of ['w1', 'w2']) {
      const mine = lines
        .filter((l) => l.run === run)
        .map((l) => String(l.message).split(' ').at(-1));
      expect(mine).toEqual(Array.from({ length: 2000 }, (_, i) => String(i)));
    }
  }, 60_000);

  it.each([
    ['a directory in the way', 'EISDIR'],
    ['a full disk (/dev/full)', 'ENOSPC'],
  ])(
    '%s: the process keeps going and exits 0; the failure is reported',
    async (_what, code) => {
      if (code === 'EISDIR') await mkdir(path.join(dir, 'journal.jsonl'));
      else await symlink('/dev/full', path.join(dir, 'journal.jsonl'));
      const run = startChild(RUN, { DIR: dir, RUN: 'run-1' });
      children.push(run);
      const exit = await run.exited;
      expect(exit.stderr).not.toMatch(/Unhandled|ERR_UNHANDLED_REJECTION/);
      expect(exit.code).toBe(0);
      expect(run.lines).toContain(`journal failure: ${code}`);
      const last = run.lines.find((l) => l.startsWith('still acting')) ?? '';
      expect(JSON.parse(last.slice(last.indexOf('{')))).toMatchObject({ code, lost: 3 });
    },
    60_000,
  );

  it('marks the open actions of a run whose process died as interrupted, once, and never those of a live one', async () => {
    // A finished run of a dead process: nothing to mark.
    const done = startChild(RUN, { DIR: dir, RUN: 'run-done' });
    children.push(done);
    expect((await done.exited).code).toBe(0);
    const acting = startChild(RUN, { DIR: dir, RUN: 'run-killed', HANG: '1' });
    children.push(acting);
    await acting.line(/^started$/);

    // The process is alive: its action is in flight, not interrupted.
    expect(await new Journal(dir, 'run-2').markInterrupted()).toEqual([]);

    acting.process.kill('SIGKILL');
    await acting.exited;
    const marked = await new Journal(dir, 'run-3').markInterrupted();
    expect(marked.map((m) => [m.run, m.action])).toEqual([['run-killed', 'start:db1@kvm1']]);
    const lines = await entries();
    expect(lines.at(-1)).toMatchObject({
      event: 'interrupted',
      run: 'run-3',
      pid: process.pid,
      ofRun: 'run-killed',
      action: 'start:db1@kvm1',
      guest: 'db1',
      host: 'kvm1',
    });
    // Once: the next run finds the mark.
    expect(await new Journal(dir, 'run-4').markInterrupted()).toEqual([]);
    // Every started now has its finished or its interrupted mark.
    const started = lines
      .filter((l) => l.event === 'started')
      .map((l) => `${String(l.run)} ${String(l.action)}`);
    const closed = lines
      .filter((l) => l.event === 'finished' || l.event === 'interrupted')
      .map((l) => `${String(l.event === 'interrupted' ? l.ofRun : l.run)} ${String(l.action)}`);
    expect(closed.sort()).toEqual(started.sort());
  }, 60_000);
});
