/**
 * The controller's durable state, behind one small interface: everything `watch` and `apply`
 * must not forget across a restart, and that a second management host must see (a distributed
 * store implements the same interface next). The default implementation is a state directory
 * on the management host (`openStateDir`, docs/state.md): every write atomic (temporary file,
 * fsync, rename, fsync of the folder), read-modify-writes serialized within the process and
 * across processes, nothing lost when a writer is killed half-way.
 *
 * What is kept:
 * - per guest: the failure history and whereabouts (`GuestHistory`: restarts, failovers, the
 *   host it last ran on and the hosts holding its definition, FAULTED, failed migrations);
 * - fencing records: hosts known to be powered off, each valid only for the loss it answered
 *   (any observation of the host up, taken after the confirmation, ends it);
 * - drains: hosts an operator put into maintenance with `virtwarden drain`;
 * - host health: when each host's last outage began and when it was first seen up after it
 *   (failback waits for stability);
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
  /** The OS user who confirmed (operator confirmations). */
  readonly user?: string;
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
  /** ms since epoch: first seen up after its last outage (absent: down now, or never seen down). */
  readonly upSince?: number;
  /** ms since epoch: when its last outage began, i.e. first seen unreachable (absent: never). */
  readonly lastDownAt?: number;
}

/** One host as one observation saw it: `up` when it answered (libvirtd, or the engine says up). */
export interface HostSighting {
  readonly host: string;
  readonly up: boolean;
}

export interface HostObservationResult {
  /** Fencing records this observation ended: their host was seen up after the confirmation. */
  readonly fencingEnded: readonly FenceRecord[];
}

export interface HistoryClearResult {
  /** The history before the clear (absent: there was none). */
  readonly before?: GuestHistory;
  /** What is kept: the whereabouts (last host, hosts holding the definition), no failures. */
  readonly after: GuestHistory;
}

export interface ControllerState {
  /** For messages: e.g. `state directory /var/lib/virtwarden`. */
  readonly where: string;

  /** Every guest's history, by manifest name (read in full: at start-up, by `status`). */
  histories(): Promise<ReadonlyMap<string, GuestHistory>>;
  /** One guest's history (cheap: a reconcile of one guest reads only its own). */
  history(guest: string): Promise<GuestHistory | undefined>;
  /**
   * Replace one guest's history; `undefined` forgets it (the guest left the manifests).
   * Failures dated at or before the guest's last `clearHistory` are dropped, so a writer holding
   * an older copy in memory cannot undo an operator's clear; resolves with what was stored.
   */
  saveHistory(guest: string, history: GuestHistory | undefined): Promise<GuestHistory | undefined>;
  /**
   * `virtwarden clear GUEST`: forget the failures (restarts, failovers, FAULTED, failed
   * migrations) up to `at`, keep the whereabouts (a clear never makes a host that may hold the
   * guest look empty).
   */
  clearHistory(guest: string, at: number): Promise<HistoryClearResult>;

  fencing(): Promise<ReadonlyMap<string, FenceRecord>>;
  recordFenced(record: FenceRecord): Promise<void>;
  /** Resolves true when a record was removed. */
  clearFenced(host: string): Promise<boolean>;

  drains(): Promise<ReadonlyMap<string, DrainRecord>>;
  /** Resolves with the record in force: an existing drain is kept as it is. */
  setDrain(record: DrainRecord): Promise<DrainRecord>;
  /** Resolves with the removed record (absent: the host was not drained). */
  clearDrain(host: string): Promise<DrainRecord | undefined>;

  hostHealth(): Promise<ReadonlyMap<string, HostHealth>>;
  /**
   * Record what an observation taken at `at` (ms since epoch, when it started) saw: only
   * transitions (up ↔ down) are written, and every fencing record confirmed before `at` of a
   * host seen up is ended (the loss it answered is over). Call it after every observation.
   */
  observedHosts(seen: readonly HostSighting[], at: number): Promise<HostObservationResult>;

  /** `site/pool/name` → the guest it was created for. */
  volumes(): Promise<ReadonlyMap<string, string>>;
  /** Record the volume actions (create-volume, delete-volume) that succeeded. */
  recordVolumeActions(done: readonly Action[]): Promise<void>;

  /** The controller lock: only one virtwarden acts at a time. */
  lock(command: string, timeoutMs: number): Promise<HeldLock>;
  /** A journal for one run (`run` is the run's id). */
  journal(run: string): Journal;
}
