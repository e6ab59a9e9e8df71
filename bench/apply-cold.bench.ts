/**
 * Benchmark (issue 12): a whole-process `virtwarden apply --auto-approve` of a cold fleet —
 * every guest defined on its two hosts and started on the first — on libvirt's embedded test
 * driver (10 hosts, node XML files), at 100, 1,000 and 5,000 guests, with default settings
 * (start grace 0: the test driver's guests cannot fail after a start). Goal: linear, 1,000 ≤ 5 s
 * and 5,000 ≤ 25 s. Prints wall time per run and per guest.
 *
 *   npm run build && npm run bench -- bench/apply-cold.bench.ts
 *   APPLY_COLD_SIZES=100,1000 npm run bench -- bench/apply-cold.bench.ts
 */
import { expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDriverFleet } from '../test/helpers/test-driver-fleet.js';
import { table } from './bench-util.js';

const BIN = fileURLToPath(new URL('../bin/virtwarden.js', import.meta.url));
const SIZES = (process.env.APPLY_COLD_SIZES ?? '100,1000,5000').split(',').map(Number);
const HOSTS = 10;

function applyOnce(dir: string, stateDir: string): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, 'apply', dir, '--auto-approve', '-o', 'json'], {
      env: { ...process.env, VIRTWARDEN_STATE_DIR: stateDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve({ ms, out });
      else reject(new Error(`apply exited ${String(code)}: ${err.slice(-2000)}`));
    });
  });
}

it('apply of a cold fleet grows linearly with its size', async () => {
  const rows: string[][] = [];
  const perGuest: number[] = [];
  for (const n of SIZES) {
    const dir = testDriverFleet(n, HOSTS);
    const state = mkdtempSync(path.join(tmpdir(), 'vw-apply-cold-state-'));
    try {
      const { ms, out } = await applyOnce(dir, state);
      const doc = JSON.parse(out) as { results?: { status: string }[] };
      const done = (doc.results ?? []).filter((r) => r.status === 'done').length;
      perGuest.push(ms / n);
      rows.push([String(n), (ms / 1000).toFixed(2), (ms / n).toFixed(2), String(done)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(state, { recursive: true, force: true });
    }
  }
  console.log(
    table(
      `apply --auto-approve of a cold fleet, whole process, embedded test driver, ${String(HOSTS)} hosts`,
      [['guests', 'wall s', 'ms/guest', 'actions done'], ...rows],
    ),
  );
  expect(perGuest.length).toBe(SIZES.length);
}, 3_600_000);
