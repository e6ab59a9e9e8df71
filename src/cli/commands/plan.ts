import type { Command } from '../command.js';
import { outputFormat, parseCommandArgs } from '../args.js';
import { withProviders } from '../infrastructure.js';
import { loadDesiredOrReport } from '../load-desired.js';
import { renderPlanHuman } from '../render/plan-human.js';
import { planDocument } from '../render/plan-json.js';
import {
  COMMON_OPTIONS,
  COMMON_USAGE,
  manifestDir,
  parseTargets,
  rootOptions,
} from '../shared-options.js';
import { styleFor, seconds } from '../style.js';
import { resolveTargets } from '../targets.js';
import { randomUUID } from 'node:crypto';
import { observeAndPlan, policyFromState } from '../durable-plan.js';
import { openCliState } from '../state-store.js';
import { diff } from '../../reconcile/diff.js';
import { loadSnapshot } from '../snapshot-file.js';
import type { Observed } from '../../model/observed.js';
import type { Plan } from '../../model/plan.js';

export const command: Command = {
  name: 'plan',
  summary: 'show what apply would change, and why',
  usage: `Usage: virtwarden plan [DIR] [options]

Observes every site in DIR's manifests (default ./manifests) and prints the actions that would
bring the infrastructure to the manifests, each with its reason. Changes nothing.

Options:
${COMMON_USAGE}
      --detailed-exitcode  exit 0 = no changes, 1 = error (a site could not be
                           observed, too), 2 = changes present; usage errors are 64
      --observed FILE      plan against a snapshot (\`virtwarden observe --save\`)
                           instead of observing: no host is contacted, and nothing
                           is recorded in the state directory (which is still read)
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      ...COMMON_OPTIONS,
      'detailed-exitcode': { type: 'boolean' },
      observed: { type: 'string' },
    });
    const format = outputFormat(values.output);
    const dir = manifestDir(io, positionals[0]);
    const desired = await loadDesiredOrReport(dir, io, format, rootOptions(io, values));
    if (!desired) return 1;
    const targets = resolveTargets(desired, parseTargets(values.target));
    const state = openCliState(io, 'plan', values['state-dir']);
    const policy = {
      ...(await policyFromState(state, Date.now())),
      allowRestart: values['allow-restart'] === true,
      allowDataLoss: values['allow-data-loss'] === true,
      ...(targets ? { targets } : {}),
    };
    let plan: Plan;
    let observed: Observed;
    let observeMs = 0;
    let unobserved: readonly { site: string; reason: string }[];
    let source = '';
    if (values.observed !== undefined) {
      // A snapshot: no provider is opened, and what it shows is not recorded as a sighting
      // (it may be hours old, or from another machine).
      const snap = await loadSnapshot(io, values.observed, desired);
      observed = snap.observed;
      plan = diff(desired, observed, policy);
      unobserved = [...observed.sites.values()]
        .filter((s) => !s.reachable)
        .map((s) => ({ site: s.name, reason: s.reason ?? 'it did not answer' }));
      source = ` from ${snap.shown} (taken ${snap.takenAt.toISOString()})`;
    } else {
      const live = await withProviders(desired, io, dir, (providers) =>
        observeAndPlan(desired, providers, state, policy),
      );
      ({ plan, observed, observeMs, unobserved } = live);
      if (live.fencingEnded.length > 0) {
        const journal = state.journal(randomUUID());
        for (const f of live.fencingEnded) journal.fenceCleared(f.host, 'host-up');
        await journal.flush();
      }
    }
    if (format === 'json') {
      io.stdout.write(JSON.stringify(planDocument(plan), null, 2) + '\n');
    } else {
      const style = styleFor(io.stdout, io);
      const guests = [...observed.sites.values()].reduce((n, s) => n + s.guests.length, 0);
      io.stdout.write(
        style.dim(
          source !== ''
            ? `Planned against ${observed.sites.size} site(s), ${guests} domain(s)${source}.`
            : `Observed ${observed.sites.size} site(s), ${guests} domain(s) in ${seconds(observeMs)}.`,
        ) + '\n\n',
      );
      io.stdout.write(renderPlanHuman(plan, style));
    }
    // A plan made without seeing a site is not a plan of it: an error (1), whatever the flag.
    for (const u of unobserved) {
      io.stderr.write(`virtwarden plan: site '${u.site}' could not be observed: ${u.reason}\n`);
    }
    if (unobserved.length > 0) return 1;
    if (values['detailed-exitcode'] === true) return plan.actions.length > 0 ? 2 : 0;
    return 0;
  },
};
