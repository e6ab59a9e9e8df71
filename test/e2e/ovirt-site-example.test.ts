/**
 * examples/ovirt-site/README.md, step by step, with real processes: the engine simulator from
 * the repository root's `bin/virtwarden-ovirt-sim.js` (a forwarder to the workspace package's
 * bin) with `--write-ca`, then `virtwarden verify`, `plan`, `apply --auto-approve` and `status`
 * on the example's manifests. The only change to them is the port: the README's 8443 may be
 * taken on a shared machine.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = path.join(ROOT, 'examples/ovirt-site');
const SIM_BIN = path.join(ROOT, 'bin/virtwarden-ovirt-sim.js');
const CLI_BIN = path.join(ROOT, 'bin/virtwarden.js');
const README_URL = 'https://127.0.0.1:8443/ovirt-engine/api';

let dir: string;
let state: string;
let sim: ChildProcessWithoutNullStreams;
let simExit: Promise<number | null>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-ovirt-site-'));
  state = await mkdtemp(path.join(tmpdir(), 'vw-ovirt-site-state-'));
  sim = spawn(
    process.execPath,
    [SIM_BIN, '--port', '0', '--step-ms', '50', '--write-ca', path.join(dir, 'ca.pem')],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  simExit = new Promise((resolve) => sim.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    sim.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    sim.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const match = /API: +(https:\/\/\S+)\n/.exec(out);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    sim.once('exit', (code) => {
      reject(new Error(`the simulator exited ${String(code)}: ${err}`));
    });
  });
  for (const file of ['site.yaml', 'guests.yaml']) {
    const text = await readFile(path.join(EXAMPLE, file), 'utf8');
    if (file === 'site.yaml') expect(text).toContain(README_URL);
    await writeFile(path.join(dir, file), text.replace(README_URL, url));
  }
}, 30_000);

afterAll(async () => {
  sim.kill('SIGTERM');
  await simExit;
  await rm(dir, { recursive: true, force: true });
  await rm(state, { recursive: true, force: true });
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function virtwarden(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_BIN, ...args],
      {
        env: {
          ...process.env,
          OVIRT_PASSWORD: 'secret',
          VIRTWARDEN_STATE_DIR: state,
          NO_COLOR: '1',
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const line = (text: string, pattern: RegExp): string =>
  text.split('\n').find((l) => pattern.test(l)) ?? '';

describe('examples/ovirt-site against the engine simulator', () => {
  it('verify passes every check, with the CA written by --write-ca', async () => {
    expect(existsSync(path.join(dir, 'ca.pem'))).toBe(true);
    const run = await virtwarden('verify', dir);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('credentials valid');
    expect(run.stdout).toMatch(/verify: \d+ checks passed/);
    expect(run.code).toBe(0);
  }, 60_000);

  it('plan starts finance-app and stops license-server, as the README says', async () => {
    const run = await virtwarden('plan', dir);
    expect(run.code).toBe(0);
    expect(line(run.stdout, /guest\/finance-app/)).toMatch(/start/);
    expect(line(run.stdout, /guest\/license-server/)).toMatch(/stop/);
    expect(run.stdout).toContain('Plan: 2 actions (1 start, 1 stop).');
  }, 60_000);

  it('apply converges the site and status then shows it', async () => {
    const apply = await virtwarden('apply', dir, '--auto-approve');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('2 done, 0 already so, 0 failed');
    const status = await virtwarden('status', dir);
    expect(status.code).toBe(0);
    for (const vm of ['finance-db', 'finance-app', 'finance-web']) {
      expect(line(status.stdout, new RegExp(`^${vm} `))).toMatch(/running +ONLINE/);
    }
    expect(line(status.stdout, /^license-server /)).toMatch(/stopped +OFFLINE/);
    expect(status.stdout).toContain('all converged');
  }, 60_000);
});
