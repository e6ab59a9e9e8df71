import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../errors.js';
import { withProviders } from '../infrastructure.js';
import { loadDesiredOrReport } from '../load-desired.js';
import { manifestDir, ROOT_OPTIONS, ROOT_USAGE, rootOptions } from '../shared-options.js';
import { observeWithDetails } from '../../reconcile/observe.js';
import { saveSnapshot } from '../snapshot-file.js';

export const command: Command = {
  name: 'observe',
  summary: 'save what the providers observe as a snapshot (for plan/simulate --observed)',
  usage: `Usage: virtwarden observe [DIR] --save FILE [options]

Observes every site in DIR's manifests (default ./manifests) — hosts, guests, their states,
ownership records and definition hashes, storage pools and volumes — and writes it as a
versioned JSON document (schemas/observation-snapshot.schema.json). No secret is written.
\`plan --observed FILE\` and \`simulate --observed FILE\` plan against it without touching a
host. Changes nothing, and records nothing in the state directory.

Options:
      --save FILE          where to write it (- for stdout)
${ROOT_USAGE}
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      ...ROOT_OPTIONS,
      save: { type: 'string' },
    });
    if (values.save === undefined || values.save === '') {
      throw new UsageError('--save FILE is required (- for stdout)');
    }
    const dir = manifestDir(io, positionals[0]);
    const desired = await loadDesiredOrReport(dir, io, 'text', rootOptions(io, values));
    if (!desired) return 1;
    const takenAt = new Date();
    const observed = await withProviders(desired, io, dir, (providers) =>
      observeWithDetails(desired, providers),
    );
    await saveSnapshot(io, values.save, observed, takenAt);
    const unobserved = [...observed.sites.values()].filter((s) => !s.reachable);
    if (values.save !== '-') {
      const guests = [...observed.sites.values()].reduce((n, s) => n + s.guests.length, 0);
      io.stderr.write(
        `Saved ${String(observed.sites.size)} site(s), ${String(guests)} domain(s) to ${values.save}.\n`,
      );
    }
    // Saved anyway (it says what was unreachable), but a CI job must notice.
    for (const u of unobserved) {
      io.stderr.write(
        `virtwarden observe: site '${u.name}' could not be observed: ${u.reason ?? 'it does not answer'}\n`,
      );
    }
    return unobserved.length > 0 ? 1 : 0;
  },
};
