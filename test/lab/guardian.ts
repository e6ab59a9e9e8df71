/**
 * A lab's guardian: a tiny `sh` that outlives the test process to clean up after it. Inside
 * jest, `process.on('exit' | 'SIGTERM')` hooks never fire (jest gives each test file a copy of
 * `process`), and nothing at all runs in a SIGKILLed process. The guardian reads its stdin, a
 * pipe from the owner: the owner writes `done` after destroy(); when the owner dies instead, the
 * pipe reaches EOF and the guardian detaches the lab's loop devices and removes its folder. The
 * reapers kill the daemons and guests on the same event (parent-death signal).
 */
import { spawn } from 'node:child_process';
import { Socket } from 'node:net';

const GUARD_SCRIPT = [
  'read -r verdict', // a line from the owner, or EOF when it dies
  '[ "$verdict" = done ] && exit 0',
  'sleep 1', // the reapers kill the daemons and guests on the same event: let them finish
  'for f in /sys/block/loop*/loop/backing_file; do',
  '  [ -r "$f" ] || continue',
  '  case "$(cat "$f")" in "$1"/*) d=${f#/sys/block/}; losetup -d "/dev/${d%%/*}" ;; esac',
  'done',
  'rm -rf "$1"',
].join('\n');

/** A running guardian. */
export interface Guardian {
  readonly pid: number | undefined;
  /** The owner cleaned up itself: the guardian exits without touching anything. */
  release(): void;
  /** Close the pipe without `done`, exactly what the owner's death does (for tests). */
  orphan(): void;
}

/** Start the guardian of the lab in `dir`. */
export function startGuardian(dir: string): Guardian {
  // detached: its own session, so a Ctrl-C aimed at the test run does not stop it early.
  const child = spawn('sh', ['-c', GUARD_SCRIPT, 'virtwarden-lab-guardian', dir], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.on('error', () => undefined); // sh missing: the sweep in the next startLab still works
  child.stdin.on('error', () => undefined); // EPIPE if it died: nothing left to tell it
  if (child.stdin instanceof Socket) child.stdin.unref(); // our exit must not wait for it
  child.unref();
  return {
    pid: child.pid,
    release: () => {
      child.stdin.end('done\n');
    },
    orphan: () => {
      child.stdin.end();
    },
  };
}
