/** The public shape of the test lab: several private libvirtd hosts and a tiny real guest. */

/** An inclusive port range. */
export interface LabPortRange {
  readonly min: number;
  readonly max: number;
}

/** One private libvirtd "host" (own mount namespace, sockets, state folders and host UUID). */
export interface LabHost {
  /** 'h1', 'h2', … */
  readonly name: string;
  /** This host's state folder. */
  readonly dir: string;
  /** qemu+unix:///system?socket=<dir>/sock/libvirt-sock */
  readonly qemuUri: string;
  /** test+unix:///default?socket=<dir>/sock/libvirt-sock (the test driver inside this daemon). */
  readonly testUri: string;
  /** libvirtd:///system?socket=<dir>/sock/libvirt-admin-sock (for virt-admin). */
  readonly adminUri: string;
  readonly hostUuid: string;
  /** QEMU's incoming-migration port range on this host (leased, never shared with another lab). */
  readonly migrationPorts: LabPortRange;
  /** VNC/SPICE port range on this host (leased like the migration ports). */
  readonly displayPorts: LabPortRange;
  /** PID of the running libvirtd; throws a LabError (LAB_HOST_STATE) when the daemon is down. */
  libvirtdPid(): number;
  /** True while the daemon runs (a frozen daemon counts as running). */
  isRunning(): boolean;
  /** kill -9 libvirtd and every QEMU it started (full host loss). */
  crash(): Promise<void>;
  /** SIGSTOP / SIGCONT of libvirtd (a frozen host; guests keep running). */
  freeze(): void;
  thaw(): void;
  /** Start the daemon again after crash()/stop() (same dirs, same uuid; `wipeRun` simulates a reboot: it also kills this host's guests and empties /run/libvirt). */
  restart(opts?: { wipeRun?: boolean }): Promise<void>;
  /** Graceful stop of the daemon (guests keep running, as on a real host). */
  stop(): Promise<void>;
  /** PID of the QEMU process of a running guest on this host, if any (from <dir>/run/qemu/<name>.pid). */
  qemuPid(guest: string): number | undefined;
  /**
   * Make `/dev/disk/by-id/NAME`, `/dev/disk/by-path/NAME` or `/dev/vx/dmp/NAME` exist on this host
   * only (a symlink to `target`, e.g. a loop device, in the host's own device folder); resolves
   * with the path as the host sees it.
   */
  addDeviceLink(kind: 'by-id' | 'by-path' | 'dmp', name: string, target: string): Promise<string>;
  /** QEMU's own log of a guest on this host (command line, errors). */
  qemuLogPath(guest: string): string;
  /** Run virsh against this host (qemu URI by default); resolves with stdout, rejects with a LabCommandError carrying stderr. */
  virsh(
    args: readonly string[],
    opts?: { uri?: 'qemu' | 'test'; timeoutMs?: number },
  ): Promise<string>;
  /** `virsh define` of the given XML (through a temporary file); rejects with a LabCommandError. */
  defineXml(xml: string, opts?: { uri?: 'qemu' | 'test' }): Promise<void>;
  /** Run virt-admin against this host's admin socket; resolves with stdout. */
  virtAdmin(args: readonly string[]): Promise<string>;
  /** Last lines of the daemon's log and stdout/stderr, for error messages. */
  logTail(lines?: number): string;
}

/** Options of a tiny TCG guest's domain XML. */
export interface GuestXmlOptions {
  /** Defaults to a UUID derived from the name (stable across runs). */
  readonly uuid?: string;
  /** Defaults to 32. */
  readonly memoryMiB?: number;
  /** Raw XML appended inside <devices>. */
  readonly extraDevices?: string;
  /** Raw XML placed inside <metadata>. */
  readonly metadata?: string;
  /**
   * MiB of RAM the guest fills with a non-zero pattern at boot (kernel argument `fill=N`), so a
   * live migration has that much to carry: about N seconds at a bandwidth of 1 MiB/s. Needs
   * `memoryMiB` ≥ N + 3.
   */
  readonly fillMiB?: number;
  /**
   * The guest writes one sector to a disk whose writes fail (ENOSPC, QEMU's blkdebug driver)
   * once its uptime counter reaches this many seconds (kernel argument `diskwrite=S`): QEMU
   * pauses it, and libvirt reports `paused (ioerror)`. A real I/O-error pause, 1–3600.
   */
  readonly ioErrorAfterSeconds?: number;
  /**
   * The guest hangs once its counter reaches this many seconds (kernel argument `hang=S`):
   * interrupts masked and halted, so the counter stops, ACPI is ignored and a watchdog starves.
   */
  readonly hangAfterSeconds?: number;
  /** The guest writes PANICKED to the pvpanic port 0x505 at this second (`panic=S`). */
  readonly panicAfterSeconds?: number;
  /**
   * An `<watchdog model='i6300esb' action='…'/>` the guest arms at boot and feeds every second
   * (2 s + 2 s stages): it fires within ~4 s of a hang.
   */
  readonly watchdogAction?: 'none' | 'pause' | 'reset' | 'poweroff' | 'shutdown' | 'dump';
  /** An ISA pvpanic device (`<panic model='isa'/>` at port 0x505). */
  readonly panicDevice?: boolean;
  /** `<on_crash>` (what libvirt does after a guest panic); defaults to `destroy`. */
  readonly onCrash?: 'destroy' | 'preserve' | 'restart';
}

/** A running lab. */
export interface Lab {
  readonly dir: string;
  readonly hosts: readonly LabHost[];
  /** Absolute path of the tiny guest kernel (built once per run from test/lab/guest/ with gcc). */
  readonly guestKernel: string;
  /** The host called `name` ('h1', …); throws a LabError (LAB_BAD_INPUT) for an unknown name. */
  host(name: string): LabHost;
  /** Domain XML for a tiny TCG guest: <domain type='qemu'>, 32 MiB, <acpi/>, virtio-scsi controller, explicit <uuid>, serial to a file, on_poweroff destroy, no disk. */
  guestXml(name: string, opts?: GuestXmlOptions): string;
  /** Domain XML for the test driver: <domain type='test'> … (`running` sets <test:runstate>, which only a node XML file honours). */
  testGuestXml(name: string, opts?: { uuid?: string; running?: boolean }): string;
  serialLogPath(guest: string): string;
  /** Latest uptime counter the guest printed to its serial log (seconds), or undefined. */
  readUptime(guest: string): Promise<number | undefined>;
  /** How many times the guest printed its boot banner (1 after one boot; a reboot makes it 2). */
  bootCount(guest: string): Promise<number>;
  /** Wait until the guest's uptime counter reaches at least n; resolves with the counter. */
  waitForUptime(guest: string, n: number, timeoutMs?: number): Promise<number>;
  /** Make a sparse raw file of sizeMiB under the lab folder for storage tests; resolves with its path. */
  makeDiskFile(name: string, sizeMiB: number): Promise<string>;
  /** Attach a file to a free loop device (detached again by destroy()); resolves with /dev/loopN. */
  attachLoopDevice(file: string): Promise<string>;
  /** Kill every daemon, guest and keeper of the lab by PID, detach its loop devices, remove its folder. */
  destroy(): Promise<void>;
}

/** Options of startLab. */
export interface StartLabOptions {
  /** Number of hosts, 1–16. */
  readonly hosts: number;
  /** Keep one `virsh event --all --loop` connection per host open on the test driver, which otherwise forgets its state when the last connection closes. */
  readonly testDriverKeeper?: boolean;
  /** Short label for the lab folder (letters, digits, '-'; cut to 12 characters). */
  readonly name?: string;
}
