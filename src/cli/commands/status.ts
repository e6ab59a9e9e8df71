import type { Command } from '../command.js';
import { outputFormat, parseCommandArgs } from '../args.js';
import { withProviders } from '../infrastructure.js';
import { loadDesiredOrReport } from '../load-desired.js';
import { renderStatusTable, statusDocument } from '../render/status.js';
import { manifestDir } from '../shared-options.js';
import { styleFor } from '../style.js';
import { defaultPolicy } from '../../reconcile/policy.js';
import { planOnce } from '../../reconcile/session.js';
import { guestStatuses, serviceStatuses } from '../../reconcile/status.js';
import { readFencing } from '../../state/fencing.js';
import { stateDir } from '../../state/state-dir.js';

export const command: Command = {
  name: 'status',
  summary: 'show every guest: desired, observed state, confidence, host and why',
  usage: `Usage: virtwarden status [DIR] [-o text|json] [--state-dir DIR]

Observes every site and prints one line per guest of DIR's manifests (default ./manifests):
its desired state, the observed state (ONLINE, OFFLINE, FAULTED, UNKNOWN,
INTENTIONAL_OFFLINE) with a confidence, the host it runs on, and the reason — including what
virtwarden is waiting for. Services are down when any of their guests is not online.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      output: { type: 'string', short: 'o' },
      'state-dir': { type: 'string' },
    });
    const format = outputFormat(values.output);
    const dir = manifestDir(io, positionals[0]);
    const desired = await loadDesiredOrReport(dir, io, format);
    if (!desired) return 1;
    const fenced = await readFencing(stateDir(io.env, values['state-dir']));
    const policy = { ...defaultPolicy(Date.now()), fencedHosts: new Set(fenced.keys()) };
    const { observed, plan } = await withProviders(desired, io, dir, (p) =>
      planOnce(desired, p, policy),
    );
    const guests = guestStatuses(desired, observed, plan);
    const services = serviceStatuses(desired, guests);
    if (format === 'json')
      io.stdout.write(JSON.stringify(statusDocument(guests, services), null, 2) + '\n');
    else io.stdout.write(renderStatusTable(guests, services, styleFor(io.stdout, io)));
    return 0;
  },
};
