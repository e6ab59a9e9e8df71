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

export async function findInterrupted(file: string, ownRun: string): Promise<ActionEntry[]> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return [];
  }
  const start = Math.max(0, size - SCAN_LIMIT);
  const lines = createInterface({
    input: createReadStream(file, { start, encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  const open = new Map<string, ActionEntry>();
  let first = start > 0; // the first line of a partial read is a fragment
  for await (const line of lines) {
    if (first) {
      first = false;
      continue;
    }
    let e: Partial<ActionEntry>;
    try {
      e = JSON.parse(line) as Partial<ActionEntry>;
    } catch {
      continue;
    }
    if (typeof e.run !== 'string' || typeof e.action !== 'string') continue;
    if (e.event === 'started') open.set(`${e.run}\n${e.action}`, e as ActionEntry);
    else if (e.event === 'finished') open.delete(`${e.run}\n${e.action}`);
    else if (e.event === 'interrupted' && typeof e.ofRun === 'string')
      open.delete(`${e.ofRun}\n${e.action}`);
  }
  return [...open.values()].filter((s) => s.run !== ownRun && gone(s.pid, s.run, ownRun));
}
