/**
 * What the libvirt provider needs from one host connection. A narrow seam over the native
 * binding (`binding-host-api.ts` implements it), so the provider reads as the operations it
 * performs, not as binding calls.
 */
export interface DomainRow {
  readonly name: string;
  readonly uuid: string;
  /** Domain id while active (changes at every start); -1 or undefined when inactive. */
  readonly id?: number;
  /** libvirt state name: running, blocked, paused, shutdown, shutoff, crashed, pmsuspended, nostate. */
  readonly state: string;
  /** libvirt's reason for that state, e.g. booted, crashed, ioerror, user, destroyed. */
  readonly reason: string;
  readonly persistent: boolean;
  readonly autostart: boolean;
  readonly managedSave: boolean;
}

/** What the move asks for, whatever the driver. */
export interface MigrateParams {
  readonly live: boolean;
  /** Data connection, e.g. `tcp://kvm2-mig.example.com` (the host's `migrationUri`). */
  readonly migrateUri?: string;
  readonly bandwidthMiBps?: number;
  readonly maxDowntimeMs?: number;
  /** Remove the source definition (the source host left the guest's placement). */
  readonly undefineSource: boolean;
  /** Hosts see the same storage path without cluster-aware locking (the lab). */
  readonly unsafe?: boolean;
}

export type MigrationDriver = 'qemu' | 'xen';

/** What is sent to libvirt for one migration. */
export interface MigrationRequest {
  readonly driver: MigrationDriver;
  /** `MIGRATE_FLAGS` or'ed. */
  readonly flags: number;
  readonly migrateUri?: string;
  /** Where the destination listens for the data (taken from `migrateUri` when it is an IP). */
  readonly listenAddress?: string;
  readonly bandwidthMiBps?: number;
  /** Set on the source right before the job (QEMU only). */
  readonly maxDowntimeMs?: number;
  /** virDomainAbortJob stops this driver's migration job. */
  readonly abortable: boolean;
  /** What the move asked for that this driver does not take: left out, said in the outcome. */
  readonly leftOut: readonly string[];
}

/** The domain's current job as libvirt reports it (bytes of a migration's data). */
export interface JobProgress {
  /** A job runs (libvirt's bounded or unbounded job types). */
  readonly active: boolean;
  readonly processedBytes?: number;
  readonly remainingBytes?: number;
  readonly totalBytes?: number;
}

export interface DeviceScope {
  readonly live: boolean;
  readonly config: boolean;
}

export type HostEvent =
  | {
      readonly type: 'lifecycle';
      readonly domain: string;
      readonly event: string;
      readonly detail: string;
    }
  | { readonly type: 'reboot'; readonly domain: string }
  | {
      readonly type: 'device-added' | 'device-removed';
      readonly domain: string;
      readonly device: string;
    }
  | {
      readonly type: 'io-error';
      readonly domain: string;
      readonly reason: string;
      readonly device: string;
    }
  | { readonly type: 'job-completed'; readonly domain: string }
  | { readonly type: 'watchdog'; readonly domain: string; readonly action: string }
  | { readonly type: 'closed'; readonly reason: string };

export interface HostApi {
  /** Every domain with its state, in bulk (a constant number of calls, whatever the count). */
  listDomains(): Promise<readonly DomainRow[]>;
  /** One domain's row (one lookup); undefined when the host has no such domain. */
  domainRow(domain: string): Promise<DomainRow | undefined>;
  /**
   * virtwarden's `<metadata>` element of the persistent definition and, with `withLive`, of the
   * running instance: one lookup for both.
   */
  ownerElements(domain: string, withLive: boolean): Promise<{ config?: string; live?: string }>;
  defineXml(xml: string): Promise<void>;
  /** Undefine, removing managed-save images, snapshot/checkpoint metadata and NVRAM with it. */
  undefine(domain: string): Promise<void>;
  start(domain: string): Promise<void>;
  shutdown(domain: string): Promise<void>;
  destroy(domain: string): Promise<void>;
  /** Hard reset (the reset button): the same process boots again, no guest cooperation. */
  reset(domain: string): Promise<void>;
  /** Asks the guest to reboot (ACPI or agent): a guest that hangs ignores it. */
  reboot(domain: string): Promise<void>;
  /**
   * A QEMU guest agent command's JSON reply, waiting at most `timeoutSeconds` for the agent;
   * rejects when the guest has no agent channel or its agent does not answer.
   */
  agentCommand(domain: string, command: string, timeoutSeconds: number): Promise<string>;
  /** undefined when the domain does not exist on this host. */
  domainState(
    domain: string,
  ): Promise<{ readonly state: string; readonly reason: string } | undefined>;
  setAutostart(domain: string, on: boolean): Promise<void>;
  /** Runs the migration job until libvirt ends it (done, failed or aborted). */
  migrate(domain: string, to: HostApi, request: MigrationRequest): Promise<void>;
  /** The domain's current job; inactive when none runs (or the domain is not here). */
  jobProgress(domain: string): Promise<JobProgress>;
  /** Aborts the domain's current job (a migration rolls back: the guest stays on the source). */
  abortJob(domain: string): Promise<void>;
  attachDevice(domain: string, xml: string, scope: DeviceScope): Promise<void>;
  detachDevice(domain: string, xml: string, scope: DeviceScope): Promise<void>;
  updateDevice(domain: string, xml: string, scope: DeviceScope): Promise<void>;
  domainXml(domain: string, inactive: boolean): Promise<string>;
  blockResize(domain: string, target: string, bytes: number): Promise<void>;
  listPools(): Promise<readonly { readonly name: string; readonly active: boolean }[]>;
  listVolumes(
    pool: string,
  ): Promise<
    readonly { readonly name: string; readonly path: string; readonly capacity: number }[]
  >;
  volumeXml(pool: string, name: string): Promise<string>;
  /** Creates a volume; resolves with its path. */
  createVolume(pool: string, xml: string): Promise<string>;
  deleteVolume(pool: string, name: string): Promise<void>;
  resizeVolume(pool: string, name: string, bytes: number): Promise<void>;
  refreshPool(pool: string): Promise<void>;
  /**
   * The names in a directory of the host, read through libvirt (a transient `dir` pool), e.g.
   * `/dev/disk/by-id`; undefined when the directory does not exist there.
   */
  listDirectory(dir: string): Promise<readonly string[] | undefined>;
  /**
   * Sets a namespaced `<metadata>` element of the persistent definition only (a running
   * instance keeps what it was started with).
   */
  setConfigMetadata(
    domain: string,
    element: { readonly xml: string; readonly prefix: string; readonly namespace: string },
  ): Promise<void>;
  /** A namespaced `<metadata>` element of the running instance; undefined when it has none. */
  liveMetadata(domain: string, namespace: string): Promise<string | undefined>;
  /** The daemon's libvirt version (major * 1,000,000 + minor * 1,000 + release), cached. */
  libVersion(): Promise<number>;
  /** Why the connection closed (`eof`, `keepalive`, …); undefined while it is open. */
  closeReason(): string | undefined;
  /** Live migration possible with this driver (the test driver cannot). */
  readonly canMigrate: boolean;
  /** Hot-plug possible with this driver (the test driver cannot). */
  readonly canHotplug: boolean;
  subscribe(listener: (event: HostEvent) => void): Promise<() => void>;
  isAlive(): boolean;
  close(): Promise<void>;
}
