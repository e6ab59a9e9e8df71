/**
 * The default `ControllerState`: a state directory on the management host (layout, rules and
 * hand repair in docs/state.md).
 *
 *   controller.lock      the controller lock (flock)         lock.ts
 *   journal.jsonl        the journal (append only)           journal.ts
 *   fencing.json         fencing records                     records.ts
 *   drains.json          drained hosts
 *   hosts.json           host health (outage transitions)
 *   volumes.json         the volume inventory
 *   guests/NAME.json     one guest's history                 guest-histories.ts
 *   locks/*.lock         read-modify-write locks (flock; never removed)
 */
import type { GuestHistory } from '../model/history.js';
import type { Action } from '../model/plan.js';
import type {
  ControllerState,
  DrainRecord,
  FenceRecord,
  HistoryClearResult,
  HostHealth,
  HostObservationResult,
  HostSighting,
} from './controller-state.js';
import { GuestHistories } from './guest-histories.js';
import { fencingEnded, healthTransitions } from './host-observations.js';
import { Journal } from './journal.js';
import { acquireLock, type HeldLock } from './lock.js';
import { drainsSpec, fencingSpec, hostHealthSpec, volumesSpec, type Records } from './records.js';
import { StateFile, type ProblemReporter } from './state-file.js';

export type { StateProblem } from './state-file.js';

export interface StateDirOptions {
  /**
   * Told about every state file that cannot be read (once per distinct problem). Default: a
   * process warning (`VIRTWARDEN_STATE_FILE`) on stderr, so a bad file is never silent.
   */
  readonly onProblem?: ProblemReporter;
}

const warn: ProblemReporter = (p) => {
  process.emitWarning(p.message, { code: 'VIRTWARDEN_STATE_FILE' });
};

class StateDir implements ControllerState {
  readonly where: string;
  readonly dir: string;
  private readonly fence: StateFile<Records<FenceRecord>>;
  private readonly drain: StateFile<Records<DrainRecord>>;
  private readonly health: StateFile<Records<HostHealth>>;
  private readonly inventory: StateFile<Records<string>>;
  private readonly guests: GuestHistories;

  constructor(dir: string, report: ProblemReporter) {
    this.dir = dir;
    this.where = `state directory ${dir}`;
    this.fence = new StateFile(fencingSpec(dir), report);
    this.drain = new StateFile(drainsSpec(dir), report);
    this.health = new StateFile(hostHealthSpec(dir), report);
    this.inventory = new StateFile(volumesSpec(dir), report);
    this.guests = new GuestHistories(dir, report);
  }

  histories(): Promise<ReadonlyMap<string, GuestHistory>> {
    return this.guests.all();
  }

  history(guest: string): Promise<GuestHistory | undefined> {
    return this.guests.get(guest);
  }

  saveHistory(guest: string, history: GuestHistory | undefined) {
    return this.guests.save(guest, history);
  }

  clearHistory(guest: string, at: number): Promise<HistoryClearResult> {
    return this.guests.clear(guest, at);
  }

  fencing(): Promise<ReadonlyMap<string, FenceRecord>> {
    return this.fence.read();
  }

  recordFenced(record: FenceRecord): Promise<void> {
    return this.fence.update((records) => {
      records.set(record.host, record);
      return { next: records, result: undefined };
    });
  }

  clearFenced(host: string): Promise<boolean> {
    return this.fence.update((records) => {
      const removed = records.delete(host);
      return removed ? { next: records, result: true } : { result: false };
    });
  }

  drains(): Promise<ReadonlyMap<string, DrainRecord>> {
    return this.drain.read();
  }

  setDrain(record: DrainRecord): Promise<DrainRecord> {
    return this.drain.update((records) => {
      const cur = records.get(record.host);
      if (cur) return { result: cur };
      records.set(record.host, record);
      return { next: records, result: record };
    });
  }

  clearDrain(host: string): Promise<DrainRecord | undefined> {
    return this.drain.update((records) => {
      const cur = records.get(host);
      if (!cur) return { result: undefined };
      records.delete(host);
      return { next: records, result: cur };
    });
  }

  hostHealth(): Promise<ReadonlyMap<string, HostHealth>> {
    return this.health.read();
  }

  async observedHosts(seen: readonly HostSighting[], at: number): Promise<HostObservationResult> {
    // Most observations change nothing: decide without locks, lock only to write.
    const [fencing, health] = await Promise.all([this.fence.read(), this.health.read()]);
    let ended: FenceRecord[] = [];
    if (fencingEnded(fencing, seen, at).length > 0) {
      ended = await this.fence.update((records) => {
        const now = fencingEnded(records, seen, at);
        for (const r of now) records.delete(r.host);
        return now.length > 0 ? { next: records, result: now } : { result: [] };
      });
    }
    if (healthTransitions(health, seen, at).length > 0) {
      await this.health.update((records) => {
        const changes = healthTransitions(records, seen, at);
        for (const c of changes) records.set(c.host, c);
        return changes.length > 0 ? { next: records, result: undefined } : { result: undefined };
      });
    }
    return { fencingEnded: ended };
  }

  volumes(): Promise<ReadonlyMap<string, string>> {
    return this.inventory.read();
  }

  async recordVolumeActions(done: readonly Action[]): Promise<void> {
    const changes = done.filter(
      (a) => (a.kind === 'create-volume' || a.kind === 'delete-volume') && a.disk?.volume,
    );
    if (changes.length === 0) return;
    await this.inventory.update((inventory) => {
      for (const a of changes) {
        const v = a.disk?.volume;
        if (!v) continue;
        const key = `${a.site}/${v.pool}/${v.name}`;
        if (a.kind === 'create-volume') inventory.set(key, a.guest);
        else inventory.delete(key);
      }
      return { next: inventory, result: undefined };
    });
  }

  lock(command: string, timeoutMs: number): Promise<HeldLock> {
    return acquireLock(this.dir, command, timeoutMs);
  }

  journal(run: string): Journal {
    return new Journal(this.dir, run);
  }
}

/** The state directory `dir` (created on the first write). */
export function openStateDir(
  dir: string,
  options: StateDirOptions = {},
): ControllerState & { readonly dir: string } {
  return new StateDir(dir, options.onProblem ?? warn);
}
