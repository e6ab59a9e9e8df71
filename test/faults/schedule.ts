/**
 * The fault schedule of a trial: a pure function of (seed, trial, length). Every fault's kind,
 * time, target and parameters are drawn here, before anything runs, so the same seed always
 * plans the same sequence; what a fault finds when its time comes (where a guest runs, whether
 * its host is busy) only decides whether it is carried out or skipped, and the log says which.
 */
import { FENCED_HOSTS, HOSTS, RUNNING_GUESTS } from './fleet.js';
import { Prng } from './prng.js';

export type FaultPlan =
  | { readonly kind: 'kill-qemu'; readonly guest: string }
  | { readonly kind: 'freeze'; readonly host: string; readonly seconds: number }
  | { readonly kind: 'libvirtd-restart'; readonly host: string; readonly downSeconds: number }
  | {
      readonly kind: 'host-crash';
      readonly host: string;
      readonly offSeconds: number;
      readonly reboot: boolean;
      /** Hosts without a fence command: the operator confirms after this long. */
      readonly confirmAfterSeconds: number;
    }
  | { readonly kind: 'operator-migrate'; readonly guest: string; readonly pick: number }
  | { readonly kind: 'hand-edit'; readonly guest: string; readonly memoryMiB: number }
  | { readonly kind: 'watch-kill'; readonly downSeconds: number }
  | {
      readonly kind: 'return-while-watch-down';
      readonly host: string;
      readonly downSeconds: number;
      readonly reboot: boolean;
    }
  | {
      readonly kind: 'placement-edit-unreachable';
      readonly host: string;
      readonly via: 'freeze' | 'libvirtd-stop';
      readonly seconds: number;
      /** Which of the guests found on the host (by name order). */
      readonly pick: number;
      /** The new placement: this order, without the unreachable host, first `keep` hosts. */
      readonly order: readonly string[];
      readonly keep: number;
    }
  | {
      readonly kind: 'concurrent-apply';
      readonly lockTimeouts: readonly number[];
      /** SIGKILL watch first: the applies race each other for its stale lock. */
      readonly watchDown: boolean;
    };

export type FaultKind = FaultPlan['kind'];

export interface ScheduledFault {
  readonly id: number;
  readonly trial: number;
  /** Offset from the start of the trial's faults. */
  readonly atMs: number;
  readonly plan: FaultPlan;
}

/** Relative frequency of each kind. */
export const FAULT_WEIGHTS: Readonly<Record<FaultKind, number>> = {
  'kill-qemu': 3,
  freeze: 2,
  'libvirtd-restart': 2,
  'host-crash': 1.5,
  'operator-migrate': 1.5,
  'hand-edit': 1,
  'watch-kill': 1,
  'return-while-watch-down': 0.7,
  'placement-edit-unreachable': 1.2,
  'concurrent-apply': 1,
};

const round1 = (x: number): number => Math.round(x * 10) / 10;

function planOne(r: Prng, kind: FaultKind): FaultPlan {
  switch (kind) {
    case 'kill-qemu':
      return { kind, guest: r.pick(RUNNING_GUESTS) };
    case 'freeze':
      return { kind, host: r.pick(HOSTS), seconds: round1(r.uniform(2, 15)) };
    case 'libvirtd-restart':
      return { kind, host: r.pick(HOSTS), downSeconds: round1(r.uniform(1, 4)) };
    case 'host-crash':
      return {
        kind,
        host: r.pick(HOSTS),
        offSeconds: round1(r.uniform(10, 30)),
        reboot: r.chance(0.5),
        confirmAfterSeconds: round1(r.uniform(3, 8)),
      };
    case 'operator-migrate':
      return { kind, guest: r.pick(RUNNING_GUESTS), pick: r.int(0, 5) };
    case 'hand-edit':
      return { kind, guest: r.pick(RUNNING_GUESTS), memoryMiB: r.pick([48, 64]) };
    case 'watch-kill':
      return { kind, downSeconds: round1(r.uniform(1, 8)) };
    case 'return-while-watch-down':
      return {
        kind,
        host: r.pick(FENCED_HOSTS),
        downSeconds: round1(r.uniform(2, 6)),
        reboot: r.chance(0.5),
      };
    case 'placement-edit-unreachable':
      return {
        kind,
        host: r.pick(HOSTS),
        via: r.chance(0.6) ? 'freeze' : 'libvirtd-stop',
        seconds: round1(r.uniform(6, 15)),
        pick: r.int(0, 5),
        order: r.shuffle(HOSTS),
        keep: r.int(1, 2),
      };
    case 'concurrent-apply':
      return {
        kind,
        lockTimeouts: Array.from({ length: r.int(2, 3) }, () => r.int(0, 10)),
        watchDown: r.chance(0.4),
      };
  }
}

/** Parse FAULTS_KINDS (`kill-qemu,freeze`): the kinds a round may plan; all when unset. */
export function parseKinds(text: string | undefined): readonly FaultKind[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const all = Object.keys(FAULT_WEIGHTS) as FaultKind[];
  const kinds = text.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !(all as string[]).includes(k));
  if (unknown.length > 0)
    throw new Error(
      `FAULTS_KINDS: unknown kind(s) ${unknown.join(', ')}; known: ${all.join(', ')}`,
    );
  return kinds as FaultKind[];
}

/**
 * The faults of trial `trial` (1-based), over `seconds` seconds, ids from `firstId`; only
 * `kinds` when given (another list of kinds plans another sequence).
 */
export function planTrial(
  seed: number,
  trial: number,
  seconds: number,
  firstId: number,
  kinds?: readonly FaultKind[],
): ScheduledFault[] {
  const r = Prng.derive(seed, `trial-${String(trial)}`);
  const weights =
    kinds === undefined
      ? FAULT_WEIGHTS
      : (Object.fromEntries(kinds.map((k) => [k, FAULT_WEIGHTS[k]])) as Record<FaultKind, number>);
  const out: ScheduledFault[] = [];
  for (let t = r.uniform(0.5, 2); t < seconds; t += r.uniform(1, 5)) {
    const kind = r.weighted(weights);
    out.push({
      id: firstId + out.length,
      trial,
      atMs: Math.round(t * 1000),
      plan: planOne(r, kind),
    });
  }
  return out;
}

/** One line for the log: `kill-qemu db1`, `freeze h2 7.3s`, … */
export function describePlan(p: FaultPlan): string {
  switch (p.kind) {
    case 'kill-qemu':
      return `kill-qemu ${p.guest}`;
    case 'freeze':
      return `freeze ${p.host} ${String(p.seconds)}s`;
    case 'libvirtd-restart':
      return `libvirtd-restart ${p.host} down ${String(p.downSeconds)}s`;
    case 'host-crash':
      return `host-crash ${p.host} off ${String(p.offSeconds)}s${p.reboot ? ' reboot' : ''}`;
    case 'operator-migrate':
      return `operator-migrate ${p.guest}`;
    case 'hand-edit':
      return `hand-edit ${p.guest} memory ${String(p.memoryMiB)} MiB`;
    case 'watch-kill':
      return `watch-kill down ${String(p.downSeconds)}s`;
    case 'return-while-watch-down':
      return `return-while-watch-down ${p.host} watch down ${String(p.downSeconds)}s`;
    case 'placement-edit-unreachable':
      return `placement-edit-unreachable ${p.host} (${p.via} ${String(p.seconds)}s)`;
    case 'concurrent-apply':
      return `concurrent-apply ×${String(p.lockTimeouts.length)} lock-timeouts ${p.lockTimeouts.join('/')}s${p.watchDown ? ' (watch killed first)' : ''}`;
  }
}
