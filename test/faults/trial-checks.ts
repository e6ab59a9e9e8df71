/**
 * The invariants judged once the faults of a trial have stopped (every host powered on and
 * answering, a watch running): every guest desired running runs again, exactly once, within
 * `BOUNDS.recoveryMs`; hand edits of definitions are repaired within the same bound; fencing
 * records are gone; the journal has no loose `started`.
 */
import type { Lab } from '../lab/index.js';
import { BOUNDS } from './bounds.js';
import type { Checker } from './checker.js';
import type { HandEdit } from './fault-context.js';
import { FLEET, GUEST_MEMORY_MIB, RUNNING_GUESTS } from './fleet.js';
import { overlappingRuns, unfinishedActions } from './journal-check.js';
import type { ViolationLog } from './violations.js';
import type { WatchRunner } from './watch-runner.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Each guest's recovery time after `quietAt` (ms), undefined for those not recovered. */
export async function awaitRecovery(
  checker: Checker,
  watch: WatchRunner,
  violations: ViolationLog,
  quietAt: number,
): Promise<Map<string, number | undefined>> {
  const recovered = new Map<string, number | undefined>(RUNNING_GUESTS.map((g) => [g, undefined]));
  const deadline = quietAt + BOUNDS.recoveryMs;
  for (;;) {
    const now = Date.now();
    for (const g of RUNNING_GUESTS)
      if (recovered.get(g) === undefined && checker.runsOnce(g, now))
        recovered.set(g, now - quietAt);
    if ([...recovered.values()].every((v) => v !== undefined) || now > deadline) break;
    await sleep(100);
  }
  const missing = [...recovered].filter(([, v]) => v === undefined).map(([g]) => g);
  if (missing.length > 0) {
    const reasons = await statusReasons(watch);
    for (const g of missing) {
      const copies = checker.copiesOf(g);
      violations.add({
        kind: 'not-recovered',
        guest: g,
        detail: `${g} is not running exactly once ${String(BOUNDS.recoveryMs / 1000)} s after the faults stopped (${copies.length === 0 ? 'no copy' : copies.map((c) => `${c.host} pid ${String(c.pid)}`).join(', ')}${copies.length === 1 ? ', not executing' : ''}); watch says: ${reasons.get(g) ?? '(no status)'}`,
      });
    }
  } else {
    await sleep(BOUNDS.settleMs);
  }
  return recovered;
}

async function statusReasons(watch: WatchRunner): Promise<Map<string, string>> {
  try {
    const doc = (await watch.status()) as {
      guests?: { guest: string; state: string; reason: string }[];
    };
    return new Map((doc.guests ?? []).map((g) => [g.guest, `${g.state}: ${g.reason}`]));
  } catch (err) {
    return new Map([['*', `status unavailable: ${String(err)}`]]);
  }
}

function memoryMiB(xml: string): number | undefined {
  const m = /<memory unit='(\w+)'>(\d+)<\/memory>/.exec(xml);
  if (m?.[1] === undefined || m[2] === undefined) return undefined;
  const factor: Record<string, number> = {
    KiB: 1 / 1024,
    MiB: 1,
    GiB: 1024,
    b: 1 / 1048576,
    bytes: 1 / 1048576,
  };
  return Number(m[2]) * (factor[m[1]] ?? NaN);
}

/** Definitions (on every host) whose memory differs from the manifests. */
async function drifted(
  lab: Lab,
): Promise<{ guest: string; host: string; memoryMiB: number | undefined }[]> {
  const out: { guest: string; host: string; memoryMiB: number | undefined }[] = [];
  const fleet = new Set(FLEET.map((g) => g.name));
  for (const h of lab.hosts) {
    // A host a fence powered off after the faults stopped (a breach judged elsewhere) has
    // nothing to compare now: it is looked at again on the next pass.
    const listed = await h
      .virsh(['list', '--all', '--name'], { timeoutMs: 20_000 })
      .catch(() => undefined);
    if (listed === undefined) continue;
    const names = listed
      .split('\n')
      .map((n) => n.trim())
      .filter((n) => fleet.has(n));
    for (const g of names) {
      const xml = await h
        .virsh(['dumpxml', '--inactive', g], { timeoutMs: 20_000 })
        .catch(() => '');
      if (xml === '') continue; // undefined meanwhile
      const mem = memoryMiB(xml);
      if (mem !== GUEST_MEMORY_MIB) out.push({ guest: g, host: h.name, memoryMiB: mem });
    }
  }
  return out;
}

const reportedDrift = new WeakMap<ViolationLog, Set<string>>();

/**
 * Wait (up to `deadline`) until no definition drifts; report what is left, once per guest and
 * memory size in a round (a drift carried to another host by a migration is the same one).
 */
export async function checkDrift(
  lab: Lab,
  violations: ViolationLog,
  deadline: number,
  handEdits: readonly HandEdit[],
): Promise<number> {
  let left = await drifted(lab);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(1000);
    left = await drifted(lab);
  }
  const seen = reportedDrift.get(violations) ?? new Set<string>();
  reportedDrift.set(violations, seen);
  for (const d of left) {
    const key = `${d.guest}:${String(d.memoryMiB)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const edit = handEdits.findLast((e) => e.guest === d.guest && e.memoryMiB === d.memoryMiB);
    const cause =
      edit === undefined
        ? ''
        : ` (hand-edited on ${edit.host} at t+${((edit.at - violations.t0) / 1000).toFixed(1)}s)`;
    violations.add({
      kind: 'drift-not-repaired',
      guest: d.guest,
      host: d.host,
      detail: `${d.guest}'s definition on ${d.host} still has ${String(d.memoryMiB)} MiB of memory${cause}, the manifest says ${String(GUEST_MEMORY_MIB)} MiB: the edit was not repaired within the bound`,
    });
  }
  return left.length;
}

/** Wait until no fencing record is left, or every one left is past its bound (and reported). */
export async function awaitRecordsGone(checker: Checker, quietAt: number): Promise<void> {
  const deadline = quietAt + BOUNDS.fencingRecordMs + 3_000;
  while (checker.fencingRecords.length > 0 && Date.now() < deadline) await sleep(500);
}

const reportedJournal = new WeakMap<ViolationLog, Set<string>>();

/**
 * Report every `started` older than `olderThan` with neither `finished` nor `interrupted`, and
 * every two runs whose actions overlapped (each once per round).
 */
export function checkJournal(
  stateDir: string,
  violations: ViolationLog,
  olderThan: number,
): number {
  const seen = reportedJournal.get(violations) ?? new Set<string>();
  reportedJournal.set(violations, seen);
  let n = 0;
  for (const u of unfinishedActions(stateDir, olderThan)) {
    if (seen.has(u.key)) continue;
    seen.add(u.key);
    n++;
    violations.add({
      kind: 'journal-unfinished',
      detail: `journal: ${u.action} started at ${u.time} (run ${u.run.slice(0, 8)}) has no finished line and no interrupted mark`,
    });
  }
  for (const [a, b] of overlappingRuns(stateDir)) {
    const key = `overlap:${[a.run, b.run].sort().join('|')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    n++;
    const iso = (t: number): string => new Date(t).toISOString();
    violations.add({
      kind: 'two-controllers-acted',
      at: b.from,
      detail: `two controllers acted at once: run ${a.run.slice(0, 8)} ran ${a.action} from ${iso(a.from)} to ${iso(a.to)}, run ${b.run.slice(0, 8)} started ${b.action} at ${iso(b.from)}`,
    });
  }
  return n;
}
