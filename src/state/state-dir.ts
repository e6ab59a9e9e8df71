/**
 * Where virtwarden keeps its local state on a management host: the controller lock, the action
 * journal and the fencing confirmations. One folder per machine by default, so `apply` and
 * `watch` on the same host share the lock whatever directory they run from.
 */
import { homedir } from 'node:os';
import path from 'node:path';

export function stateDir(env: NodeJS.ProcessEnv, override?: string): string {
  if (override !== undefined && override !== '') return path.resolve(override);
  const fromEnv = env.VIRTWARDEN_STATE_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  if (process.getuid?.() === 0) return '/var/lib/virtwarden';
  const xdg = env.XDG_STATE_HOME;
  const base = xdg !== undefined && xdg !== '' ? xdg : path.join(homedir(), '.local', 'state');
  return path.join(base, 'virtwarden');
}
