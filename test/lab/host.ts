/**
 * One private libvirtd "host": a libvirtd in its own mount namespace, under the child-subreaper,
 * with its own sockets, state folders and host UUID (see host-config.ts for the files).
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { saveCapabilities, seedCapabilities } from './caps-cache.js';
import { LabError, LabErrorCode } from './errors.js';
import { runCommand } from './exec.js';
import { daemonLogTail, launchDaemon, startError, waitUntilReady } from './daemon.js';
import { writeHostFiles, type HostIdentity } from './host-config.js';
import { startKeeper, type Keeper } from './keeper.js';
import { descendantsOf, isAlive, readCmdline, signalAll, waitForExit } from './proc.js';
import type { LabHost, LabPortRange } from './types.js';

const STOP_TIMEOUT_MS = 15_000;

/** Everything a host needs to know at construction. */
export interface HostParams extends HostIdentity {
  readonly name: string;
  readonly reaperPath: string;
  readonly keeper: boolean;
}

function isQemu(pid: number): boolean {
  return path.basename(readCmdline(pid)[0] ?? '').startsWith('qemu-system');
}

/** A libvirtd host of the lab. Create with `await LabHostProcess.start(params)`. */
export class LabHostProcess implements LabHost {
  readonly name: string;
  readonly dir: string;
  readonly qemuUri: string;
  readonly testUri: string;
  readonly adminUri: string;
  readonly hostUuid: string;
  readonly migrationPorts: LabPortRange;
  readonly displayPorts: LabPortRange;
  readonly #params: HostParams;
  /** Every reaper still alive: the current daemon's, and older ones still holding guests after stop(). */
  readonly #reapers = new Map<ChildProcess, Promise<void>>();
  #daemon: { readonly reaper: ChildProcess; readonly libvirtdPid: number } | undefined;
  #keeper: Keeper | undefined;

  private constructor(params: HostParams) {
    this.#params = params;
    this.name = params.name;
    this.dir = params.dir;
    const socket = path.join(params.dir, 'sock', 'libvirt-sock');
    this.qemuUri = `qemu+unix:///system?socket=${socket}`;
    this.testUri = `test+unix:///default?socket=${socket}`;
    this.adminUri = `libvirtd:///system?socket=${path.join(params.dir, 'sock', 'libvirt-admin-sock')}`;
    this.hostUuid = params.hostUuid;
    this.migrationPorts = params.migrationPorts;
    this.displayPorts = params.displayPorts;
  }

  /** Write the host's files and start its daemon (and keeper); resolves once virsh can talk to it. */
  static async start(params: HostParams): Promise<LabHostProcess> {
    const host = new LabHostProcess(params);
    await writeHostFiles(params);
    const seeded = await seedCapabilities(params.dir);
    await host.#startDaemon();
    if (!seeded) await saveCapabilities(params.dir);
    return host;
  }

  libvirtdPid(): number {
    if (this.#daemon === undefined) {
      throw new LabError(LabErrorCode.HostState, `host ${this.name}: libvirtd is not running`);
    }
    return this.#daemon.libvirtdPid;
  }

  isRunning(): boolean {
    return this.#daemon !== undefined;
  }

  async crash(): Promise<void> {
    if (!(await this.terminate())) {
      throw new LabError(LabErrorCode.Timeout, `host ${this.name}: processes survived SIGKILL`);
    }
  }

  /**
   * SIGKILL libvirtd, its guests and the keeper, then let the reapers reap them and exit on
   * their own (killing a reaper first would leave its children's zombies to the slow PID 1).
   * False if something outlived the wait.
   */
  async terminate(): Promise<boolean> {
    const victims = this.#allProcesses();
    signalAll(victims, 'SIGKILL');
    this.#keeper = undefined;
    this.#daemon = undefined;
    if (!(await this.#settle())) {
      signalAll(this.#reaperPids(), 'SIGKILL');
      await this.#settle();
    }
    return waitForExit(victims, STOP_TIMEOUT_MS);
  }

  freeze(): void {
    process.kill(this.libvirtdPid(), 'SIGSTOP');
  }

  thaw(): void {
    process.kill(this.libvirtdPid(), 'SIGCONT');
  }

  async restart(opts: { wipeRun?: boolean } = {}): Promise<void> {
    if (this.#daemon !== undefined) {
      throw new LabError(
        LabErrorCode.HostState,
        `host ${this.name}: restart() needs a stopped or crashed daemon`,
      );
    }
    if (opts.wipeRun === true) {
      // A reboot: whatever guest survived a stop() dies with the machine, /run starts empty.
      const guests = this.#guestProcesses();
      signalAll(guests, 'SIGKILL');
      await waitForExit(guests, STOP_TIMEOUT_MS);
      const run = path.join(this.dir, 'run');
      for (const entry of readdirSync(run))
        await rm(path.join(run, entry), { recursive: true, force: true });
    }
    await this.#startDaemon();
  }

  async stop(): Promise<void> {
    const daemon = this.#daemon;
    if (daemon === undefined) return;
    this.#keeper?.stop();
    this.#keeper = undefined;
    signalAll([daemon.libvirtdPid], 'SIGCONT'); // a frozen daemon cannot handle SIGTERM
    daemon.reaper.kill('SIGTERM'); // forwarded to libvirtd only; guests keep running
    if (!(await waitForExit([daemon.libvirtdPid], STOP_TIMEOUT_MS))) {
      signalAll([daemon.libvirtdPid], 'SIGKILL');
      await waitForExit([daemon.libvirtdPid], STOP_TIMEOUT_MS);
    }
    this.#daemon = undefined;
  }

  qemuPid(guest: string): number | undefined {
    let text: string;
    try {
      text = readFileSync(path.join(this.dir, 'run', 'qemu', `${guest}.pid`), 'utf8');
    } catch {
      return undefined;
    }
    const pid = Number(text.trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) && isQemu(pid) ? pid : undefined;
  }

  async addDeviceLink(
    kind: 'by-id' | 'by-path' | 'dmp',
    name: string,
    target: string,
  ): Promise<string> {
    const dir =
      kind === 'dmp' ? path.join(this.dir, 'dev-vx', 'dmp') : path.join(this.dir, 'dev-disk', kind);
    await mkdir(dir, { recursive: true });
    await symlink(target, path.join(dir, name));
    return kind === 'dmp' ? `/dev/vx/dmp/${name}` : `/dev/disk/${kind}/${name}`;
  }

  qemuLogPath(guest: string): string {
    return path.join(this.dir, 'log', 'qemu', `${guest}.log`);
  }

  async virsh(
    args: readonly string[],
    opts: { uri?: 'qemu' | 'test'; timeoutMs?: number } = {},
  ): Promise<string> {
    const uri = opts.uri === 'test' ? this.testUri : this.qemuUri;
    const { stdout } = await runCommand('virsh', ['-c', uri, ...args], {
      timeoutMs: opts.timeoutMs ?? 60_000,
    });
    return stdout;
  }

  async defineXml(xml: string, opts: { uri?: 'qemu' | 'test' } = {}): Promise<void> {
    const file = path.join(this.dir, `define-${randomUUID()}.xml`);
    await writeFile(file, xml);
    try {
      await this.virsh(['define', file], opts);
    } finally {
      await rm(file, { force: true });
    }
  }

  async virtAdmin(args: readonly string[]): Promise<string> {
    const { stdout } = await runCommand('virt-admin', ['-c', this.adminUri, ...args], {
      timeoutMs: 30_000,
    });
    return stdout;
  }

  logTail(lines = 20): string {
    return daemonLogTail(this.dir, this.name, lines);
  }

  /** SIGKILL everything of this host at once, reapers included, without waiting (for exit hooks). */
  killSync(): void {
    this.#keeper?.stop();
    signalAll(this.#allProcesses(), 'SIGKILL');
    signalAll(this.#reaperPids(), 'SIGKILL');
    this.#keeper = undefined;
    this.#daemon = undefined;
  }

  /** Wait until every reaper of this host has exited. */
  async #settle(timeoutMs = STOP_TIMEOUT_MS): Promise<boolean> {
    const timer = new AbortController();
    const done = Promise.all(this.#reapers.values()).then(() => true);
    const late = sleep(timeoutMs, false, { signal: timer.signal }).catch(() => false);
    const settled = await Promise.race([done, late]);
    timer.abort(); // a pending 15 s timer would keep the test process alive
    return settled;
  }

  #reaperPids(): number[] {
    return [...this.#reapers.keys()].flatMap((reaper) =>
      reaper.pid === undefined ? [] : [reaper.pid],
    );
  }

  /** QEMUs of this host: the reapers' descendants plus any pidfile that still names a QEMU. */
  #guestProcesses(): number[] {
    const reaperPids = this.#reaperPids();
    const libvirtd = this.#daemon?.libvirtdPid;
    const found = new Set(
      descendantsOf(reaperPids).filter((pid) => pid !== libvirtd && isQemu(pid)),
    );
    const pidDir = path.join(this.dir, 'run', 'qemu');
    if (existsSync(pidDir)) {
      for (const file of readdirSync(pidDir).filter((entry) => entry.endsWith('.pid'))) {
        const pid = this.qemuPid(file.slice(0, -'.pid'.length));
        if (pid !== undefined) found.add(pid);
      }
    }
    return [...found];
  }

  #allProcesses(): number[] {
    const pids = this.#guestProcesses();
    if (this.#daemon !== undefined) pids.push(this.#daemon.libvirtdPid);
    if (this.#keeper !== undefined) pids.push(this.#keeper.pid);
    const reaperPids = this.#reaperPids();
    return [...new Set([...pids, ...descendantsOf(reaperPids)])];
  }

  async #startDaemon(): Promise<void> {
    const launch = await launchDaemon(this.dir, this.#params.reaperPath);
    const { reaper } = launch;
    this.#reapers.set(reaper, launch.exited);
    launch.exited.then(() => this.#reapers.delete(reaper)).catch(() => undefined);
    try {
      const socket = path.join(this.dir, 'sock', 'libvirt-sock');
      const libvirtdPid = await waitUntilReady(launch, this.qemuUri, socket, (detail) =>
        startError(this.dir, this.name, detail),
      );
      this.#daemon = { reaper, libvirtdPid };
      if (this.#params.keeper) {
        this.#keeper = await startKeeper(this.testUri, path.join(this.dir, 'keeper-probe.xml'));
      }
    } catch (error) {
      // Only this attempt's processes: guests kept by an older reaper (after stop()) stay.
      this.#keeper?.stop();
      this.#keeper = undefined;
      this.#daemon = undefined;
      const reaperPid = reaper.pid;
      if (reaperPid !== undefined) signalAll([...descendantsOf([reaperPid]), reaperPid], 'SIGKILL');
      throw error;
    }
  }
}
