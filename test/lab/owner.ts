/**
 * Who owns a lab or a port block: the pid plus its start time, so that a reused pid is not
 * mistaken for the original owner when stale labs are swept.
 */
import { readProcess } from './proc.js';

/** Stamp naming the current process, e.g. `12345 987654`. */
export function ownerStamp(): string {
  return `${String(process.pid)} ${readProcess(process.pid)?.startTime ?? '?'}`;
}

/** True if the process named by a stamp still runs (a malformed stamp counts as dead). */
export function ownerIsAlive(stamp: string): boolean {
  const [pid, startTime] = stamp.trim().split(' ');
  if (pid === undefined || !/^\d+$/.test(pid)) return false;
  const info = readProcess(Number(pid));
  return info !== undefined && info.state !== 'Z' && info.startTime === startTime;
}
