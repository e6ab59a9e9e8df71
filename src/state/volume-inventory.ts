/**
 * The volumes virtwarden created (Flux-style inventory): only these may ever be deleted, and only
 * with --allow-data-loss once no mapping uses them. Keyed `site/pool/name` → guest. Kept in the
 * state directory of the management host; a volume missing from it is never deleted.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Action } from '../model/plan.js';

const file = (dir: string): string => path.join(dir, 'volumes.json');

export async function readVolumeInventory(dir: string): Promise<Map<string, string>> {
  try {
    const doc = JSON.parse(await readFile(file(dir), 'utf8')) as {
      volumes?: Record<string, string>;
    };
    return new Map(Object.entries(doc.volumes ?? {}));
  } catch {
    return new Map();
  }
}

/** Record the outcome of volume actions that succeeded. */
export async function recordVolumeActions(dir: string, done: readonly Action[]): Promise<void> {
  const changes = done.filter(
    (a) => (a.kind === 'create-volume' || a.kind === 'delete-volume') && a.disk?.volume,
  );
  if (changes.length === 0) return;
  const inventory = await readVolumeInventory(dir);
  for (const a of changes) {
    const v = a.disk?.volume;
    if (!v) continue;
    const key = `${a.site}/${v.pool}/${v.name}`;
    if (a.kind === 'create-volume') inventory.set(key, a.guest);
    else inventory.delete(key);
  }
  await mkdir(dir, { recursive: true });
  const tmp = `${file(dir)}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ volumes: Object.fromEntries(inventory) }, null, 2) + '\n');
  await rename(tmp, file(dir));
}
