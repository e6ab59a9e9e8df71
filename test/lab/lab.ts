/**
 * startLab: N private libvirtd hosts plus the tiny guest. Cleaned up by destroy(); if the owner
 * dies first, by the reapers and the lab's guardian (or exit hooks outside jest); and whatever
 * is left, by the next startLab's sweep.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { buildArtifacts } from './build.js';
import { LabError, LabErrorCode } from './errors.js';
import { startGuardian, type Guardian } from './guardian.js';
import { runCommand } from './exec.js';
import { checkGuestName, testDriverGuestXml, tinyGuestXml } from './guest-xml.js';
import { LabHostProcess } from './host.js';
import { leasePorts, type PortLease } from './ports.js';
import { createLabDir, purgeLabDirSync, registerCleanup, sweepStaleLabs } from './registry.js';
import { countBoots, lastUptime, waitUptime } from './serial.js';
import type { GuestXmlOptions, Lab, LabHost, StartLabOptions } from './types.js';

const MAX_HOSTS = 16;
/** sun_path holds 108 bytes; the admin socket is the longest path a host uses. */
const MAX_SOCKET_PATH = 100;

class RunningLab implements Lab {
  readonly dir: string;
  readonly guestKernel: string;
  readonly #hosts: LabHostProcess[] = [];
  readonly #leases: PortLease[] = [];
  readonly #loopDevices = new Set<string>();
  readonly #guardian: Guardian;
  #unregister: () => void = () => undefined;
  #destroyed = false;

  constructor(dir: string, guestKernel: string) {
    this.dir = dir;
    this.guestKernel = guestKernel;
    this.#guardian = startGuardian(dir);
    this.#unregister = registerCleanup(() => {
      this.#killSync();
    });
  }

  get hosts(): readonly LabHost[] {
    return this.#hosts;
  }

  async addHosts(count: number, keeper: boolean, reaperPath: string): Promise<void> {
    this.#leases.push(...(await leasePorts(count)));
    const starts = this.#leases.map((lease, index) => {
      const name = `h${String(index + 1)}`;
      return LabHostProcess.start({
        name,
        dir: path.join(this.dir, name),
        reaperPath,
        keeper,
        hostUuid: randomUUID(),
        migrationPorts: lease.migration,
        displayPorts: lease.display,
      });
    });
    const results = await Promise.allSettled(starts);
    for (const result of results) if (result.status === 'fulfilled') this.#hosts.push(result.value);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }

  host(name: string): LabHost {
    const host = this.#hosts.find((candidate) => candidate.name === name);
    if (host === undefined)
      throw new LabError(
        LabErrorCode.BadInput,
        `no host ${JSON.stringify(name)} in lab ${this.dir}`,
      );
    return host;
  }

  guestXml(name: string, opts: GuestXmlOptions = {}): string {
    return tinyGuestXml(name, this.guestKernel, this.serialLogPath(name), opts);
  }

  testGuestXml(name: string, opts: { uuid?: string; running?: boolean } = {}): string {
    return testDriverGuestXml(name, opts);
  }

  serialLogPath(guest: string): string {
    checkGuestName(guest);
    return path.join(this.dir, 'serial', `${guest}.log`);
  }

  readUptime(guest: string): Promise<number | undefined> {
    return lastUptime(this.serialLogPath(guest));
  }

  bootCount(guest: string): Promise<number> {
    return countBoots(this.serialLogPath(guest));
  }

  waitForUptime(guest: string, n: number, timeoutMs = 20_000): Promise<number> {
    return waitUptime(this.serialLogPath(guest), n, timeoutMs);
  }

  async makeDiskFile(name: string, sizeMiB: number): Promise<string> {
    checkGuestName(name, 'disk name');
    if (!Number.isInteger(sizeMiB) || sizeMiB < 1) {
      throw new LabError(
        LabErrorCode.BadInput,
        `sizeMiB must be a positive integer, got ${String(sizeMiB)}`,
      );
    }
    const file = path.join(this.dir, 'disks', `${name}.img`);
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, 'wx');
    try {
      await handle.truncate(sizeMiB * 1024 * 1024); // sparse: costs no disk space until written
    } finally {
      await handle.close();
    }
    return file;
  }

  async attachLoopDevice(file: string): Promise<string> {
    const { stdout } = await runCommand('losetup', ['--find', '--show', file]);
    const device = stdout.trim();
    this.#loopDevices.add(device);
    return device;
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    await Promise.all(this.#hosts.map((host) => host.terminate()));
    for (const device of this.#loopDevices) {
      await runCommand('losetup', ['-d', device]).catch(() => undefined);
    }
    for (const lease of this.#leases) lease.release();
    this.#guardian.release();
    // Sweep by command line too: catches anything a host lost track of (e.g. a failed start).
    purgeLabDirSync(this.dir);
    await rm(this.dir, { recursive: true, force: true });
    this.#unregister();
  }

  #killSync(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const host of this.#hosts) host.killSync();
    for (const lease of this.#leases) lease.release();
    this.#guardian.release();
    purgeLabDirSync(this.dir);
  }
}

function labLabel(name: string | undefined): string {
  const label = (name ?? 'lab')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 12);
  return label === '' ? 'lab' : label;
}

/** Start a lab of `opts.hosts` libvirtd hosts (h1…hN), each serving the qemu and test drivers. */
export async function startLab(opts: StartLabOptions): Promise<Lab> {
  if (!Number.isInteger(opts.hosts) || opts.hosts < 1 || opts.hosts > MAX_HOSTS) {
    throw new LabError(
      LabErrorCode.BadInput,
      `hosts must be an integer from 1 to ${String(MAX_HOSTS)}, got ${String(opts.hosts)}`,
    );
  }
  sweepStaleLabs();
  const artifacts = await buildArtifacts();
  const dir = createLabDir(labLabel(opts.name));
  const lab = new RunningLab(dir, artifacts.guestKernel);
  try {
    const longest = path.join(dir, `h${String(opts.hosts)}`, 'sock', 'libvirt-admin-sock');
    if (Buffer.byteLength(longest) > MAX_SOCKET_PATH) {
      throw new LabError(
        LabErrorCode.BadInput,
        `socket path ${longest} is longer than ${String(MAX_SOCKET_PATH)} bytes: set TMPDIR to a shorter folder`,
      );
    }
    await mkdir(path.join(dir, 'serial'));
    await lab.addHosts(opts.hosts, opts.testDriverKeeper ?? false, artifacts.reaper);
    return lab;
  } catch (error) {
    // Report why the start failed, not a secondary failure of the cleanup.
    await lab.destroy().catch(() => undefined);
    throw error;
  }
}
