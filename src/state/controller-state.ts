/**
 * The controller's durable state, behind one small interface: everything `watch` and `apply`
 * must not forget across a restart, and that a second management host must see (a distributed
 * store implements the same interface next). The default implementation is a state directory
 * on the management host (`openStateDir`): every write atomic (temporary file, fsync, rename),
 * read-modify-writes serialized within the process and across processes, nothing lost when a
 * writer is killed half-way.
 *
 * What is kept:
 * - per guest: the failure history and whereabouts (`GuestHistory`: restarts, failovers, the
 *   host it last ran on and the hosts holding its definition, FAULTED, failed migrations);
 * - fencing records: hosts known to be powered off, each valid only for the loss it answered;
 * - drains: hosts an operator put into maintenance with `virtwarden drain`;
 * - host health: when each host was last seen come back up (failback waits for stability);
 * - the volume inventory: volumes virtwarden created (the only ones it may ever delete);
 * - the controller lock and the journal.
 */
import type { GuestHistory } from '../model/history.js';
import type { Action } from '../model/plan.js';
import type { Journal } from './journal.js';
import type { HeldLock } from './lock.js';

export interface FenceRecord {
  readonly host: string;
  /** ISO time of the confirmation. */
  readonly confirmedAt: string;
  /** `operator` (`virtwarden fence confirm`) or `fence-command` (the host's fence agent). */
  readonly by: 'operator' | 'fence-command';
  /** The operator's `--note`, or what the fence agent reported (never its output). */
  readonly note?: string;
}

export interface DrainRecord {
  readonly host: string;
  /** ISO time. */
  readonly since: string;
  /** Who asked: the OS user running `virtwarden drain`, or `manifest`. */
  readonly by: string;
  readonly note?: string;
}

export interface HostHealth {
  readonly host: string;
  /** ms since epoch: first seen up after its last outage (absent: never seen down). */
  readonly upSince?: number;
  /** ms since epoch: when it was last seen unreachable (absent: never). */
  readonly lastDownAt?: number;
}

export interface ControllerState {
  /** For messages: e.g. `state directory /var/lib/virtwarden`. */
  readonly where: string;

  /** Every guest's history, by manifest name. */
  histories(): Promise<ReadonlyMap<string, GuestHistory>>;
  /** Replace one guest's history; `undefined` forgets it (`virtwarden clear GUEST`). */
  saveHistory(guest: string, history: GuestHistory | undefined): Promise<void>;

  fencing(): Promise<ReadonlyMap<string, FenceRecord>>;
  recordFenced(record: FenceRecord): Promise<void>;
  /** Resolves true when a record was removed. */
  clearFenced(host: string): Promise<boolean>;

  drains(): Promise<ReadonlyMap<string, DrainRecord>>;
  setDrain(record: DrainRecord): Promise<void>;
  clearDrain(host: string): Promise<boolean>;

  hostHealth(): Promise<ReadonlyMap<string, HostHealth>>;
  /** Record what an observation saw; only transitions (up ↔ down) are written. */
  observedHosts(
    seen: readonly { readonly host: string; readonly up: boolean }[],
    at: number,
  ): Promise<void>;

  /** `site/pool/name` → the guest it was created for. */
  volumes(): Promise<ReadonlyMap<string, string>>;
  /** Record the volume actions (create-volume, delete-volume) that succeeded. */
  recordVolumeActions(done: readonly Action[]): Promise<void>;

  /** The controller lock: only one virtwarden acts at a time. */
  lock(command: string, timeoutMs: number): Promise<HeldLock>;
  /** A journal for one run (`run` is the run's id). */
  journal(run: string): Journal;
}
