/**
 * `virtwarden validate [DIR]`: load the manifests, print every diagnostic like a compiler (or
 * as JSON) and a summary line. Exit 1 on any error, 0 otherwise (warnings alone pass).
 * Touches no infrastructure.
 */
import type { Command } from '../command.js';
import { outputFormat, parseCommandArgs } from '../args.js';
import { manifestDir, ROOT_OPTIONS, ROOT_USAGE, rootOptions } from '../shared-options.js';
import { styleFor } from '../style.js';
import { countSummary, diagnosticJson, renderDiagnostics } from '../render/diagnostics.js';
import { loadManifests } from '../../manifest/index.js';
import { hasErrors } from '../../model/diagnostic.js';

export const command: Command = {
  name: 'validate',
  summary: 'check manifests and print diagnostics',
  usage: `Usage: virtwarden validate [DIR|FILE] [-o text|json]

Checks the manifests under DIR (default ./manifests, *.yaml and *.yml recursively) or one
FILE: YAML syntax, the schema of each kind, references between objects, storage and DR rules,
and the guests' domain XML files. Contacts no host or engine.

Options:
  -o, --output text|json   output format (default text)
${ROOT_USAGE}

Exit status: 0 when there are no errors (warnings allowed), 1 otherwise.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      output: { type: 'string', short: 'o' },
      ...ROOT_OPTIONS,
    });
    const format = outputFormat(values.output);
    const result = await loadManifests(manifestDir(io, positionals[0]), rootOptions(io, values));
    const failed = hasErrors(result.diagnostics);
    if (format === 'json') {
      const doc = {
        files: result.files.length,
        objects: result.objects,
        valid: !failed,
        diagnostics: result.diagnostics.map((d) => diagnosticJson(d, io.cwd)),
      };
      io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
      return failed ? 1 : 0;
    }
    io.stdout.write(
      renderDiagnostics(result.diagnostics, {
        cwd: io.cwd,
        stream: io.stdout,
        env: io.env,
        excerptFiles: result.excerptFiles,
      }),
    );
    const style = styleFor(io.stdout, io);
    const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
    const summary = countSummary(result.diagnostics);
    const counts = `${plural(result.files.length, 'file')}, ${plural(result.objects, 'object')}`;
    const verdict = failed
      ? style.red(summary)
      : summary === 'ok'
        ? style.green(summary)
        : style.yellow(summary);
    io.stdout.write(`validate: ${counts}: ${verdict}\n`);
    return failed ? 1 : 0;
  },
};
