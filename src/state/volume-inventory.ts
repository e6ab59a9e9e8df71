/**
 * The volumes virtwarden created (Flux-style inventory): only these may ever be deleted, and only
 * with --allow-data-loss once no mapping uses them. Keyed `site/pool/name` → guest, in the state
 * directory's volumes.json; a volume missing from it is never deleted. Thin wrappers over
 * `openStateDir` for the callers not yet switched to it.
 */
import type { Action } from '../model/plan.js';
import { cachedStateDir } from './state-dir.js';

export async function readVolumeInventory(dir: string): Promise<Map<string, string>> {
  return new Map(await cachedStateDir(dir).volumes());
}

/** Record the outcome of volume actions that succeeded. */
export function recordVolumeActions(dir: string, done: readonly Action[]): Promise<void> {
  return cachedStateDir(dir).recordVolumeActions(done);
}
