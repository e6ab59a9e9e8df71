/**
 * Where virtwarden keeps its local state on a management host: the controller lock, the
 * journal, fencing records, drains, host health, the volume inventory and the guests'
 * histories (docs/state.md). One folder per machine by default, so `apply` and `watch` on the
 * same host share the lock whatever directory they run from.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import type { ControllerState } from './controller-state.js';
import { openStateDir } from './open-state-dir.js';

export { openStateDir, type StateDirOptions, type StateProblem } from './open-state-dir.js';

export function stateDir(env: NodeJS.ProcessEnv, override?: string): string {
  if (override !== undefined && override !== '') return path.resolve(override);
  const fromEnv = env.VIRTWARDEN_STATE_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  if (process.getuid?.() === 0) return '/var/lib/virtwarden';
  const xdg = env.XDG_STATE_HOME;
  const base = xdg !== undefined && xdg !== '' ? xdg : path.join(homedir(), '.local', 'state');
  return path.join(base, 'virtwarden');
}

const cache = new Map<string, ControllerState>();

/**
 * One store per directory for the function-style wrappers (readFencing, recordVolumeActions):
 * a bad file is then reported once, not at every read.
 */
export function cachedStateDir(dir: string): ControllerState {
  const key = path.resolve(dir);
  let store = cache.get(key);
  if (!store) {
    store = openStateDir(key);
    cache.set(key, store);
  }
  return store;
}
