/**
 * The CLI as a separate process (`node bin/virtwarden.js …`), as CI runs it on a pull request:
 * what it prints is what an attacker who controls the manifests gets to read. The compiled
 * CLI is rebuilt first when any source is newer than it (`npm test` builds before it runs).
 */
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function newest(dir: string): number {
  let latest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    latest = Math.max(latest, e.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/** Build dist/ when src/ changed since (tsc still emits when some test file has type errors). */
export async function ensureBuilt(): Promise<void> {
  let built = 0;
  try {
    built = statSync(path.join(REPO, 'dist/cli/main.js')).mtimeMs;
  } catch {
    built = 0;
  }
  if (built >= newest(path.join(REPO, 'src'))) return;
  try {
    await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO });
  } catch {
    // type errors elsewhere do not stop tsc from emitting
  }
}

/** Run the CLI with exactly `env` (plus PATH and NO_COLOR): nothing leaks in from the test. */
export async function virtwarden(
  args: readonly string[],
  env: Record<string, string> = {},
  cwd = REPO,
): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [path.join(REPO, 'bin/virtwarden.js'), ...args],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', ...env },
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : -1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    };
  }
}

/** Everything the process printed. */
export const printed = (o: Outcome): string => o.stdout + o.stderr;
