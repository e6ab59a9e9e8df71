import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../errors.js';
import { withProviders } from '../infrastructure.js';
import { loadDesiredOrReport } from '../load-desired.js';
import { manifestDir, ROOT_OPTIONS, ROOT_USAGE, rootOptions } from '../shared-options.js';
import { policyFromState } from '../durable-plan.js';
import { openCliState } from '../state-store.js';
import { loadSnapshot } from '../snapshot-file.js';
import { loadScenarioFile } from '../scenario-file.js';
import {
  renderSimulationMarkdown,
  renderSimulationText,
  simulationDocument,
  type SimulationReport,
} from '../render/simulation.js';
import type { Observed } from '../../model/observed.js';
import { observeWithDetails } from '../../reconcile/observe.js';
import { runScenario, settle, type GuestEnd } from '../../simulate/run.js';
import { parseScenario, ScenarioError, type Scenario } from '../../simulate/scenario.js';

const FAIL_ON: Readonly<Record<string, GuestEnd>> = {
  unplaced: 'unplaced',
  faulted: 'faulted',
  fencing: 'waiting-for-fencing',
};

export const command: Command = {
  name: 'simulate',
  summary: 'what watch would do if a host died, a site were lost, a guest crashed, …',
  usage: `Usage: virtwarden simulate [DIR] --scenario TEXT... [options]

Shows, step by step, what \`virtwarden watch\` would do in each scenario — restarts, failovers,
what waits for fencing, which guests end FAULTED and which cannot be placed — with the same
planner, failure ladder and fencing decisions as watch, against a snapshot (--observed) or a
fresh observation. Changes nothing and records nothing. Scenarios (events separated by ';'):

  host-dies HOST [fence=auto|fails|confirm|none]   site-lost SITE [fence=…]
  guest-crashes GUEST [TIMES]                      host-drained HOST
  active-site SITE                                 each-host-dies [fence=…]

fence=auto (default): the host's fence command succeeds, a host without one waits for an
operator; fails: the command keeps failing; confirm: an operator confirms; none: as if the host
had no fence command.

Options:
      --scenario TEXT      a scenario; repeatable
      --scenarios FILE     scenarios from a YAML file (see docs/simulate.md)
      --observed FILE      simulate against a snapshot (\`virtwarden observe --save\`):
                           no host is contacted
  -o, --output text|json|markdown
      --fail-on WHAT       exit 1 when a scenario leaves a guest that must run
                           unplaced (no host can run it); also faulted, fencing
                           (waiting for fencing); comma-separated
      --state-dir DIR      failure histories, fencing records and drains to start from
${ROOT_USAGE}
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      ...ROOT_OPTIONS,
      scenario: { type: 'string', multiple: true },
      scenarios: { type: 'string' },
      observed: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'fail-on': { type: 'string' },
      'state-dir': { type: 'string' },
    });
    const format = values.output ?? 'text';
    if (format !== 'text' && format !== 'json' && format !== 'markdown')
      throw new UsageError(`unknown output format '${format}' (use text, json or markdown)`);
    const failOn = new Set<GuestEnd>();
    for (const w of (values['fail-on'] ?? '').split(',').filter((x) => x !== '')) {
      const end = FAIL_ON[w];
      if (end === undefined)
        throw new UsageError(`--fail-on '${w}': use ${Object.keys(FAIL_ON).join(', ')}`);
      failOn.add(end);
    }
    if ((values.scenario ?? []).length === 0 && values.scenarios === undefined)
      throw new UsageError("give a scenario: --scenario 'host-dies HOST' or --scenarios FILE");
    const dir = manifestDir(io, positionals[0]);
    const desired = await loadDesiredOrReport(
      dir,
      io,
      format === 'json' ? 'json' : 'text',
      rootOptions(io, values),
    );
    if (!desired) return 1;

    const scenarios: Scenario[] = [];
    for (const text of values.scenario ?? []) {
      try {
        scenarios.push(...parseScenario(desired, text));
      } catch (err) {
        if (err instanceof ScenarioError)
          throw new ScenarioError(`--scenario '${text}': ${err.message}`);
        throw err;
      }
    }
    if (values.scenarios !== undefined)
      scenarios.push(...(await loadScenarioFile(io, values.scenarios, desired)));

    let observed: Observed;
    let takenAt: Date;
    let source: string;
    if (values.observed !== undefined) {
      const snap = await loadSnapshot(io, values.observed, desired);
      ({ observed, takenAt } = snap);
      source = `snapshot ${snap.shown} (taken ${takenAt.toISOString()})`;
    } else {
      takenAt = new Date();
      observed = await withProviders(desired, io, dir, (providers) =>
        observeWithDetails(desired, providers),
      );
      source = `a live observation (${takenAt.toISOString()})`;
    }
    const state = openCliState(io, 'simulate', values['state-dir']);
    const base = await policyFromState(state, takenAt.getTime());
    const baseline = settle({
      desired,
      observed,
      policy: { ...base, allowRestart: false, allowDataLoss: false },
    });
    const results = scenarios.map((s) => runScenario(baseline, s));
    const failures = results.flatMap((r) => {
      const guests = r.guests.filter((g) => g.mustRun && failOn.has(g.end)).map((g) => g.guest);
      return guests.length > 0 ? [{ scenario: r.scenario.name, guests }] : [];
    });
    const hosts = [...observed.sites.values()].reduce((n, s) => n + s.hosts.size, 0);
    const report: SimulationReport = {
      source,
      takenAt: takenAt.toISOString(),
      guests: desired.guests.size,
      hosts,
      before: baseline.steps,
      results,
      failures,
    };
    if (format === 'json')
      io.stdout.write(JSON.stringify(simulationDocument(report), null, 2) + '\n');
    else if (format === 'markdown') io.stdout.write(renderSimulationMarkdown(report));
    else io.stdout.write(renderSimulationText(report));
    const unobserved = [...observed.sites.values()].filter((s) => !s.reachable);
    for (const u of unobserved)
      io.stderr.write(
        `virtwarden simulate: site '${u.name}' was not observed (${u.reason ?? 'it did not answer'}): its guests are simulated as unknown\n`,
      );
    if (failures.length > 0) {
      io.stderr.write(
        `virtwarden simulate: ${String(failures.length)} of ${String(results.length)} scenario(s) fail --fail-on ${[...(values['fail-on'] ?? '').split(',')].join(',')}: ${failures.map((f) => `${f.scenario} (${f.guests.join(', ')})`).join('; ')}\n`,
      );
      return 1;
    }
    return 0;
  },
};
