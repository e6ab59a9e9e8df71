/** What the invariant checker records: one entry per breach, with when and around which faults. */

export const VIOLATION_KINDS = [
  /** A guest ran on two hosts (outside one bounded migration: a younger `-incoming` copy). */
  'double-run',
  /** A guest desired stopped ran. */
  'stopped-guest-ran',
  /** A host whose libvirtd was restarting (its guests running) was fenced. */
  'fenced-restarted-host',
  /** A host was fenced before it had been unreachable for the site's grace. */
  'fenced-before-grace',
  /** A host that answered was fenced. */
  'fenced-healthy-host',
  /** An operator's `virsh migrate` failed. */
  'operator-migration-aborted',
  /** A guest desired running was not running exactly once within the bound after the faults. */
  'not-recovered',
  /** A fencing record outlived the loss it answered (its host up and observed). */
  'fencing-record-outlived',
  /** A journal `started` with neither `finished` nor an `interrupted` mark. */
  'journal-unfinished',
  /** Actions of two runs (two controller processes) overlapped: the lock let two act at once. */
  'two-controllers-acted',
  /** A hand edit of a definition was still there after the bound. */
  'drift-not-repaired',
  /** `virtwarden watch` exited without being told to. */
  'watch-died',
] as const;

export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export interface Violation {
  /** Milliseconds since the round started. */
  readonly atMs: number;
  readonly trial: number;
  readonly kind: ViolationKind;
  readonly guest?: string;
  readonly host?: string;
  /** What the checker saw, in one or two sentences. */
  detail: string;
  /** The faults in progress or injected shortly before (`#id kind params`). */
  readonly recentFaults: readonly string[];
}

/** The round's violations; `recent` supplies the fault context at the time of each. */
export class ViolationLog {
  readonly list: Violation[] = [];
  /** When the round started (violation times are relative to it). */
  readonly t0: number;
  trial = 0;
  recent: () => string[] = () => [];
  /** Called for each new violation (the round prints it at once). */
  onAdd: (v: Violation) => void = () => undefined;

  constructor(t0: number) {
    this.t0 = t0;
  }

  add(v: Omit<Violation, 'atMs' | 'trial' | 'recentFaults'> & { at?: number }): Violation {
    const { at, ...rest } = v;
    const entry: Violation = {
      ...rest,
      atMs: (at ?? Date.now()) - this.t0,
      trial: this.trial,
      recentFaults: this.recent(),
    };
    this.list.push(entry);
    this.onAdd(entry);
    return entry;
  }

  byKind(): Map<ViolationKind, number> {
    const m = new Map<ViolationKind, number>();
    for (const v of this.list) m.set(v.kind, (m.get(v.kind) ?? 0) + 1);
    return m;
  }
}

export function describeViolation(v: Violation): string {
  const where = [v.guest, v.host].filter((x) => x !== undefined).join(' @ ');
  const ctx = v.recentFaults.length > 0 ? `\n      around: ${v.recentFaults.join('; ')}` : '';
  return `  [t+${(v.atMs / 1000).toFixed(1)}s trial ${String(v.trial)}] ${v.kind}${where ? ` (${where})` : ''}: ${v.detail}${ctx}`;
}
