/**
 * The controller state as the CLI commands open it: the state directory of `--state-dir`
 * (or $VIRTWARDEN_STATE_DIR, …), with bad state files reported on stderr, and the operator's
 * name for the records and the journal.
 */
import { userInfo } from 'node:os';
import type { ControllerState } from '../state/controller-state.js';
import type { Journal } from '../state/journal.js';
import { openStateDir, stateDir } from '../state/state-dir.js';
import type { CliIo } from './io.js';

export function openCliState(
  io: CliIo,
  command: string,
  override: string | undefined,
): ControllerState & { readonly dir: string } {
  return openStateDir(stateDir(io.env, override), {
    onProblem: (p) => io.stderr.write(`virtwarden ${command}: warning: ${p.message}\n`),
  });
}

/** Who runs the command: the user behind sudo, else the OS user. */
export function operatorName(env: NodeJS.ProcessEnv): string {
  const sudo = env.SUDO_USER;
  if (sudo !== undefined && sudo !== '') return sudo;
  try {
    return userInfo().username;
  } catch {
    return `uid ${String(process.getuid?.() ?? '?')}`;
  }
}

/**
 * After a command's journal lines: 0 when they are on disk, else 1 with the reason (the state
 * change itself was made; only its audit line is missing).
 */
export async function journalOutcome(io: CliIo, command: string, journal: Journal): Promise<0 | 1> {
  await journal.flush();
  const f = journal.failure;
  if (f === undefined) return 0;
  io.stderr.write(
    `virtwarden ${command}: recorded in the state, but not in the journal: ${f.message}\n`,
  );
  return 1;
}
