/**
 * The binding as a process sees it (each check in a child Node process): libvirt prints
 * nothing to stderr, 100,000 calls leave memory flat, and an open, subscribed connection does
 * not keep Node alive.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const child = (script: string, args: readonly string[] = [], timeout = 120_000) =>
  spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(new URL(script, import.meta.url)), ...args],
    { encoding: 'utf8', timeout },
  );

describe('binding in a process', () => {
  it('prints nothing to stderr on libvirt errors, and 100,000 calls leave memory flat', () => {
    const r = child('./leak-check.cjs', ['100000']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout) as { calls: number; failed: number; growthMiB: number };
    process.stdout.write(
      `binding leak check: ${String(result.calls)} calls (${String(result.failed)} failing), ` +
        `RSS growth ${result.growthMiB.toFixed(1)} MiB\n`,
    );
    expect(result.calls).toBe(100_000);
    expect(result.failed).toBe(10_000);
    expect(result.growthMiB).toBeLessThan(8);
  }, 150_000);

  it('exits on its own with a connection still open and subscribed (events are unref’d)', () => {
    const t0 = Date.now();
    const r = child('./exit-check.cjs', [], 20_000);
    expect(r.signal).toBeNull(); // not killed by the timeout
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('defined/added\n');
    expect(r.stderr).toBe('');
    expect(Date.now() - t0).toBeLessThan(10_000);
  }, 30_000);
});
