/**
 * Fencing confirmations: hosts known to be powered off, so the guests they ran may be started
 * elsewhere. Written by a successful fence command or by an operator's
 * `virtwarden fence confirm HOST`; each valid only for the loss it answered (see
 * `ControllerState.observedHosts`). These functions are thin wrappers over the state directory
 * (`openStateDir`) for the callers not yet switched to it.
 */
import type { FenceRecord } from './controller-state.js';
import { cachedStateDir } from './state-dir.js';

export type { FenceRecord } from './controller-state.js';

export async function readFencing(dir: string): Promise<Map<string, FenceRecord>> {
  return new Map(await cachedStateDir(dir).fencing());
}

export function recordFenced(dir: string, record: FenceRecord): Promise<void> {
  return cachedStateDir(dir).recordFenced(record);
}

export function clearFenced(dir: string, host: string): Promise<boolean> {
  return cachedStateDir(dir).clearFenced(host);
}
