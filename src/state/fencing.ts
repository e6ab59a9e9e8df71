/**
 * Fencing confirmations: hosts known to be powered off, so the guests they ran may be started
 * elsewhere. Written by a successful fence command or by an operator's
 * `virtwarden fence confirm HOST`; cleared when the host is seen again.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface FenceRecord {
  readonly host: string;
  readonly confirmedAt: string;
  /** `operator` (manual confirmation) or `fence-command`. */
  readonly by: 'operator' | 'fence-command';
  readonly note?: string;
}

function file(dir: string): string {
  return path.join(dir, 'fencing.json');
}

export async function readFencing(dir: string): Promise<Map<string, FenceRecord>> {
  try {
    const doc = JSON.parse(await readFile(file(dir), 'utf8')) as { hosts?: FenceRecord[] };
    return new Map((doc.hosts ?? []).map((r) => [r.host, r]));
  } catch {
    return new Map();
  }
}

async function writeFencing(dir: string, records: ReadonlyMap<string, FenceRecord>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = `${file(dir)}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ hosts: [...records.values()] }, null, 2) + '\n');
  await rename(tmp, file(dir));
}

export async function recordFenced(dir: string, record: FenceRecord): Promise<void> {
  const records = await readFencing(dir);
  records.set(record.host, record);
  await writeFencing(dir, records);
}

export async function clearFenced(dir: string, host: string): Promise<boolean> {
  const records = await readFencing(dir);
  if (!records.delete(host)) return false;
  await writeFencing(dir, records);
  return true;
}
