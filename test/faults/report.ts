/** The printed summary of a round: trials, faults by type, violations, recovery percentiles, RSS. */
import type { RoundResult } from './round.js';
import { FAULT_WEIGHTS, type FaultKind } from './schedule.js';
import { describeViolation, VIOLATION_KINDS } from './violations.js';

export function percentile(xs: readonly number[], p: number): number | undefined {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const sec = (ms: number | undefined): string =>
  ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`;
const mib = (kib: number | undefined): string =>
  kib === undefined ? '—' : `${(kib / 1024).toFixed(0)} MiB`;

export function summarize(r: RoundResult, replay: string): string {
  const lines: string[] = [];
  lines.push(
    `fault round: seed ${String(r.seed)}, ${String(r.trials)} trial(s) × ${String(r.trialSeconds)} s of faults, ${sec(r.durationMs)} in all`,
  );
  lines.push(`  replay: ${replay}`);
  lines.push('  faults (injected / planned; skipped when their target was not there):');
  for (const kind of Object.keys(FAULT_WEIGHTS) as FaultKind[]) {
    const all = r.faults.filter((f) => f.kind === kind);
    const done = all.filter((f) => f.status === 'done').length;
    const failed = all.filter((f) => f.status === 'failed').length;
    lines.push(
      `    ${kind.padEnd(28)} ${String(done).padStart(3)} / ${String(all.length)}${failed > 0 ? `  (${String(failed)} failed to inject)` : ''}`,
    );
  }
  const injected = r.faults.filter((f) => f.status === 'done').length;
  lines.push(
    `    ${'total'.padEnd(28)} ${String(injected).padStart(3)} / ${String(r.faults.length)}; fence calls ${String(r.fenceCalls)}; watch processes ${String(r.watchIncarnations)}`,
  );
  const byKind = VIOLATION_KINDS.map(
    (k) => [k, r.violations.filter((v) => v.kind === k).length] as const,
  ).filter(([, n]) => n > 0);
  lines.push(
    `  violations: ${String(r.violations.length)}${byKind.length > 0 ? ` (${byKind.map(([k, n]) => `${k} ${String(n)}`).join(', ')})` : ''}`,
  );
  for (const v of r.violations) lines.push(describeViolation(v));
  const all = r.recoveries.flatMap((x) => (x.ms === undefined ? [] : [x.ms]));
  const needed = all.filter((ms) => ms > 500);
  const missed = r.recoveries.filter((x) => x.ms === undefined).length;
  lines.push(
    `  recovery after the faults stop (${String(r.recoveries.length)} guest-trials): p50 ${sec(percentile(all, 50))}, p99 ${sec(percentile(all, 99))}, max ${sec(percentile(all, 100))}; ` +
      `of the ${String(needed.length)} that were down: p50 ${sec(percentile(needed, 50))}, p99 ${sec(percentile(needed, 99))}${missed > 0 ? `; ${String(missed)} not within the bound` : ''}`,
  );
  const out = r.outagesMs;
  lines.push(
    `  guest outages during the round (no QEMU anywhere): ${String(out.length)}, down p50 ${sec(percentile(out, 50))}, p99 ${sec(percentile(out, 99))}, max ${sec(percentile(out, 100))}`,
  );
  const l = r.rss.longest;
  lines.push(
    `  watch RSS: start ${mib(r.rss.startKiB)}, end ${mib(r.rss.endKiB)}, max ${mib(r.rss.maxKiB)}` +
      (l
        ? `; longest-lived watch (${l.minutes.toFixed(1)} min): ${mib(l.startKiB)} → ${mib(l.endKiB)}`
        : ''),
  );
  lines.push(
    `  checker: ${String(r.checker.polls)} polls, ${r.checker.meanPollMs.toFixed(2)} ms each; longest allowed migration overlap ${sec(r.checker.longestMigrationOverlapMs)}`,
  );
  if (r.harnessErrors.length > 0)
    lines.push(`  suite errors (not virtwarden's): ${r.harnessErrors.join(' | ')}`);
  lines.push(
    `  ${r.kept ? `kept: ${r.dir} (faults.log, watch.log, violations.json, state/)` : 'round folder removed (no violation)'}`,
  );
  return lines.join('\n');
}
