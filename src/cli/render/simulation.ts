/**
 * `simulate`'s three outputs: text for a terminal, JSON for tools, and Markdown for a pull
 * request comment (a summary table, each scenario's steps folded under it).
 */
import type { GuestOutcome, SimStep, SimulationResult } from '../../simulate/run.js';
import { eventText } from '../../simulate/scenario.js';

export interface SimulationReport {
  /** `snapshot FILE (taken …)` or `live observation`. */
  readonly source: string;
  readonly takenAt: string;
  readonly guests: number;
  readonly hosts: number;
  /** What watch does before any scenario (the fleet is not converged). */
  readonly before: readonly SimStep[];
  readonly results: readonly SimulationResult[];
  /** Scenarios that fail `--fail-on`, with the guests that make them fail. */
  readonly failures: readonly { readonly scenario: string; readonly guests: readonly string[] }[];
}

const LABEL: Readonly<Record<SimStep['kind'], string>> = {
  event: 'event',
  lost: 'lost',
  fence: 'fence',
  action: '',
  hold: 'hold',
  crash: 'crash',
  note: 'note',
};

function what(s: SimStep): string {
  return s.action ? s.action.kind : LABEL[s.kind];
}

function summaryLine(r: SimulationResult, total: number): string {
  const s = r.summary;
  return [
    `${String(s.running)}/${String(total)} running`,
    `${String(s.restarts)} restart(s)`,
    `${String(s.failovers)} failover(s)`,
    `${String(s.migrations)} migration(s)`,
    `${String(s.faulted)} FAULTED`,
    `${String(s.waitingForFencing)} waiting for fencing`,
    `${String(s.unplaced)} unplaced`,
  ].join(' · ');
}

const notRunning = (gs: readonly GuestOutcome[]): GuestOutcome[] =>
  gs.filter((g) => g.end === 'unplaced' || g.end === 'faulted' || g.end === 'waiting-for-fencing');

export function renderSimulationText(report: SimulationReport): string {
  const out: string[] = [
    `Simulated against ${report.source}: ${String(report.guests)} guest(s), ${String(report.hosts)} host(s).`,
    '',
  ];
  if (report.before.length > 0) {
    out.push('Before any scenario, watch would first converge the fleet:');
    for (const s of report.before) out.push(`  ${what(s).padEnd(8)} ${s.text}`);
    out.push('');
  }
  report.results.forEach((r, i) => {
    out.push(`Scenario ${String(i + 1)}/${String(report.results.length)}: ${r.scenario.name}`);
    for (const s of r.steps)
      out.push(`  t+${String(s.at)}s`.padEnd(10) + `${what(s).padEnd(8)} ${s.text}`);
    out.push(`  Result: ${summaryLine(r, r.guests.length)}${r.settled ? '' : ' (did not settle)'}`);
    for (const g of notRunning(r.guests))
      out.push(
        `    ${g.end === 'faulted' ? 'FAULTED' : g.end}: ${g.guest}${g.why !== undefined ? ` — ${g.why}` : ''}`,
      );
    for (const g of r.guests)
      if (g.host !== undefined && g.before !== undefined && g.host !== g.before)
        out.push(`    moved: ${g.guest} ${g.before} → ${g.host}`);
    out.push('');
  });
  for (const f of report.failures) out.push(`FAIL ${f.scenario}: ${f.guests.join(', ')}`);
  return out.join('\n') + (report.failures.length > 0 ? '\n' : '');
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderSimulationMarkdown(report: SimulationReport): string {
  const out: string[] = [
    '### virtwarden simulate',
    '',
    `Against ${cell(report.source)}: ${String(report.guests)} guest(s), ${String(report.hosts)} host(s).`,
    '',
    '| scenario | running | restarts | failovers | migrations | FAULTED | waiting for fencing | unplaced |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of report.results) {
    const s = r.summary;
    const bold = (n: number): string => (n > 0 ? `**${String(n)}**` : '0');
    out.push(
      `| ${cell(r.scenario.name)} | ${String(s.running)}/${String(r.guests.length)} | ${String(s.restarts)} | ${String(s.failovers)} | ${String(s.migrations)} | ${bold(s.faulted)} | ${bold(s.waitingForFencing)} | ${bold(s.unplaced)} |`,
    );
  }
  out.push('');
  if (report.failures.length > 0) {
    out.push(`**${String(report.failures.length)} scenario(s) fail:**`, '');
    for (const f of report.failures)
      out.push(`- ${cell(f.scenario)}: ${f.guests.map((g) => `\`${g}\``).join(', ')}`);
    out.push('');
  }
  if (report.before.length > 0) {
    out.push('<details><summary>Before any scenario: watch converges the fleet</summary>', '');
    for (const s of report.before) out.push(`- ${cell(`${what(s)} ${s.text}`)}`);
    out.push('', '</details>', '');
  }
  for (const r of report.results) {
    out.push(
      `<details><summary>${cell(r.scenario.name)}: ${String(r.steps.length)} step(s)</summary>`,
      '',
    );
    out.push('| t | | what |', '|---:|---|---|');
    for (const s of r.steps) out.push(`| +${String(s.at)}s | ${what(s)} | ${cell(s.text)} |`);
    const bad = notRunning(r.guests);
    if (bad.length > 0) {
      out.push('');
      for (const g of bad)
        out.push(
          `- **${g.end === 'faulted' ? 'FAULTED' : g.end}**: \`${g.guest}\`${g.why !== undefined ? ` — ${cell(g.why)}` : ''}`,
        );
    }
    out.push('', '</details>', '');
  }
  return out.join('\n');
}

export function simulationDocument(report: SimulationReport): unknown {
  return {
    format_version: 1,
    source: report.source,
    takenAt: report.takenAt,
    guests: report.guests,
    hosts: report.hosts,
    before: report.before,
    scenarios: report.results.map((r) => ({
      name: r.scenario.name,
      events: r.scenario.events.map(eventText),
      settled: r.settled,
      summary: r.summary,
      steps: r.steps,
      guests: r.guests,
    })),
    failures: report.failures,
  };
}
