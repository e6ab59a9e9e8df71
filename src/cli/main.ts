/**
 * The CLI dispatcher: the only place that turns an unexpected exception into "this is a bug".
 * Commands are loaded lazily so `virtwarden validate` does not pay for the libvirt binding.
 */
import type { Command } from './command.js';
import { REPORT_URL, UsageError } from './errors.js';
import { VirtwardenError } from '../common/errors.js';
import { processIo, type CliIo } from './io.js';

const commands: Readonly<Record<string, () => Promise<{ command: Command }>>> = {
  validate: () => import('./commands/validate.js'),
  plan: () => import('./commands/plan.js'),
  observe: () => import('./commands/observe.js'),
  simulate: () => import('./commands/simulate.js'),
  apply: () => import('./commands/apply.js'),
  status: () => import('./commands/status.js'),
  watch: () => import('./commands/watch.js'),
  fence: () => import('./commands/fence.js'),
  drain: () => import('./commands/drain.js'),
  undrain: () => import('./commands/drain.js').then((m) => ({ command: m.undrainCommand })),
  clear: () => import('./commands/clear.js'),
  verify: () => import('./commands/verify.js'),
};

// Kept here (not loaded from each command) so `--help` stays instant.
const SUMMARIES: Readonly<Record<string, string>> = {
  validate: 'check manifests; compiler-style diagnostics',
  plan: 'show what apply would change, and why',
  observe: 'save what the providers observe as a snapshot (plan/simulate --observed)',
  simulate: 'what watch would do if a host died, a site were lost, a guest crashed, …',
  apply: 'make the infrastructure match the manifests',
  status: 'every guest: desired, observed state, confidence, host, reason',
  watch: 'keep it so: heal crashes, host loss (after fencing) and manifest edits',
  fence: 'manual fencing: confirm a lost host is off (list, clear)',
  drain: 'put a host into maintenance: its guests move away',
  undrain: 'end a drain: the host takes guests again',
  clear: "reset a guest's failure history and FAULTED mark",
  verify: 'check the environment, one line per check',
};

function overview(): string {
  return [
    'virtwarden — declarative high availability and disaster recovery for libvirt and oVirt guests',
    '',
    'Usage: virtwarden <command> [options]',
    '',
    'Commands:',
    ...Object.keys(commands).map((name) => `  ${name.padEnd(9)} ${SUMMARIES[name] ?? ''}`),
    '',
    'Run `virtwarden <command> --help` for a command’s options.',
    '',
  ].join('\n');
}

/**
 * Exit codes: 0 success; 1 an error (nothing to plan against, an action failed, a site could not
 * be observed); 2 only `plan --detailed-exitcode`'s "changes present"; 64 a usage error
 * (sysexits' EX_USAGE: never 2, so a typo is not read as "changes"); 70 a bug of ours.
 */
export const EXIT_USAGE = 64;

export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(overview());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write('virtwarden 0.1.0\n');
    return 0;
  }
  const load = commands[name];
  if (load === undefined) {
    io.stderr.write(`virtwarden: unknown command '${name}'\n\n${overview()}`);
    return EXIT_USAGE;
  }
  try {
    const { command } = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(command.usage);
      return 0;
    }
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(
        `virtwarden ${name}: ${err.message}\nRun 'virtwarden ${name} --help' for usage.\n`,
      );
      return EXIT_USAGE;
    }
    if (err instanceof VirtwardenError) {
      io.stderr.write(`virtwarden ${name}: ${err.message}\n`);
      return 1;
    }
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    io.stderr.write(
      `virtwarden: internal error — this is a bug in virtwarden, not in your manifests.\n` +
        `Please report it at ${REPORT_URL} with the command you ran and this text:\n\n${detail}\n`,
    );
    return 70;
  }
}
