/** What a fault may touch, and the shape of a fault ready to run. */
import type { Lab } from '../lab/index.js';
import type { Checker } from './checker.js';
import type { HostBoard } from './host-board.js';
import type { ManifestFiles } from './manifests.js';
import type { ViolationLog } from './violations.js';
import type { WatchRunner } from './watch-runner.js';

/** A hand edit of a definition, for the drift check at the end of the trial. */
export interface HandEdit {
  readonly guest: string;
  readonly host: string;
  readonly memoryMiB: number;
  readonly at: number;
}

export interface FaultContext {
  readonly lab: Lab;
  readonly board: HostBoard;
  readonly checker: Checker;
  readonly watch: WatchRunner;
  readonly manifests: ManifestFiles;
  readonly violations: ViolationLog;
  readonly stateDir: string;
  readonly handEdits: HandEdit[];
  /** Sleep that ends early (resolving) once the round is being torn down. */
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * A fault whose preconditions hold now: the reservations it needs (`host:h1`, `guest:db1`,
 * `watch`) and the work; `run` resolves with a short note for the log.
 */
export interface ReadyFault {
  readonly keys: readonly string[];
  readonly run: () => Promise<string>;
}

/** Either ready, or why it cannot run now (`busy` faults are retried, others skipped). */
export type Prepared = ReadyFault | { readonly skip: string; readonly busy?: boolean };
