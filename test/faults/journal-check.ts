/**
 * What the journal (`STATE_DIR/journal.jsonl`) must show after a round:
 *
 * - Completeness: every `started` line has its `finished` (same run, same action), or an
 *   `interrupted` mark written later for that action (after the process that started it died).
 *   The mark's exact shape is the state layer's to choose: any later line with event
 *   `interrupted` and the same action counts, preferring one that names the started line's run.
 * - One controller at a time: the [started, finished] spans of guest actions of two different
 *   runs (two processes: watches, applies) never overlap. The controller lock is released only
 *   after the holder's last `finished`, so an overlap means two holders acted at once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Line {
  readonly time?: string;
  readonly run?: string;
  readonly event?: string;
  readonly action?: string;
  readonly guest?: string;
  readonly [key: string]: unknown;
}

export interface Unfinished {
  readonly key: string;
  readonly run: string;
  readonly action: string;
  readonly time: string;
}

export interface Span {
  readonly run: string;
  readonly action: string;
  readonly from: number;
  readonly to: number;
}

function readJournal(stateDir: string): Line[] {
  let text: string;
  try {
    text = readFileSync(path.join(stateDir, 'journal.jsonl'), 'utf8');
  } catch {
    return [];
  }
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    try {
      lines.push(JSON.parse(raw) as Line);
    } catch {
      // a torn last line of a killed writer: the lines before it still count
    }
  }
  return lines;
}

interface Pending extends Unfinished {
  readonly at: number;
  readonly guestAction: boolean;
}

/** Pair the journal's lines: finished spans, and the `started` lines left open. */
function pair(lines: readonly Line[]): { spans: Span[]; open: Pending[] } {
  const open: Pending[] = [];
  const spans: Span[] = [];
  for (const l of lines) {
    if (typeof l.action !== 'string') continue;
    const run = typeof l.run === 'string' ? l.run : '';
    const time = typeof l.time === 'string' ? l.time : '';
    if (l.event === 'started') {
      open.push({
        key: `${run}|${l.action}|${time}`,
        run,
        action: l.action,
        time,
        at: Date.parse(time),
        guestAction: typeof l.guest === 'string',
      });
    } else if (l.event === 'finished') {
      const i = open.findIndex((p) => p.run === run && p.action === l.action);
      const started = open[i];
      if (started === undefined) continue;
      open.splice(i, 1);
      if (started.guestAction)
        spans.push({ run, action: started.action, from: started.at, to: Date.parse(time) });
    } else if (l.event === 'interrupted') {
      const values = new Set(Object.values(l).filter((v) => typeof v === 'string'));
      let i = open.findIndex((p) => p.action === l.action && values.has(p.run));
      if (i < 0) i = open.findIndex((p) => p.action === l.action);
      if (i >= 0) open.splice(i, 1);
    }
  }
  return { spans, open };
}

/** `started` lines older than `olderThan` (ms epoch) with neither `finished` nor `interrupted`. */
export function unfinishedActions(stateDir: string, olderThan: number): Unfinished[] {
  return pair(readJournal(stateDir))
    .open.filter((p) => !(p.at >= olderThan))
    .map(({ key, run, action, time }) => ({ key, run, action, time }));
}

/** Pairs of spans of two different runs that overlap in time (one pair per two runs). */
export function overlappingRuns(stateDir: string): [Span, Span][] {
  const spans = pair(readJournal(stateDir)).spans.sort((a, b) => a.from - b.from);
  const found = new Map<string, [Span, Span]>();
  for (let i = 0; i < spans.length; i++) {
    const a = spans[i];
    if (a === undefined) continue;
    for (let j = i + 1; j < spans.length; j++) {
      const b = spans[j];
      if (b === undefined || b.from >= a.to) break;
      if (b.run === a.run) continue;
      const key = [a.run, b.run].sort().join('|');
      if (!found.has(key)) found.set(key, [a, b]);
    }
  }
  return [...found.values()];
}
