/**
 * Real child processes for the state directory's integration tests: each runs a small ES
 * module against the built code in dist/ (as `virtwarden` itself would), so several
 * processes contend for the same locks and files.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** `import … from` specifier of a built module, e.g. dist('state/lock.js'). */
export function dist(module: string): string {
  return JSON.stringify(new URL(`dist/${module}`, `file://${REPO}`).href);
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const name of existsSync(dir) ? await readdir(dir) : []) {
    newest = Math.max(newest, (await stat(path.join(dir, name))).mtimeMs);
  }
  return newest;
}

/** Build dist/ when src/state or src/common is newer than it (`npm test` builds first anyway). */
export async function ensureBuilt(): Promise<void> {
  const folders = ['state', 'common'];
  const src = Math.max(
    ...(await Promise.all(folders.map((f) => newestMtime(path.join(REPO, 'src', f))))),
  );
  const built = Math.min(
    ...(await Promise.all(folders.map((f) => newestMtime(path.join(REPO, 'dist', f))))),
  );
  if (built >= src) return;
  try {
    await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO });
  } catch {
    // Type errors elsewhere in the tree do not stop tsc from emitting.
  }
  if (!existsSync(path.join(REPO, 'dist/state/state-dir.js')))
    throw new Error('dist/ did not build');
}

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Every line the child printed so far. */
  readonly lines: string[];
  /** Resolves with the first line matching `re` (rejects if the child exits first). */
  line(re: RegExp, timeoutMs?: number): Promise<string>;
  send(text: string): void;
  readonly exited: Promise<ChildExit>;
}

/** Run ES module source `code` in a new node process. */
export function startChild(code: string, env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<{ re: RegExp; resolve: (l: string) => void }>();
  let buf = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const l = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(l);
      for (const w of [...waiters]) {
        if (!w.re.test(l)) continue;
        waiters.delete(w);
        w.resolve(l);
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<ChildExit>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal, stderr });
    });
  });
  return {
    process: child,
    pid: child.pid ?? -1,
    lines,
    exited,
    send: (text) => child.stdin.write(text),
    line: (re, timeoutMs = 30_000) => {
      const seen = lines.find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no line matching ${String(re)} in ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        waiters.add({
          re,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        exited
          .then((e) => {
            clearTimeout(timer);
            reject(
              new Error(
                `child exited (${String(e.code ?? e.signal)}) before ${String(re)}: ${e.stderr}`,
              ),
            );
          })
          .catch(() => undefined);
      });
    },
  };
}
