/**
 * The journal checks of the fault suite, on journals written the way virtwarden writes them:
 * a start without its end is reported unless an `interrupted` mark follows; two runs acting at
 * once are reported; one run's parallel actions are not.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { overlappingRuns, unfinishedActions } from './journal-check.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vw-journal-check-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const at = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
function journal(lines: readonly Record<string, unknown>[]): void {
  writeFileSync(
    path.join(dir, 'journal.jsonl'),
    lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"torn',
  );
}
const line = (run: string, event: string, action: string, s: number): Record<string, unknown> => ({
  time: at(s),
  run,
  event,
  action,
  guest: action.split(':')[1]?.split('@')[0],
});

describe('journal checks', () => {
  it('reports a started action with neither finished nor interrupted', () => {
    journal([
      line('A', 'started', 'start:db1@h1', 1),
      line('A', 'finished', 'start:db1@h1', 2),
      line('A', 'started', 'start:app1@h2', 3),
    ]);
    expect(unfinishedActions(dir, Infinity).map((u) => u.action)).toEqual(['start:app1@h2']);
    // Not yet old enough to judge:
    expect(unfinishedActions(dir, Date.parse(at(3)))).toEqual([]);
  });

  it('accepts an interrupted mark written later by another run', () => {
    journal([
      line('A', 'started', 'start:app1@h2', 3),
      { ...line('B', 'interrupted', 'start:app1@h2', 9), interruptedRun: 'A' },
    ]);
    expect(unfinishedActions(dir, Infinity)).toEqual([]);
  });

  it('does not let a finished of another run close a start', () => {
    journal([line('A', 'started', 'start:q1@h3', 1), line('B', 'finished', 'start:q1@h3', 2)]);
    expect(unfinishedActions(dir, Infinity)).toHaveLength(1);
  });

  it('reports two runs acting at once, not one run acting in parallel', () => {
    journal([
      line('A', 'started', 'start:db1@h1', 1),
      line('A', 'started', 'start:q1@h3', 1),
      line('A', 'finished', 'start:q1@h3', 3),
      line('B', 'started', 'start:db1@h2', 2),
      line('A', 'finished', 'start:db1@h1', 4),
      line('B', 'finished', 'start:db1@h2', 5),
      line('C', 'started', 'stop:web1@h1', 6),
      line('C', 'finished', 'stop:web1@h1', 7),
    ]);
    const pairs = overlappingRuns(dir);
    expect(pairs.map(([a, b]) => [a.run, b.run])).toEqual([['A', 'B']]);
  });
});
