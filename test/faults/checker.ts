/**
 * The invariant checker's continuous part: every ~100 ms it takes the census of every host's
 * QEMUs and judges what it sees; it also judges every fence call when it happens and watches
 * the fencing records. (Recovery, drift and the journal are judged at the end of each trial:
 * trial-checks.ts.)
 *
 * - A guest never runs on two hosts, except the two ends of one migration: exactly two copies,
 *   the younger started with `-incoming`, for at most `BOUNDS.migrationOverlapMs`.
 * - A guest desired stopped never runs.
 * - A fence is judged against what the host was really doing (the board): a restarting
 *   libvirtd whose guests ran, a host not yet unreachable for the grace, a host that answers.
 * - A fencing record ends with its loss: once its host has been up, and a watch running, for
 *   `BOUNDS.fencingRecordMs`, the record must be gone.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Census, QemuCopy } from './census.js';
import { BOUNDS } from './bounds.js';
import type { HostBoard } from './host-board.js';
import { judgeFence } from './fence-judge.js';
import type { FenceCall, PowerDesk } from './power-desk.js';
import type { ViolationLog } from './violations.js';
import type { WatchRunner } from './watch-runner.js';

interface DualEpisode {
  readonly since: number;
  reported: boolean;
  pids: string;
}

export interface CheckerOptions {
  readonly census: Census;
  readonly board: HostBoard;
  readonly desk: PowerDesk;
  readonly watch: WatchRunner;
  readonly violations: ViolationLog;
  readonly stateDir: string;
  readonly serialLog: (guest: string) => string;
  readonly runningGuests: readonly string[];
  readonly stoppedGuests: readonly string[];
  readonly graceSeconds: number;
}

export class Checker {
  readonly #o: CheckerOptions;
  #timer: NodeJS.Timeout | undefined;
  #latest: QemuCopy[] = [];
  #swept = new Map<number, QemuCopy>();
  #ticks = 0;
  readonly #duals = new Map<string, DualEpisode>();
  readonly #stoppedRan = new Set<string>();
  #fencesJudged = 0;
  readonly #recordsReported = new Set<string>();
  #recordsMtime = -1;
  #records: { host: string; confirmedAt: string }[] = [];
  readonly #serialSize = new Map<string, { size: number; grewAt: number }>();
  /** Per guest: the pid of its one copy and since when it has been the only one. */
  readonly #single = new Map<string, { pid: number; since: number }>();
  /** Guests with no QEMU anywhere since (outages are measured once `trackOutages` is on). */
  readonly #down = new Map<string, number>();
  trackOutages = false;
  /** Every outage of a guest desired running that ended: how long it had no QEMU at all. */
  readonly outages: { readonly guest: string; readonly ms: number; readonly endedAt: number }[] =
    [];
  /** Longest two-copy episode seen that was allowed (one migration), in ms. */
  longestMigrationOverlapMs = 0;
  polls = 0;
  pollCostMs = 0;
  /** The checker's own failures (a bug of the suite, reported as such, never swallowed). */
  readonly errors: string[] = [];

  constructor(o: CheckerOptions) {
    this.#o = o;
  }

  start(): void {
    this.#timer = setInterval(() => {
      const t0 = performance.now();
      try {
        this.tick();
      } catch (err) {
        if (this.errors.length < 20) this.errors.push(`checker: ${String(err)}`);
      }
      this.pollCostMs += performance.now() - t0;
      this.polls++;
    }, BOUNDS.pollMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Where each guest runs now (the last census). */
  copiesOf(guest: string): QemuCopy[] {
    return this.#latest.filter((c) => c.guest === guest);
  }

  copiesOn(host: string): QemuCopy[] {
    return this.#latest.filter((c) => c.host === host);
  }

  /** True when the guest runs exactly once and its serial log grew recently. */
  runsOnce(guest: string, now = Date.now()): boolean {
    const grew = this.#serialSize.get(guest)?.grewAt ?? 0;
    return this.copiesOf(guest).length === 1 && now - grew <= BOUNDS.executingWindowMs;
  }

  /** Since when the guest has run as this one copy (undefined unless it runs exactly once). */
  stableSince(guest: string): number | undefined {
    return this.#single.get(guest)?.since;
  }

  get fencingRecords(): readonly { host: string; confirmedAt: string }[] {
    return this.#records;
  }

  tick(now = Date.now()): void {
    const fromPidFiles = this.#o.census.copies();
    if (this.#ticks++ % 20 === 0) this.#sweep(fromPidFiles);
    const known = new Set(fromPidFiles.map((c) => c.pid));
    const extra = [...this.#swept.values()].filter((c) => !known.has(c.pid) && alive(c.pid));
    this.#latest = [...fromPidFiles, ...extra];
    this.#judgeCopies(now);
    this.#readSerials(now);
    this.#judgeFences();
    if (this.#ticks % 5 === 0) this.#judgeRecords(now);
  }

  #sweep(fromPidFiles: readonly QemuCopy[]): void {
    const known = new Set(fromPidFiles.map((c) => c.pid));
    this.#swept = new Map();
    for (const c of this.#o.census.sweep()) {
      if (known.has(c.pid)) continue;
      this.#swept.set(c.pid, c);
    }
  }

  #judgeCopies(now: number): void {
    const byGuest = new Map<string, QemuCopy[]>();
    for (const c of this.#latest) byGuest.set(c.guest, [...(byGuest.get(c.guest) ?? []), c]);
    for (const g of this.#o.stoppedGuests) {
      const copies = byGuest.get(g) ?? [];
      if (copies.length > 0 && !this.#stoppedRan.has(g)) {
        this.#stoppedRan.add(g);
        this.#o.violations.add({
          kind: 'stopped-guest-ran',
          guest: g,
          host: copies.map((c) => c.host).join(','),
          detail: `${g} is desired stopped but runs on ${describe(copies)}`,
        });
      }
      if (copies.length === 0) this.#stoppedRan.delete(g);
    }
    for (const g of this.#o.runningGuests) {
      const copies = (byGuest.get(g) ?? []).sort((a, b) => a.startTicks - b.startTicks);
      this.#trackOutage(g, copies.length, now);
      const only = copies.length === 1 ? copies[0] : undefined;
      if (only === undefined) this.#single.delete(g);
      else if (this.#single.get(g)?.pid !== only.pid)
        this.#single.set(g, { pid: only.pid, since: now });
      const hosts = new Set(copies.map((c) => c.host));
      let ep = this.#duals.get(g);
      if (hosts.size < 2) {
        if (ep !== undefined && !ep.reported)
          this.longestMigrationOverlapMs = Math.max(this.longestMigrationOverlapMs, now - ep.since);
        this.#duals.delete(g);
        continue;
      }
      const pids = copies.map((c) => `${c.host}:${String(c.pid)}`).join(',');
      if (ep === undefined) {
        ep = { since: now, reported: false, pids };
        this.#duals.set(g, ep);
      }
      const younger = copies.at(-1);
      const oneMigration = copies.length === 2 && younger?.incoming === true;
      const tooLong = now - ep.since > BOUNDS.migrationOverlapMs;
      if (ep.pids !== pids && !oneMigration) ep.reported = false; // a new pair: judge again
      ep.pids = pids;
      if (ep.reported || (oneMigration && !tooLong)) continue;
      ep.reported = true;
      this.#o.violations.add({
        kind: 'double-run',
        guest: g,
        host: [...hosts].join(','),
        at: ep.since,
        detail: oneMigration
          ? `${g} has run on two hosts for more than ${String(BOUNDS.migrationOverlapMs / 1000)} s (${describe(copies)}): no migration takes that long`
          : `${g} runs on ${String(hosts.size)} hosts at once: ${describe(copies)}${younger?.incoming === true ? '' : ' (the younger copy was not started as a migration destination)'}`,
      });
    }
  }

  #trackOutage(guest: string, copies: number, now: number): void {
    const since = this.#down.get(guest);
    if (copies === 0 && since === undefined && this.trackOutages) this.#down.set(guest, now);
    if (copies > 0 && since !== undefined) {
      this.#down.delete(guest);
      this.outages.push({ guest, ms: now - since, endedAt: now });
    }
  }

  #readSerials(now: number): void {
    for (const g of this.#o.runningGuests) {
      let size = 0;
      try {
        size = statSync(this.#o.serialLog(g)).size;
      } catch {
        /* not booted yet */
      }
      const seen = this.#serialSize.get(g);
      // The first look is a baseline: a guest executes once its log has grown since.
      if (seen === undefined) this.#serialSize.set(g, { size, grewAt: 0 });
      else if (size !== seen.size) this.#serialSize.set(g, { size, grewAt: now });
    }
  }

  #judgeFences(): void {
    const calls = this.#o.desk.calls;
    for (; this.#fencesJudged < calls.length; this.#fencesJudged++) {
      const call = calls[this.#fencesJudged];
      if (call !== undefined) this.#judgeFence(call);
    }
  }

  #judgeFence(call: FenceCall): void {
    const breach = judgeFence(call, this.#o.graceSeconds);
    if (breach !== undefined) this.#o.violations.add({ ...breach, host: call.host, at: call.at });
  }

  #judgeRecords(now: number): void {
    const file = path.join(this.#o.stateDir, 'fencing.json');
    let mtime: number;
    try {
      mtime = statSync(file).mtimeMs;
    } catch {
      this.#records = [];
      return;
    }
    if (mtime !== this.#recordsMtime) {
      try {
        const doc = JSON.parse(readFileSync(file, 'utf8')) as {
          hosts?: { host: string; confirmedAt: string }[];
        };
        this.#records = doc.hosts ?? [];
        this.#recordsMtime = mtime;
      } catch {
        return; // half-written: read it again next time
      }
    }
    const watchSince = this.#o.watch.running
      ? this.#o.watch.incarnations.at(-1)?.startedAt
      : undefined;
    for (const r of this.#records) {
      const key = `${r.host}@${r.confirmedAt}`;
      if (this.#recordsReported.has(key)) continue;
      const up = this.#o.board.upSince(r.host);
      if (up === undefined || watchSince === undefined) continue;
      const since = Math.max(up, watchSince, Date.parse(r.confirmedAt) || 0);
      if (now - since <= BOUNDS.fencingRecordMs) continue;
      this.#recordsReported.add(key);
      this.#o.violations.add({
        kind: 'fencing-record-outlived',
        host: r.host,
        detail: `the fencing record of ${r.host} (${r.confirmedAt}) is still there ${((now - up) / 1000).toFixed(0)} s after the host came back (a watch running for ${((now - watchSince) / 1000).toFixed(0)} s): the next time ${r.host} stops answering, its guests may start elsewhere unfenced`,
      });
    }
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function describe(copies: readonly QemuCopy[]): string {
  return copies
    .map((c) => `${c.host} (pid ${String(c.pid)}${c.incoming ? ', -incoming' : ''})`)
    .join(' and ');
}
