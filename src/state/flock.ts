/**
 * flock(2) through the tiny `virtwarden_flock` addon (native/src/flock.cc; it does not link
 * libvirt). A kernel lock belongs to an open file description: it is released when its holder
 * closes the file or dies, whatever the death (SIGKILL included), so there is never a stale
 * lock to detect or remove. Node opens files with O_CLOEXEC, so hooks a holder spawns do not
 * inherit (and keep alive) its lock.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TerminalError } from '../common/errors.js';

interface FlockAddon {
  tryLock(fd: number): boolean;
  unlock(fd: number): void;
}

// src/state (jest) and dist/state (built) are both two levels below the package root.
const ADDON_PATH = fileURLToPath(
  new URL('../../native/build/Release/virtwarden_flock.node', import.meta.url),
);

let loaded: FlockAddon | undefined;

function addon(): FlockAddon {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)(ADDON_PATH) as FlockAddon;
  } catch (err) {
    throw new TerminalError(
      'flock-addon-missing',
      `cannot load the native lock helper ${ADDON_PATH}: ${(err as Error).message}. ` +
        'Build it with `npm run install` (node-gyp rebuild --directory=native).',
      { cause: err },
    );
  }
  return loaded;
}

/** LOCK_EX|LOCK_NB: true when taken, false when another open file holds it. */
export function tryLockFd(fd: number): boolean {
  return addon().tryLock(fd);
}

export function unlockFd(fd: number): void {
  addon().unlock(fd);
}
