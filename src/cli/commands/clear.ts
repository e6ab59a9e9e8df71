/**
 * `virtwarden clear GUEST`: the operator's "I fixed it, try again" (`pcs resource cleanup`,
 * `hagrp -clear`). Forgets the guest's failure history — restarts, failovers, the FAULTED
 * mark, failed migrations — so the failure ladder starts afresh; keeps where it was last seen
 * (a clear never makes a host that may still hold the guest look empty). Journaled.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../errors.js';
import { loadDesiredOrReport } from '../load-desired.js';
import { manifestDir, ROOT_OPTIONS, ROOT_USAGE, rootOptions } from '../shared-options.js';
import { journalOutcome, openCliState, operatorName } from '../state-store.js';

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

export const command: Command = {
  name: 'clear',
  summary: "reset a guest's failure history and FAULTED mark",
  usage: `Usage: virtwarden clear GUEST [DIR] [--note TEXT] [--state-dir DIR]

Resets GUEST's failure history: the restarts and failovers virtwarden counted, its FAULTED
mark and its failed live migrations. The failure ladder starts afresh: \`watch\` (at its next
pass over the guest) and \`apply\` treat its next failure as the first, and a FAULTED guest
that is down is started again. Where the guest was last seen is kept. Recorded in the journal.

GUEST is a Guest of DIR's manifests (default ./manifests).

Options:
      --note TEXT       recorded with the clear (what was fixed)
      --state-dir DIR   the controller state (default: $VIRTWARDEN_STATE_DIR,
                        /var/lib/virtwarden as root, else ~/.local/state/virtwarden)
${ROOT_USAGE}
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { note: { type: 'string' }, 'state-dir': { type: 'string' }, ...ROOT_OPTIONS },
      2,
    );
    const [guest, dirArg] = positionals;
    if (guest === undefined) throw new UsageError('expected the guest to clear: `clear GUEST`');
    const dir = manifestDir(io, dirArg);
    const desired = await loadDesiredOrReport(dir, io, 'text', rootOptions(io, values));
    if (!desired) return 1;
    if (!desired.guests.has(guest)) {
      io.stderr.write(`virtwarden clear: no guest '${guest}' in the manifests of ${dir}\n`);
      return 1;
    }
    const state = openCliState(io, 'clear', values['state-dir']);
    const { before } = await state.clearHistory(guest, Date.now());
    const forgotten = {
      restarts: before?.restarts.length ?? 0,
      failovers: before?.failovers.length ?? 0,
      faulted: before?.faultedAt !== undefined,
    };
    const journal = state.journal(randomUUID());
    journal.cleared(guest, operatorName(io.env), forgotten, values.note);
    const what = [
      plural(forgotten.restarts, 'restart', 'restarts'),
      plural(forgotten.failovers, 'failover', 'failovers'),
      ...(forgotten.faulted ? ['its FAULTED mark'] : []),
    ].join(', ');
    io.stdout.write(
      `${guest} cleared: forgot ${what}` +
        `${before?.lastHost !== undefined ? ` (last seen on ${before.lastHost}: kept)` : ''}. ` +
        `Its next failure counts as the first.\n`,
    );
    return journalOutcome(io, 'clear', journal);
  },
};
