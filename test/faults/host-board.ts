/**
 * The truth about each lab host during a round, kept by the test process that injects the
 * faults: up, frozen (libvirtd SIGSTOPped), daemon-down (libvirtd stopped, its guests still
 * running) or off (crashed: libvirtd and every guest dead). Every change goes through here, one
 * lab call at a time per host, and is kept as a timeline of episodes, which the invariant
 * checker reads to judge a fence ("was this host really lost, and for how long?") and a
 * fencing record ("has its host been up long enough that the record should be gone?").
 *
 * Reservations (`tryReserve`) only keep two faults of the nemesis off the same host or guest;
 * fencing by the power desk never waits for them (a power switch does not wait), so a fault
 * that finds its host powered off by a fence leaves it to the desk.
 */
import type { Lab } from '../lab/index.js';

export type HostState = 'up' | 'frozen' | 'daemon-down' | 'off';

export interface Episode {
  readonly host: string;
  readonly kind: 'freeze' | 'daemon-restart' | 'off';
  readonly from: number;
  to?: number;
  /** QEMUs running on the host when it began (for a restart: guests that kept running). */
  readonly guestsRunning: number;
  /** Who caused it: a nemesis fault, or a fence command through the power desk. */
  readonly by: 'nemesis' | 'fence';
}

interface Entry {
  state: HostState;
  offBy: 'nemesis' | 'fence' | undefined;
  /** Since when the host has been up (answering), if it is. */
  upSince: number | undefined;
  episodes: Episode[];
  chain: Promise<unknown>;
}

export class HostBoard {
  readonly #lab: Lab;
  readonly #entries = new Map<string, Entry>();
  readonly #reserved = new Map<string, string>();
  readonly #runningOn: (host: string) => number;
  /** Called after every state change (the desk keeps its power files from it). */
  onChange: (host: string, state: HostState) => void = () => undefined;

  constructor(lab: Lab, runningOn: (host: string) => number, now = Date.now()) {
    this.#lab = lab;
    this.#runningOn = runningOn;
    for (const h of lab.hosts) {
      this.#entries.set(h.name, {
        state: 'up',
        offBy: undefined,
        upSince: now,
        episodes: [],
        chain: Promise.resolve(),
      });
    }
  }

  get hostNames(): string[] {
    return [...this.#entries.keys()];
  }

  #entry(host: string): Entry {
    const e = this.#entries.get(host);
    if (e === undefined) throw new Error(`no host ${host} on the board`);
    return e;
  }

  state(host: string): HostState {
    return this.#entry(host).state;
  }

  offBy(host: string): 'nemesis' | 'fence' | undefined {
    return this.#entry(host).offBy;
  }

  upSince(host: string): number | undefined {
    return this.#entry(host).upSince;
  }

  episodes(host: string): readonly Episode[] {
    return this.#entry(host).episodes;
  }

  /**
   * When the outage that `ep` belongs to began: consecutive episodes whose gaps (the host up)
   * were shorter than `gapMs` are one outage — a host that answered for less than a watcher's
   * reconnect interval could not have been seen back.
   */
  outageFrom(host: string, ep: Episode, gapMs: number): number {
    const eps = this.#entry(host).episodes;
    let i = eps.indexOf(ep);
    if (i < 0) return ep.from;
    for (; i > 0; i--) {
      const before = eps[i - 1];
      const after = eps[i];
      if (before === undefined || after === undefined) break;
      if (after.from - (before.to ?? after.from) >= gapMs) break;
    }
    return eps[i]?.from ?? ep.from;
  }

  /** The episode in progress on the host, if any. */
  current(host: string): Episode | undefined {
    const last = this.#entry(host).episodes.at(-1);
    return last !== undefined && last.to === undefined ? last : undefined;
  }

  /** Run one lab call on a host, after the previous one on the same host has finished. */
  #serial<T>(host: string, fn: (e: Entry) => Promise<T>): Promise<T> {
    const e = this.#entry(host);
    const run = e.chain.then(
      () => fn(e),
      () => fn(e),
    );
    e.chain = run.catch(() => undefined);
    return run;
  }

  #begin(e: Entry, host: string, ep: Omit<Episode, 'host' | 'from'>, state: HostState): void {
    const now = Date.now();
    const open = e.episodes.at(-1);
    if (open !== undefined && open.to === undefined) open.to = now;
    e.episodes.push({ host, from: now, ...ep });
    e.state = state;
    e.upSince = undefined;
    this.onChange(host, state);
  }

  #end(e: Entry, host: string): void {
    const now = Date.now();
    const open = e.episodes.at(-1);
    if (open !== undefined && open.to === undefined) open.to = now;
    e.state = 'up';
    e.offBy = undefined;
    e.upSince = now;
    this.onChange(host, 'up');
  }

  /** SIGSTOP libvirtd; false (nothing done) unless the host is up. */
  freeze(host: string): Promise<boolean> {
    return this.#serial(host, async (e) => {
      if (e.state !== 'up') return false;
      this.#lab.host(host).freeze();
      this.#begin(
        e,
        host,
        { kind: 'freeze', guestsRunning: this.#runningOn(host), by: 'nemesis' },
        'frozen',
      );
      return Promise.resolve(true);
    });
  }

  /** SIGCONT libvirtd; false unless the host is frozen (a fence may have powered it off). */
  thaw(host: string): Promise<boolean> {
    return this.#serial(host, async (e) => {
      if (e.state !== 'frozen') return false;
      this.#lab.host(host).thaw();
      this.#end(e, host);
      return Promise.resolve(true);
    });
  }

  /** Stop libvirtd, guests keep running (the first half of `systemctl restart libvirtd`). */
  stopDaemon(host: string): Promise<boolean> {
    return this.#serial(host, async (e) => {
      if (e.state !== 'up') return false;
      const running = this.#runningOn(host);
      this.#begin(
        e,
        host,
        { kind: 'daemon-restart', guestsRunning: running, by: 'nemesis' },
        'daemon-down',
      );
      await this.#lab.host(host).stop();
      return true;
    });
  }

  /** Start libvirtd again after stopDaemon; false unless the daemon is down (not off). */
  startDaemon(host: string): Promise<boolean> {
    return this.#serial(host, async (e) => {
      if (e.state !== 'daemon-down') return false;
      await this.#lab.host(host).restart();
      this.#end(e, host);
      return true;
    });
  }

  /**
   * Power the host off (`crash()`: libvirtd and every guest killed). From any state; true if
   * it was on.
   */
  powerOff(host: string, by: 'nemesis' | 'fence'): Promise<boolean> {
    return this.#serial(host, async (e) => {
      if (e.state === 'off') return false;
      const running = this.#runningOn(host);
      this.#begin(e, host, { kind: 'off', guestsRunning: running, by }, 'off');
      e.offBy = by;
      await this.#lab.host(host).crash();
      return true;
    });
  }

  /** Power an off host on again (`wipeRun`: a reboot, /run starts empty). */
  powerOn(
    host: string,
    opts: { wipeRun?: boolean; onlyIfOffBy?: 'nemesis' | 'fence' } = {},
  ): Promise<boolean> {
    return this.#serial(host, async (e) => {
      if (e.state !== 'off') return false;
      if (opts.onlyIfOffBy !== undefined && e.offBy !== opts.onlyIfOffBy) return false;
      await this.#lab.host(host).restart(opts.wipeRun === true ? { wipeRun: true } : {});
      this.#end(e, host);
      return true;
    });
  }

  /** Reserve every key (`host:h1`, `guest:db1`, `watch`) for `owner`, or none of them. */
  tryReserve(keys: readonly string[], owner: string): boolean {
    if (keys.some((k) => this.#reserved.has(k))) return false;
    for (const k of keys) this.#reserved.set(k, owner);
    return true;
  }

  release(keys: readonly string[], owner: string): void {
    for (const k of keys) if (this.#reserved.get(k) === owner) this.#reserved.delete(k);
  }

  reservedBy(key: string): string | undefined {
    return this.#reserved.get(key);
  }

  /** Resolves when every lab call queued so far has finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.#entries.values()].map((e) => e.chain));
  }
}
