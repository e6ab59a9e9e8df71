/**
 * The lab's own life cycle: the test driver with a keeper, two labs side by side, a destroy()
 * that leaves nothing behind, the sweep of labs whose owner died, and the reaper's guarantee
 * that a lab never outlives the process that started it.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabError, LabErrorCode, startLab, type Lab } from '../../lab/index.js';
import { buildArtifacts } from '../../lab/build.js';
import { startGuardian } from '../../lab/guardian.js';
import { LabHostProcess } from '../../lab/host.js';
import { descendantsOf, isAlive, readCmdline, signalAll, waitForExit } from '../../lab/proc.js';
import { LABS_ROOT, labProcesses } from '../../lab/registry.js';

let lab: Lab;

beforeAll(async () => {
  lab = await startLab({ hosts: 1, testDriverKeeper: true, name: 'lifecycle' });
}, 60_000);

afterAll(async () => {
  await lab.destroy();
});

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error(`could not start ${child.spawnfile}`);
  return child.pid;
}

/** Start a process, wait for it to exit, and return its (now unused) pid. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  return pidOf(child);
}

describe('the test driver behind a keeper', () => {
  test('a domain defined on one connection is visible and startable on others', async () => {
    const host = lab.host('h1');
    await host.defineXml(lab.testGuestXml('t1'), { uri: 'test' });
    expect((await host.virsh(['list', '--all', '--name'], { uri: 'test' })).split('\n')).toContain(
      't1',
    );
    await host.virsh(['start', 't1'], { uri: 'test' });
    expect((await host.virsh(['domstate', 't1'], { uri: 'test' })).trim()).toBe('running');
    expect((await host.virsh(['domuuid', 't1'], { uri: 'test' })).trim()).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });
});

describe('several labs', () => {
  test('two labs at once get disjoint ports, their own host UUIDs and their own guests', async () => {
    const other = await startLab({ hosts: 1, name: 'second' });
    try {
      const [mine, theirs] = [lab.host('h1'), other.host('h1')];
      expect(theirs.hostUuid).not.toBe(mine.hostUuid);
      for (const range of [theirs.migrationPorts, theirs.displayPorts]) {
        for (const taken of [mine.migrationPorts, mine.displayPorts]) {
          expect(range.max < taken.min || range.min > taken.max).toBe(true);
        }
        expect(range.min).toBeLessThan(range.max);
      }
      await theirs.defineXml(other.testGuestXml('only-there'), { uri: 'test' });
      expect(await mine.virsh(['list', '--all', '--name'], { uri: 'test' })).not.toContain(
        'only-there',
      );
    } finally {
      await other.destroy();
    }
  });

  test('destroy() leaves no daemon, guest, keeper or folder behind', async () => {
    const doomed = await startLab({ hosts: 2, testDriverKeeper: true, name: 'doomed' });
    const host = doomed.host('h2');
    await host.defineXml(doomed.guestXml('victim'));
    await host.virsh(['start', 'victim']);
    const qemu = host.qemuPid('victim');
    const daemons = doomed.hosts.map((h) => h.libvirtdPid());
    const everything = labProcesses(doomed.dir);
    expect(qemu).toBeDefined();
    expect(everything).toEqual(expect.arrayContaining([...daemons, qemu ?? 0]));
    await doomed.destroy();
    expect(await waitForExit(everything, 2_000)).toBe(true);
    expect(existsSync(doomed.dir)).toBe(false);
    expect(labProcesses(doomed.dir)).toEqual([]);
  }, 30_000);

  test('startLab sweeps a lab whose owner died, with its processes', async () => {
    const stale = await mkdtemp(path.join(LABS_ROOT, 'stale-'));
    await writeFile(path.join(stale, 'owner'), `${String(await deadPid())} 0`);
    await mkdir(path.join(stale, 'h1'));
    // Stands in for a daemon left behind: its command line names the lab folder.
    const leftover = spawn('sh', ['-c', 'sleep 300', path.join(stale, 'h1', 'marker')], {
      stdio: 'ignore',
    });
    leftover.unref();
    const leftoverPid = pidOf(leftover);
    try {
      await sleep(50);
      expect(isAlive(leftoverPid)).toBe(true);
      const next = await startLab({ hosts: 1, name: 'sweeper' });
      await next.destroy();
      expect(await waitForExit([leftoverPid], 2_000)).toBe(true);
      expect(existsSync(stale)).toBe(false);
    } finally {
      signalAll([leftoverPid, ...descendantsOf([leftoverPid])], 'SIGKILL');
    }
  });
});

describe('the guardian', () => {
  test('removes the lab folder when its owner goes away, and nothing once released', async () => {
    const [orphaned, released] = await Promise.all([
      mkdtemp(path.join(os.tmpdir(), 'vw-guard-')),
      mkdtemp(path.join(os.tmpdir(), 'vw-guard-')),
    ]);
    try {
      await writeFile(path.join(orphaned, 'owner'), 'x');
      await writeFile(path.join(released, 'owner'), 'x');
      const lost = startGuardian(orphaned);
      const kept = startGuardian(released);
      lost.orphan(); // what the owner's death does to the pipe
      kept.release();
      expect(await waitForExit([lost.pid ?? 0, kept.pid ?? 0], 5_000)).toBe(true);
      expect(existsSync(orphaned)).toBe(false);
      expect(existsSync(path.join(released, 'owner'))).toBe(true);
    } finally {
      await rm(orphaned, { recursive: true, force: true });
      await rm(released, { recursive: true, force: true });
    }
  });
});

describe('the reaper', () => {
  test('kills its children, including reparented grandchildren, when its parent dies', async () => {
    const { reaper } = await buildArtifacts();
    // sh is the reaper's parent (`; :` keeps sh from exec'ing it). Under the reaper: `sleep 301`
    // (its child) and `sleep 300`, whose own parent exits at once, as a daemonizing QEMU does.
    const script = `${reaper} sh -c '(sleep 300 &); exec sleep 301'; :`;
    const parent = spawn('sh', ['-c', script], { stdio: 'ignore' });
    parent.unref();
    const parentPid = pidOf(parent);
    let sleepers: number[] = [];
    try {
      for (let tries = 0; tries < 100 && sleepers.length < 2; tries++) {
        await sleep(20);
        const reaperPid = descendantsOf([parentPid]).find((pid) => readCmdline(pid)[0] === reaper);
        sleepers = descendantsOf(reaperPid === undefined ? [] : [reaperPid]).filter(
          (pid) => readCmdline(pid)[0] === 'sleep',
        );
      }
      expect(sleepers).toHaveLength(2);
      process.kill(parentPid, 'SIGKILL');
      expect(await waitForExit(sleepers, 2_000)).toBe(true);
    } finally {
      signalAll([parentPid, ...sleepers], 'SIGKILL');
    }
  });
});

describe('a host that cannot start', () => {
  test('fails with LAB_HOST_START_FAILED and the tail of its libvirtd log', async () => {
    const { reaper } = await buildArtifacts();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vw-badhost-'));
    try {
      const start = LabHostProcess.start({
        name: 'h1',
        dir,
        reaperPath: reaper,
        keeper: false,
        hostUuid: randomUUID(),
        migrationPorts: { min: 24_000, max: 24_000 }, // libvirt refuses min == max
        displayPorts: { min: 24_010, max: 24_019 },
      });
      const error = await start.then(
        async (host) => {
          await host.terminate();
          return undefined;
        },
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(LabError);
      expect(error).toMatchObject({ code: LabErrorCode.HostStartFailed });
      expect((error as Error).message).toContain(
        'start port 24000 must be less than end port 24000',
      );
      expect((error as Error).message).toContain('libvirtd.log');
      expect(labProcesses(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('bad input', () => {
  test('is rejected with LAB_BAD_INPUT naming the problem', async () => {
    await expect(startLab({ hosts: 0 })).rejects.toMatchObject({ code: LabErrorCode.BadInput });
    expect(() => lab.guestXml('no spaces')).toThrow(LabError);
    expect(() => lab.guestXml('g', { uuid: 'nope' })).toThrow(/uuid "nope" is not a UUID/);
    expect(() => lab.host('h9')).toThrow(/no host "h9"/);
    await expect(lab.makeDiskFile('d', 0)).rejects.toMatchObject({ code: LabErrorCode.BadInput });
  });
});

describe('disk files', () => {
  test('makeDiskFile creates a sparse raw file a loop device can attach', async () => {
    const file = await lab.makeDiskFile('data', 16);
    const device = await lab.attachLoopDevice(file);
    expect(device).toMatch(/^\/dev\/loop\d+$/);
    const { stdout } = await import('../../lab/exec.js').then(({ runCommand }) =>
      runCommand('blockdev', ['--getsize64', device]),
    );
    expect(Number(stdout.trim())).toBe(16 * 1024 * 1024);
  });
});
