/**
 * Finding the actions a dead run left open: `started` lines without a `finished` (or an
 * `interrupted` mark already written for them) whose process is gone. Called by a run that
 * holds the controller lock — only lock holders start actions, so any other run is over; the
 * pid check is a second guard (a `started` of a live process is never marked).
 *
 * The scan streams the journal once, line by line; a journal larger than SCAN_LIMIT is read
 * from its last SCAN_LIMIT bytes (older open actions were marked by the runs in between, each
 * of which scanned at its start). Lines that are not JSON (a torn last line after a crash, a
 * hand edit) are skipped.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { ActionEntry } from './journal-entries.js';

export const SCAN_LIMIT = 64 * 1024 * 1024;

function gone(pid: unknown, run: string, ownRun: string): boolean {
  if (typeof pid !== 'number') return true; // written before lines carried a pid
  if (pid === process.pid) return run !== ownRun; // our pid, an earlier process's run
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export async function findInterrupted(
  file: string,
  ownRun: string,
  limit = SCAN_LIMIT,
): Promise<ActionEntry[]> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return [];
  }
  const start = Math.max(0, size - limit);
  const lines = createInterface({
    input: createReadStream(file, { start, encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  const open = new Map<string, string>(); // run + action → the `started` line
  let first = start > 0; // the first line of a partial read is a fragment
  for await (const line of lines) {
    if (first) {
      first = false;
      continue;
    }
    const e = actionLine(line);
    if (e === undefined) continue;
    if (e.event === 'started') open.set(e.key, line);
    else open.delete(e.key);
  }
  const out: ActionEntry[] = [];
  for (const line of open.values()) {
    let s: ActionEntry;
    try {
      s = JSON.parse(line) as ActionEntry;
    } catch {
      continue; // torn after its first fields
    }
    if (s.run !== ownRun && gone(s.pid, s.run, ownRun)) out.push(s);
  }
  return out;
}

// The journal writes every line as {"time","run","pid","event","action",…} in this order, so
// the key of an action line is read without parsing the whole line (a scan of 100,000 lines
// then costs a regular expression each); anything else is parsed in full.
const HEAD =
  /^\{"time":"[^"]*","run":("(?:[^"\\]|\\.)*"),(?:"pid":-?\d+,)?"event":"(started|finished)","action":("(?:[^"\\]|\\.)*")/;

function actionLine(line: string): { event: string; key: string } | undefined {
  const m = HEAD.exec(line);
  if (m?.[1] !== undefined && m[2] !== undefined && m[3] !== undefined) {
    return { event: m[2], key: `${JSON.parse(m[1]) as string}\n${JSON.parse(m[3]) as string}` };
  }
  if (!line.includes('"action"')) return undefined; // fence, ladder, clear, drain lines
  let e: Partial<ActionEntry>;
  try {
    e = JSON.parse(line) as Partial<ActionEntry>;
  } catch {
    return undefined; // a torn last line after a crash, a hand edit
  }
  if (typeof e.run !== 'string' || typeof e.action !== 'string') return undefined;
  if (e.event === 'started' || e.event === 'finished')
    return { event: e.event, key: `${e.run}\n${e.action}` };
  if (e.event === 'interrupted' && typeof e.ofRun === 'string')
    return { event: 'interrupted', key: `${e.ofRun}\n${e.action}` };
  return undefined;
}
