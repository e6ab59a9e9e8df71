/**
 * Reading the tiny guest's serial log: "booted" once per boot, then "uptime Ns" every second.
 * The log is appended to across boots and hosts (one file per guest name), so the last counter
 * and the number of banners tell a migrated guest (counter continues, one banner) from a
 * rebooted one (counter restarts, two banners).
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabError, LabErrorCode } from './errors.js';

async function readLog(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** The last complete `uptime Ns` line's N, or undefined. */
export async function lastUptime(file: string): Promise<number | undefined> {
  const log = await readLog(file);
  let last: number | undefined;
  for (const match of log.matchAll(/^uptime (\d+)s\r?$/gm)) last = Number(match[1]);
  return last;
}

/** How many boot banners the log holds. */
export async function countBoots(file: string): Promise<number> {
  const log = await readLog(file);
  return [...log.matchAll(/^booted\r?$/gm)].length;
}

/** Poll until the counter reaches n; LAB_TIMEOUT (with the log's tail) otherwise. */
export async function waitUptime(file: string, n: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const uptime = await lastUptime(file);
    if (uptime !== undefined && uptime >= n) return uptime;
    if (Date.now() > deadline) {
      const tail = (await readLog(file)).trimEnd().split('\n').slice(-5).join('\n');
      throw new LabError(
        LabErrorCode.Timeout,
        `guest uptime did not reach ${String(n)}s within ${String(timeoutMs)} ms (last ${String(uptime)}); ${file} ends with:\n${tail}`,
      );
    }
    await sleep(100);
  }
}
