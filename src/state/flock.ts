/**
 * flock(2) through the tiny `virtwarden_flock` addon (native/src/flock.cc; it does not link
 * libvirt). A kernel lock belongs to an open file description: it is released when its holder
 * closes the file or dies, whatever the death (SIGKILL included), so there is never a stale
 * lock to detect or remove. Node opens files with O_CLOEXEC, so hooks a holder spawns do not
 * inherit (and keep alive) its lock.
 */
import { loadNativeAddon } from '../common/native-addon.js';

interface FlockAddon {
  tryLock(fd: number): boolean;
  unlock(fd: number): void;
}

let loaded: FlockAddon | undefined;

function addon(): FlockAddon {
  loaded ??= loadNativeAddon(
    'virtwarden_flock.node',
    'native lock helper',
    'flock-addon-missing',
  ) as FlockAddon;
  return loaded;
}

/** LOCK_EX|LOCK_NB: true when taken, false when another open file holds it. */
export function tryLockFd(fd: number): boolean {
  return addon().tryLock(fd);
}

export function unlockFd(fd: number): void {
  addon().unlock(fd);
}
