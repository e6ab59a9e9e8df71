/**
 * The package's bin, `virtwarden-ovirt-sim`, as a user runs it: a real process from the built
 * package (dist/, made by `npm run build`), which serves until SIGTERM and then exits 0.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ADMIN } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/virtwarden-ovirt-sim.js', import.meta.url));

/** Collects a stream's text and resolves once it matches `pattern`. */
function waitForOutput(
  child: ChildProcessWithoutNullStreams,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      reject(
        new Error(`no ${String(pattern)} within ${timeoutMs} ms; stdout: ${out} stderr: ${err}`),
      );
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const match = pattern.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${String(code)} before ${String(pattern)}; stderr: ${err}`));
    });
  });
}

const exitCode = (child: ChildProcessWithoutNullStreams): Promise<number | null> =>
  child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', resolve));

describe('bin/virtwarden-ovirt-sim.js', () => {
  it('serves the API until SIGTERM, then exits 0', async () => {
    const child = spawn(process.execPath, [BIN, '--no-tls', '--port', '0', '--step-ms', '20'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      const [, url] = await waitForOutput(child, /API: +(http:\/\/\S+)\n/, 20_000);
      const auth = `Basic ${Buffer.from(`${ADMIN.name}:${ADMIN.password}`).toString('base64')}`;
      const res = await fetch(`${url ?? ''}/vms`, { headers: { authorization: auth } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<name>finance-db</name>');
      child.kill('SIGTERM');
      expect(await exitCode(child)).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);

  it('exits 2 with the usage on a bad argument', async () => {
    const child = spawn(process.execPath, [BIN, '--port', 'x'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    expect(await exitCode(child)).toBe(2);
    expect(err).toContain("--port: 'x' is not a non-negative integer");
    expect(err).toContain('usage: virtwarden-ovirt-sim');
  }, 30_000);
});
