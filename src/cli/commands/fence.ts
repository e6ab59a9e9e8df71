import { randomUUID } from 'node:crypto';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../errors.js';
import { loadDesiredOrReport } from '../load-desired.js';
import { withProviders } from '../infrastructure.js';
import { manifestDir, ROOT_OPTIONS, ROOT_USAGE, rootOptions } from '../shared-options.js';
import { journalOutcome, openCliState, operatorName } from '../state-store.js';
import { observeSites } from '../../reconcile/observe.js';

export const command: Command = {
  name: 'fence',
  summary: 'manual fencing: confirm a lost host is powered off (or list / clear confirmations)',
  usage: `Usage: virtwarden fence confirm HOST [--dir DIR] [--note TEXT]
       virtwarden fence list
       virtwarden fence clear HOST

confirm  You have made sure HOST is powered off (or its guests are dead). Its guests may then
         be started on other hosts. Refused while HOST still answers: a host that answers is
         not fenced. \`virtwarden watch\` picks the confirmation up at once.
list     The hosts confirmed fenced.
clear    Withdraw a confirmation (done automatically when an observation sees the host
         answer again: a confirmation is valid only for the loss it answered).

Confirmations and withdrawals are recorded in the journal, with the operator and the note.

Options:
      --dir DIR         manifests (default ./manifests), to find the host
      --note TEXT       recorded with the confirmation (who, why)
      --state-dir DIR   the controller state, where confirmations are kept
${ROOT_USAGE}
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        dir: { type: 'string' },
        note: { type: 'string' },
        'state-dir': { type: 'string' },
        ...ROOT_OPTIONS,
      },
      2,
    );
    const [verb, host] = positionals;
    const state = openCliState(io, 'fence', values['state-dir']);
    if (verb === 'list') {
      const records = await state.fencing();
      if (records.size === 0) io.stdout.write('No host is confirmed fenced.\n');
      for (const r of records.values()) {
        io.stdout.write(
          `${r.host}  fenced since ${r.confirmedAt} by ${r.by}${r.note ? ` — ${r.note}` : ''}\n`,
        );
      }
      return 0;
    }
    if (host === undefined || (verb !== 'confirm' && verb !== 'clear')) {
      throw new UsageError('expected `fence confirm HOST`, `fence clear HOST` or `fence list`');
    }
    if (verb === 'clear') {
      if (!(await state.clearFenced(host))) {
        io.stdout.write(`${host} was not confirmed fenced.\n`);
        return 0;
      }
      const journal = state.journal(randomUUID());
      journal.fenceCleared(host, 'operator', operatorName(io.env));
      io.stdout.write(`Fencing confirmation for ${host} withdrawn.\n`);
      return journalOutcome(io, 'fence', journal);
    }
    const dir = manifestDir(io, values.dir);
    const desired = await loadDesiredOrReport(dir, io, 'text', rootOptions(io, values));
    if (!desired) return 1;
    const site =
      [...desired.sites.values()].find(
        (s) => s.provider.kind === 'libvirt' && s.provider.hosts.some((h) => h.name === host),
      ) ?? undefined;
    const outcome = await withProviders(desired, io, dir, async (providers) => {
      if (site) {
        const p = providers.get(site.name);
        const seen = (await observeSites(desired, p ? [p] : [])).sites
          .get(site.name)
          ?.hosts.get(host);
        return { engine: false, seen };
      }
      // An engine-managed host: find the engine that has it, and fence it manually there.
      for (const p of providers.values()) {
        if (p.fenceManually === undefined) continue;
        const seen = await p.fenceManually(host);
        if (seen) return { engine: true, seen };
      }
      return undefined;
    });
    if (!outcome) {
      io.stderr.write(
        `virtwarden fence: no host '${host}' in the manifests of ${dir} or in their engines\n`,
      );
      return 1;
    }
    const seen = outcome.seen;
    if (seen?.status === 'up') {
      io.stderr.write(
        `virtwarden fence: ${host} answers (it is up): refusing to confirm it fenced. ` +
          `Power it off first; confirming a live host could start its guests twice.\n`,
      );
      return 1;
    }
    if (outcome.engine)
      io.stdout.write(
        `The engine confirmed ${host} fenced (manual fence): its VMs may start elsewhere.\n`,
      );
    const user = operatorName(io.env);
    await state.recordFenced({
      host,
      by: 'operator',
      confirmedAt: new Date().toISOString(),
      user,
      ...(values.note !== undefined ? { note: values.note } : {}),
    });
    const journal = state.journal(randomUUID());
    journal.fenceConfirmed(host, user, values.note);
    io.stdout.write(
      `${host} confirmed fenced (it does not answer: ${seen?.reason ?? 'unreachable'}). Its guests may now start elsewhere.\n`,
    );
    return journalOutcome(io, 'fence', journal);
  },
};
