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
});
