import type { Command } from '../command.js';
import { outputFormat, parseCommandArgs } from '../args.js';
import { withProviders } from '../infrastructure.js';
import { loadDesiredOrReport } from '../load-desired.js';
import { renderHostLines, renderStatusTable, statusDocument } from '../render/status.js';
import { manifestDir, ROOT_OPTIONS, ROOT_USAGE, rootOptions } from '../shared-options.js';
import { styleFor } from '../style.js';
import { randomUUID } from 'node:crypto';
import { guestStatuses, hostStatuses, serviceStatuses } from '../../reconcile/status.js';
import { observeAndPlan, policyFromState } from '../durable-plan.js';
import { openCliState } from '../state-store.js';

export const command: Command = {
  name: 'status',
  summary: 'show every guest: desired, observed state, confidence, host and why',
  usage: `Usage: virtwarden status [DIR] [-o text|json] [--state-dir DIR]

Observes every site and prints one line per guest of DIR's manifests (default ./manifests):
its desired state, the observed state (ONLINE, OFFLINE, FAULTED, UNKNOWN,
INTENTIONAL_OFFLINE) with a confidence, the host it runs on, and the reason — including what
virtwarden is waiting for. Services are down when any of their guests is not online. It reads
the same controller state as \`watch\` (--state-dir): FAULTED marks and failure histories,
fencing confirmations, drained hosts.

Options:
  -o, --output text|json   output format (default text)
      --state-dir DIR      the controller state
${ROOT_USAGE}
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      output: { type: 'string', short: 'o' },
      'state-dir': { type: 'string' },
      ...ROOT_OPTIONS,
    });
    const format = outputFormat(values.output);
    const dir = manifestDir(io, positionals[0]);
    const desired = await loadDesiredOrReport(dir, io, format, rootOptions(io, values));
    if (!desired) return 1;
    const state = openCliState(io, 'status', values['state-dir']);
    const [fromState, drains] = await Promise.all([
      policyFromState(state, Date.now()),
      state.drains(),
    ]);
    const policy = { ...fromState, allowRestart: false, allowDataLoss: false };
    const { observed, plan, fencingEnded } = await withProviders(desired, io, dir, (p) =>
      observeAndPlan(desired, p, state, policy),
    );
    if (fencingEnded.length > 0) {
      const journal = state.journal(randomUUID());
      for (const f of fencingEnded) journal.fenceCleared(f.host, 'host-up');
      await journal.flush();
    }
    const guests = guestStatuses(desired, observed, plan, { histories: policy.history });
    const services = serviceStatuses(desired, guests);
    const hosts = hostStatuses(desired, observed, { drains, fenced: policy.fencedHosts });
    if (format === 'json') {
      const doc = { ...statusDocument(guests, services, hosts), drains: [...drains.values()] };
      io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    } else {
      const style = styleFor(io.stdout, io);
      io.stdout.write(renderStatusTable(guests, services, style));
      const lines = renderHostLines(hosts, style);
      if (lines !== '') io.stdout.write('\n' + lines);
    }
    return 0;
  },
};
