/**
 * Hooks (fence agents) as real processes: bounded by their timeout even when a grandchild
 * holds the pipes, killed as a whole process group (nothing survives, checked in /proc),
 * judged on exit, and run with a clean environment (no secret of virtwarden's own).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { runHook, type HookResult } from '../../../src/providers/exec/run-hook.js';

/** Live processes of process group `pgid` (zombies count as gone). */
async function groupMembers(pgid: number): Promise<string[]> {
  const out: string[] = [];
  for (const pid of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    let stat: string;
    try {
      stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') out.push(`${pid} ${stat.slice(0, 40)}`);
  }
  return out;
}

async function expectGroupGone(r: HookResult): Promise<void> {
  expect(r.pid).toEqual(expect.any(Number));
  // SIGKILL is delivered at once, but the kernel may take a moment to tear a process down.
  const deadline = Date.now() + 2000;
  let left = await groupMembers(r.pid ?? -1);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, 50));
    left = await groupMembers(r.pid ?? -1);
  }
  expect(left).toEqual([]);
}

const savedSecret = process.env.RHEVM_PASSWORD;
afterEach(() => {
  if (savedSecret === undefined) delete process.env.RHEVM_PASSWORD;
  else process.env.RHEVM_PASSWORD = savedSecret;
});

describe('runHook', () => {
  it('a hook whose child sleeps on is reported timed out at its timeout, and nothing survives', async () => {
    const t0 = Date.now();
    const r = await runHook({ argv: ['sh', '-c', 'sleep 100000; exit 0'], timeoutSeconds: 1 });
    const elapsed = Date.now() - t0;
    process.stdout.write(`runHook timeout 1 s: reported after ${elapsed} ms\n`);
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.signal).toBe('SIGTERM');
    // ~1 s on a quiet machine; the bound only says it is the timeout, not the sleep, that ends it.
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(4000);
    await expectGroupGone(r);
  }, 15_000);

  it('a hook that ignores SIGTERM is killed with SIGKILL after the grace', async () => {
    const r = await runHook(
      { argv: ['sh', '-c', 'trap "" TERM; sleep 100000; exit 0'], timeoutSeconds: 1 },
      { killGraceMs: 300 },
    );
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(r.durationMs).toBeLessThan(5000);
    await expectGroupGone(r);
  }, 15_000);

  it('completion is judged on exit: a background child holding the pipes neither delays nor outlives it', async () => {
    const r = await runHook({
      argv: ['sh', '-c', 'echo powered off; sleep 100000 & exit 0'],
      timeoutSeconds: 30,
    });
    expect(r).toMatchObject({ exitCode: 0, timedOut: false, signal: null });
    expect(r.stdout).toBe('powered off\n');
    expect(r.durationMs).toBeLessThan(5000);
    await expectGroupGone(r);
  }, 15_000);

  it('returns exit status and output of an ordinary hook', async () => {
    const r = await runHook({
      argv: ['sh', '-c', 'echo off; echo oops >&2; exit 3'],
      timeoutSeconds: 5,
    });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'off\n', stderr: 'oops\n', timedOut: false });
  });

  it('reports a command that cannot be started', async () => {
    const r = await runHook({ argv: ['/nonexistent/fence_agent'], timeoutSeconds: 5 });
    expect(r.spawnError).toMatch(/ENOENT/);
  });

  it("runs with a clean environment: virtwarden's secrets are not passed, explicit variables are", async () => {
    process.env.RHEVM_PASSWORD = 'vw-test-secret-8d1f';
    const r = await runHook({ argv: ['env'], timeoutSeconds: 5 }, { env: { FENCE_LOGIN: 'ipmi' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toContain('vw-test-secret-8d1f');
    expect(r.stdout).not.toContain('RHEVM_PASSWORD');
    expect(r.stdout).toContain('FENCE_LOGIN=ipmi');
    expect(r.stdout).toMatch(/^PATH=/m);
    const names = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.slice(0, l.indexOf('=')));
    expect(
      names.every((n) =>
        ['PATH', 'LANG', 'TZ', 'HOME', 'FENCE_LOGIN', 'PWD', 'SHLVL', '_'].includes(n),
      ),
    ).toBe(true);
  });

  it('passes LC_* and what passEnv names, and nothing else of the environment', async () => {
    process.env.RHEVM_PASSWORD = 'vw-test-secret-8d1f';
    process.env.LC_TIME = 'C.UTF-8';
    process.env.VW_HOOK_IPMI = 'ipmi-pass-91';
    process.env.VW_HOOK_OTHER = 'not-for-the-hook';
    try {
      const r = await runHook({
        argv: ['sh', '-c', 'env'],
        timeoutSeconds: 5,
        passEnv: ['VW_HOOK_IPMI', 'VW_HOOK_UNSET'],
      });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/^LC_TIME=C\.UTF-8$/m);
      expect(r.stdout).toMatch(/^VW_HOOK_IPMI=ipmi-pass-91$/m);
      expect(r.stdout).not.toContain('VW_HOOK_OTHER');
      expect(r.stdout).not.toContain('VW_HOOK_UNSET');
      expect(r.stdout).not.toContain('vw-test-secret-8d1f');
    } finally {
      delete process.env.LC_TIME;
      delete process.env.VW_HOOK_IPMI;
      delete process.env.VW_HOOK_OTHER;
    }
  });

  it('an abort kills the whole group', async () => {
    const ac = new AbortController();
    setTimeout(() => {
      ac.abort();
    }, 300);
    const r = await runHook(
      { argv: ['sh', '-c', 'sleep 100000; exit 0'], timeoutSeconds: 60 },
      { signal: ac.signal },
    );
    expect(r.signal).toBe('SIGTERM');
    expect(r.timedOut).toBe(false);
    await expectGroupGone(r);
  }, 15_000);
});
