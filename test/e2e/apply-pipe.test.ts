/**
 * `virtwarden apply … | head`: the reader goes away mid-apply. The output ends; the apply does
 * not — every action it started finishes and is journaled (issue 11: it used to die on EPIPE
 * with a journal `started` and no `finished`).
 */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDriverFleet } from '../helpers/test-driver-fleet.js';

const QUICKSTART = fileURLToPath(new URL('../../manifests', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/virtwarden.js', import.meta.url));

describe('apply with a reader that goes away', () => {
  it('finishes every action and journals it when stdout is closed after the first line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vw-pipe-'));
    const state = await mkdtemp(path.join(tmpdir(), 'vw-pipe-state-'));
    try {
      await cp(QUICKSTART, dir, { recursive: true });
      const child = spawn(process.execPath, [BIN, 'apply', dir, '--auto-approve'], {
        env: { ...process.env, VIRTWARDEN_STATE_DIR: state, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      // Like `head -1`: read the first chunk, then close our end of the pipe.
      child.stdout.once('data', () => {
        child.stdout.destroy();
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(stderr).not.toContain('EPIPE');
      expect(stderr).not.toContain('internal error');
      expect(code).toBe(0);
      const lines = (await readFile(path.join(state, 'journal.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { event: string; action: string });
      const started = lines.filter((l) => l.event === 'started').map((l) => l.action);
      const finished = lines.filter((l) => l.event === 'finished').map((l) => l.action);
      expect(started.length).toBeGreaterThan(10);
      expect(finished.sort()).toEqual(started.sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(state, { recursive: true, force: true });
    }
  }, 90_000);

  it('a large JSON document reaches a slow reader whole before the process exits', async () => {
    const dir = testDriverFleet(2000);
    const state = await mkdtemp(path.join(tmpdir(), 'vw-pipe-state-'));
    try {
      const child = spawn(process.execPath, [BIN, 'plan', dir, '-o', 'json'], {
        env: { ...process.env, VIRTWARDEN_STATE_DIR: state, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const chunks: Buffer[] = [];
      // A slow reader (like `| jq` on a busy machine): the pipe fills, the writer must wait.
      child.stdout.on('data', (d: Buffer) => {
        chunks.push(d);
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 5);
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      const text = Buffer.concat(chunks).toString('utf8');
      expect(text.length).toBeGreaterThan(256 * 1024); // more than a pipe buffer holds
      const doc = JSON.parse(text) as { actions?: unknown[] };
      expect(doc.actions?.length).toBe(6000); // each guest: define on its two hosts, start
      expect(code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(state, { recursive: true, force: true });
    }
  }, 120_000);
});
