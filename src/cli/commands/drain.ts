/**
 * `virtwarden drain HOST` / `virtwarden undrain HOST`: an operator's imperative maintenance
 * mark, for work that cannot wait for a reviewed commit (planned work belongs in the Site
 * manifest: `maintenance: true` on the host). Kept in the controller state (drains.json) and
 * journaled; `watch` and `apply` read it like the manifest's mark.
 */
import type { Command } from '../command.js';
import type { CliIo } from '../io.js';
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../errors.js';
import { loadDesiredOrReport } from '../load-desired.js';
import { manifestDir, ROOT_OPTIONS, ROOT_USAGE, rootOptions } from '../shared-options.js';
import { journalOutcome, openCliState, operatorName } from '../state-store.js';
import { randomUUID } from 'node:crypto';
import type { Desired, LibvirtHost } from '../../model/desired.js';
import type { RootOptions } from '../../manifest/index.js';

function libvirtHosts(desired: Desired): LibvirtHost[] {
  return [...desired.sites.values()].flatMap((s) =>
    s.provider.kind === 'libvirt' ? s.provider.hosts : [],
  );
}

/** The host named on the command line, from the manifests; undefined after reporting. */
async function manifestHost(
  name: string,
  command: string,
  dirArg: string | undefined,
  io: CliIo,
  root: RootOptions,
): Promise<LibvirtHost | undefined> {
  const dir = manifestDir(io, dirArg);
  const desired = await loadDesiredOrReport(dir, io, 'text', root);
  if (!desired) return undefined;
  const hosts = libvirtHosts(desired);
  const host = hosts.find((h) => h.name === name);
  if (!host) {
    const known = hosts.map((h) => h.name).join(', ') || 'none';
    io.stderr.write(
      `virtwarden ${command}: no host '${name}' in the manifests of ${dir} (hosts: ${known}). ` +
        `An oVirt host is put into maintenance through its engine.\n`,
    );
  }
  return host;
}

const OPTIONS = {
  note: { type: 'string' },
  'state-dir': { type: 'string' },
  ...ROOT_OPTIONS,
} as const;

export const command: Command = {
  name: 'drain',
  summary: 'put a host into maintenance: its guests move away, nothing new starts there',
  usage: `Usage: virtwarden drain HOST [DIR] [--note TEXT] [--state-dir DIR]

Puts HOST into maintenance until \`virtwarden undrain HOST\`: \`watch\` and \`apply\` treat it
like a host marked \`maintenance: true\` in the Site manifest — its guests are moved away and
nothing new starts there. For work that cannot wait for a reviewed commit; planned work
belongs in the manifest. Recorded in the state directory (drains.json) and in the journal.
Draining a drained host changes nothing.

HOST must be a libvirt host of DIR's manifests (default ./manifests).

Options:
      --note TEXT       recorded with the drain (why, a ticket)
      --state-dir DIR   the controller state (default: $VIRTWARDEN_STATE_DIR,
                        /var/lib/virtwarden as root, else ~/.local/state/virtwarden)
${ROOT_USAGE}
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, 2);
    const [name, dirArg] = positionals;
    if (name === undefined) throw new UsageError('expected the host to drain: `drain HOST`');
    const host = await manifestHost(name, 'drain', dirArg, io, rootOptions(io, values));
    if (!host) return 1;
    const state = openCliState(io, 'drain', values['state-dir']);
    const by = operatorName(io.env);
    const record = {
      host: name,
      since: new Date().toISOString(),
      by,
      ...(values.note !== undefined ? { note: values.note } : {}),
    };
    const inForce = await state.setDrain(record);
    if (inForce !== record) {
      io.stdout.write(
        `${name} was already drained (since ${inForce.since} by ${inForce.by}${inForce.note ? ` — ${inForce.note}` : ''}): nothing changed.\n`,
      );
      return 0;
    }
    const journal = state.journal(randomUUID());
    journal.drain(name, by, values.note);
    io.stdout.write(
      `${name} drained: its guests move away and nothing new starts there at the next \`watch\` pass or \`apply\`` +
        `${host.maintenance ? ' (it is also in maintenance in the manifests)' : ''}. Undo with \`virtwarden undrain ${name}\`.\n`,
    );
    return journalOutcome(io, 'drain', journal);
  },
};

export const undrainCommand: Command = {
  name: 'undrain',
  summary: 'end a drain: the host takes guests again',
  usage: `Usage: virtwarden undrain HOST [DIR] [--state-dir DIR]

Ends \`virtwarden drain HOST\`: the host may run guests again (their placement decides which;
a host marked \`maintenance: true\` in the Site manifest stays in maintenance). Recorded in the
journal. HOST must be a libvirt host of DIR's manifests (default ./manifests).

Options:
      --state-dir DIR   the controller state (default: $VIRTWARDEN_STATE_DIR,
                        /var/lib/virtwarden as root, else ~/.local/state/virtwarden)
${ROOT_USAGE}
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { 'state-dir': OPTIONS['state-dir'], ...ROOT_OPTIONS },
      2,
    );
    const [name, dirArg] = positionals;
    if (name === undefined) throw new UsageError('expected the host to undrain: `undrain HOST`');
    const host = await manifestHost(name, 'undrain', dirArg, io, rootOptions(io, values));
    if (!host) return 1;
    const state = openCliState(io, 'undrain', values['state-dir']);
    const removed = await state.clearDrain(name);
    if (!removed) {
      io.stdout.write(`${name} was not drained: nothing changed.\n`);
      return 0;
    }
    const journal = state.journal(randomUUID());
    journal.undrain(name, operatorName(io.env));
    io.stdout.write(
      `${name} undrained (drained since ${removed.since} by ${removed.by})` +
        `${host.maintenance ? `; it stays in maintenance: the manifests say \`maintenance: true\`` : ''}.\n`,
    );
    return journalOutcome(io, 'undrain', journal);
  },
};
