/**
 * Process-table helpers over /proc. Everything here is synchronous on purpose: the lab's
 * last-resort cleanup runs in a process `exit` hook, where nothing asynchronous can run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** One row of the process table. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** Single-letter state from /proc/PID/stat ('Z' = zombie). */
  readonly state: string;
  /** Start time in clock ticks since boot: tells a reused pid from the original process. */
  readonly startTime: string;
}

/** Parse /proc/PID/stat, or undefined when the process is gone. */
export function readProcess(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm (field 2) may hold spaces and parentheses: the other fields follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state, ppid] = fields;
  const startTime = fields[19];
  if (state === undefined || ppid === undefined || startTime === undefined) return undefined;
  return { pid, ppid: Number(ppid), state, startTime };
}

/** The whole process table. */
export function listProcesses(): ProcessInfo[] {
  const rows: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info !== undefined) rows.push(info);
  }
  return rows;
}

/** argv of a process ([] when it is gone or a kernel thread). */
export function readCmdline(pid: number): string[] {
  try {
    const raw = readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8');
    return raw.split('\0').filter((arg) => arg !== '');
  } catch {
    return [];
  }
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const info = readProcess(pid);
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/** Every live descendant of the given processes (not the roots themselves). */
export function descendantsOf(roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const row of listProcesses()) {
    if (row.state === 'Z') continue;
    const list = children.get(row.ppid) ?? [];
    list.push(row.pid);
    children.set(row.ppid, list);
  }
  const found: number[] = [];
  const queue = [...roots];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * Send a signal to each pid, ignoring the ones already gone. Never signals pid ≤ 1 (0 and -1
 * would mean "my process group" and "every process") or this process itself.
 */
export function signalAll(pids: Iterable<number>, signal: NodeJS.Signals): void {
  for (const pid of pids) {
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    try {
      process.kill(pid, signal);
    } catch {
      // gone already (ESRCH): nothing to do
    }
  }
}

/** Wait until none of the pids is alive; false on timeout. */
export async function waitForExit(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!pids.some(isAlive)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}
