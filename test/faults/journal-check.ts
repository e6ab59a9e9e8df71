/**
 * Journal completeness: every `started` line has its `finished` (same run, same action), or an
 * `interrupted` mark written later for that action (after the process that started it died).
 * The mark's exact shape is the state layer's to choose: any later line with event
 * `interrupted` and the same action counts, preferring one that names the started line's run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Line {
  readonly time?: string;
  readonly run?: string;
  readonly event?: string;
  readonly action?: string;
  readonly [key: string]: unknown;
}

export interface Unfinished {
  readonly key: string;
  readonly run: string;
  readonly action: string;
  readonly time: string;
}

export function unfinishedActions(stateDir: string, olderThan: number): Unfinished[] {
  let text: string;
  try {
    text = readFileSync(path.join(stateDir, 'journal.jsonl'), 'utf8');
  } catch {
    return [];
  }
  const pending: (Unfinished & { at: number })[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    let l: Line;
    try {
      l = JSON.parse(raw) as Line;
    } catch {
      continue; // a torn last line of a killed writer: the lines before it still count
    }
    if (typeof l.action !== 'string') continue;
    const run = typeof l.run === 'string' ? l.run : '';
    const time = typeof l.time === 'string' ? l.time : '';
    if (l.event === 'started') {
      pending.push({
        key: `${run}|${l.action}|${time}`,
        run,
        action: l.action,
        time,
        at: Date.parse(time),
      });
    } else if (l.event === 'finished') {
      const i = pending.findIndex((p) => p.run === run && p.action === l.action);
      if (i >= 0) pending.splice(i, 1);
    } else if (l.event === 'interrupted') {
      const values = new Set(Object.values(l).filter((v) => typeof v === 'string'));
      let i = pending.findIndex((p) => p.action === l.action && values.has(p.run));
      if (i < 0) i = pending.findIndex((p) => p.action === l.action);
      if (i >= 0) pending.splice(i, 1);
    }
  }
  return pending.filter((p) => !(p.at >= olderThan)).map(({ at: _at, ...rest }) => rest);
}
