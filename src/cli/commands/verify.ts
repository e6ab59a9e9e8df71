import type { Command } from '../command.js';
import { outputFormat, parseCommandArgs } from '../args.js';
import { withProviders } from '../infrastructure.js';
import { loadDesiredOrReport } from '../load-desired.js';
import { manifestDir, ROOT_OPTIONS, ROOT_USAGE, rootOptions } from '../shared-options.js';
import { styleFor } from '../style.js';
import { errorMessage } from '../../common/errors.js';
import type { Check } from '../../providers/provider.js';

export const command: Command = {
  name: 'verify',
  summary: 'check the environment: hosts and engines reachable, storage present, no HA conflicts',
  usage: `Usage: virtwarden verify [DIR] [-o text|json]

Checks, without changing anything, that the infrastructure can do what the manifests in DIR
(default ./manifests) ask: every host or engine answers; oVirt credentials work, each managed
VM exists and the engine's own HA is off for it; storage sources exist under the same name on
every host a guest may run on, pools and golden images exist, and a guest that may
live-migrate has no host-local disk. One line per check; exit 1 if any check fails.

Options:
  -o, --output text|json   output format (default text)
${ROOT_USAGE}
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      output: { type: 'string', short: 'o' },
      ...ROOT_OPTIONS,
    });
    const format = outputFormat(values.output);
    const dir = manifestDir(io, positionals[0]);
    const desired = await loadDesiredOrReport(dir, io, format, rootOptions(io, values));
    if (!desired) return 1;
    const bySite = await withProviders(desired, io, dir, (providers) =>
      Promise.all(
        [...providers.values()].map(async (p): Promise<[string, readonly Check[]]> => {
          try {
            return [p.site, await p.verify(desired)];
          } catch (err) {
            return [
              p.site,
              [
                {
                  name: `site ${p.site}`,
                  ok: false,
                  severity: 'error',
                  message: errorMessage(err),
                },
              ],
            ];
          }
        }),
      ),
    );
    const failed = bySite.flatMap(([, cs]) => cs).filter((c) => !c.ok && c.severity === 'error');
    if (format === 'json') {
      const sites = Object.fromEntries(bySite.map(([s, cs]) => [s, cs]));
      io.stdout.write(
        JSON.stringify({ format_version: 1, ok: failed.length === 0, sites }, null, 2) + '\n',
      );
      return failed.length === 0 ? 0 : 1;
    }
    const style = styleFor(io.stdout, io);
    for (const [site, checks] of bySite) {
      io.stdout.write(style.bold(`site ${site}`) + '\n');
      for (const c of checks) {
        const mark = c.ok
          ? style.green('✓')
          : c.severity === 'error'
            ? style.red('✗')
            : style.yellow('!');
        io.stdout.write(`  ${mark} ${c.name}: ${c.message}\n`);
      }
    }
    const total = bySite.reduce((n, [, cs]) => n + cs.length, 0);
    io.stdout.write(
      '\n' +
        (failed.length === 0
          ? style.green(`verify: ${total} checks passed`)
          : style.red(`verify: ${failed.length} of ${total} checks failed`)) +
        '\n',
    );
    return failed.length === 0 ? 0 : 1;
  },
};
