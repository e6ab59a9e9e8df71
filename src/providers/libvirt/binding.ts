/**
 * virtwarden's own libvirt binding (native/, node-addon-api against libvirt 9.0), typed:
 * promises and plain objects. Every blocking call runs on the addon's worker threads; events
 * arrive from one libvirt event-loop thread (which also makes keepalive work); errors are
 * `LibvirtError`s with libvirt's code, domain and message; libvirt never prints to stderr.
 * See docs/binding.md.
 */
import { EventEmitter } from 'node:events';
import { addon, call } from './binding-addon.js';
import { MIGRATE_PARAMS } from './binding-constants.js';
import {
  jobTypeName,
  toDomainState,
  toDomainSummary,
  toEvent,
  toPoolInfo,
  toVolumeSummary,
} from './binding-names.js';
import type { NativeConnection } from './binding-native.js';
import type {
  DomainRef,
  DomainState,
  DomainStats,
  DomainSummary,
  JobStats,
  LibvirtConnectionEvents,
  MigrateOptions,
  NodeInfo,
  StoragePoolInfo,
  StoragePoolSummary,
  VolumeLocation,
  VolumeSummary,
} from './binding-types.js';

export { reasonName, stateName, toDomainState } from './binding-names.js';
export { LibvirtError } from './libvirt-error.js';

/** libvirt's version as a number (major * 1,000,000 + minor * 1,000 + release). */
export function libvirtVersion(): number {
  return addon().libvirtVersion();
}

/** libvirt API calls made by this process so far (benchmarks count them per pass). */
export function libvirtCallCount(): number {
  return addon().callCount();
}

/** Opens a connection to any libvirt URI (default authentication only). */
export async function openConnection(
  uri: string,
  options: { readonly readOnly?: boolean } = {},
): Promise<LibvirtConnection> {
  const n = await call(() => addon().open(uri, options.readOnly === true));
  return new LibvirtConnection(uri, n);
}

function migrateParams(o: MigrateOptions): Record<string, string | number> {
  const p: Record<string, string | number> = {};
  if (o.migrateUri !== undefined) p[MIGRATE_PARAMS.uri] = o.migrateUri;
  if (o.destName !== undefined) p[MIGRATE_PARAMS.destName] = o.destName;
  if (o.destXml !== undefined) p[MIGRATE_PARAMS.destXml] = o.destXml;
  if (o.persistXml !== undefined) p[MIGRATE_PARAMS.persistXml] = o.persistXml;
  if (o.listenAddress !== undefined) p[MIGRATE_PARAMS.listenAddress] = o.listenAddress;
  if (o.bandwidth !== undefined) p[MIGRATE_PARAMS.bandwidth] = o.bandwidth;
  return p;
}

/**
 * One open connection. Domains are named by name or `{ uuid }`. Closing while calls are in
 * flight is safe; calls after close() reject with VIR_ERR_INVALID_CONN.
 */
export class LibvirtConnection extends EventEmitter<LibvirtConnectionEvents> {
  readonly uri: string;
  /** The native connection (for `migrate3`'s destination). */
  readonly n: NativeConnection;
  private subscription: Promise<void> | undefined;

  constructor(uri: string, n: NativeConnection) {
    super();
    this.uri = uri;
    this.n = n;
  }

  /** Deregisters events and the close callback, then drops the connection. */
  close(): Promise<void> {
    return call(() => this.n.close());
  }
  /** False once closed, or when the daemon went away (no round trip). */
  isAlive(): boolean {
    return this.n.isAlive();
  }
  /** Client keepalive: a daemon silent for interval × (count + 1) s closes with `keepalive`. */
  setKeepAlive(intervalSeconds: number, count: number): Promise<void> {
    return call(() => this.n.setKeepAlive(intervalSeconds, count));
  }
  hostname(): Promise<string> {
    return call(() => this.n.hostname());
  }
  /** The daemon's libvirt version (major * 1,000,000 + minor * 1,000 + release). */
  libVersion(): Promise<number> {
    return call(() => this.n.libVersion());
  }
  hypervisorVersion(): Promise<number> {
    return call(() => this.n.hypervisorVersion());
  }
  capabilities(): Promise<string> {
    return call(() => this.n.capabilities());
  }
  /** The host UUID from the capabilities (`<host><uuid>`), if the driver reports one. */
  async hostUuid(): Promise<string | undefined> {
    return /<host>\s*<uuid>([^<]+)<\/uuid>/.exec(await this.capabilities())?.[1];
  }
  nodeInfo(): Promise<NodeInfo> {
    return call(() => this.n.nodeInfo());
  }
  /** Node device names (`virConnectListAllNodeDevices`; the test driver takes flags 0 only). */
  listNodeDevices(flags = 0): Promise<string[]> {
    return call(() => this.n.listNodeDevices(flags));
  }
  nodeDeviceXml(name: string): Promise<string> {
    return call(() => this.n.nodeDeviceXml(name));
  }

  /** Every domain with state and reason, persistence, autostart and managed save: 4 calls. */
  async listAllDomains(): Promise<DomainSummary[]> {
    return (await call(() => this.n.listAllDomains())).map(toDomainSummary);
  }
  /** `virConnectGetAllDomainStats`: `STATS` or'ed; libvirt's typed fields per domain. */
  getAllDomainStats(stats: number, flags = 0): Promise<DomainStats[]> {
    return call(() => this.n.getAllDomainStats(stats, flags));
  }
  /** One domain's summary (the fields of `listAllDomains`). */
  async getDomain(ref: DomainRef): Promise<DomainSummary> {
    return toDomainSummary(await call(() => this.n.getDomain(ref)));
  }
  /** Like `getDomain`, but undefined when the host has no such domain (no error made). */
  async findDomain(ref: DomainRef): Promise<DomainSummary | undefined> {
    const raw = await call(() => this.n.findDomain(ref));
    return raw === null ? undefined : toDomainSummary(raw);
  }
  async getState(ref: DomainRef): Promise<DomainState> {
    return toDomainState(await call(() => this.n.getState(ref)));
  }
  /** `XML_FLAGS`: inactive, secure, migratable; 0 is the live definition. */
  domainXml(ref: DomainRef, flags = 0): Promise<string> {
    return call(() => this.n.domainXml(ref, flags));
  }
  /** Defines (or redefines) a domain; resolves with its name. `DEFINE_FLAGS.validate`. */
  defineXml(xml: string, flags = 0): Promise<string> {
    return call(() => this.n.defineXml(xml, flags));
  }
  /** Starts a transient domain; resolves with its name. `START_FLAGS`. */
  createXml(xml: string, flags = 0): Promise<string> {
    return call(() => this.n.createXml(xml, flags));
  }
  /** `UNDEFINE_FLAGS`: managedSave, snapshotsMetadata, nvram, checkpointsMetadata, … */
  undefine(ref: DomainRef, flags = 0): Promise<void> {
    return call(() => this.n.undefine(ref, flags));
  }
  /** `START_FLAGS`: paused, autodestroy, forceBoot, … */
  start(ref: DomainRef, flags = 0): Promise<void> {
    return call(() => this.n.start(ref, flags));
  }
  /** Asks the guest to shut down (`SHUTDOWN_FLAGS`); resolves before it has. */
  shutdown(ref: DomainRef, flags = 0): Promise<void> {
    return call(() => this.n.shutdown(ref, flags));
  }
  /** Asks the guest to reboot (`REBOOT_FLAGS`). */
  reboot(ref: DomainRef, flags = 0): Promise<void> {
    return call(() => this.n.reboot(ref, flags));
  }
  /** Hard reset, like the reset button (no guest cooperation). */
  reset(ref: DomainRef): Promise<void> {
    return call(() => this.n.reset(ref, 0));
  }
  /**
   * A QEMU guest agent command (JSON, e.g. `{"execute":"guest-ping"}`); resolves with the
   * agent's JSON reply. `timeoutSeconds` bounds the wait for the agent (libvirt: -2 default,
   * -1 blocking, 0 no wait); no agent channel or no agent answering rejects.
   */
  agentCommand(ref: DomainRef, command: string, timeoutSeconds: number): Promise<string> {
    return call(() => this.n.agentCommand(ref, command, timeoutSeconds));
  }
  /** Hard power-off (`DESTROY_FLAGS.graceful`: SIGTERM only, no SIGKILL). */
  destroy(ref: DomainRef, flags = 0): Promise<void> {
    return call(() => this.n.destroy(ref, flags));
  }
  suspend(ref: DomainRef): Promise<void> {
    return call(() => this.n.suspend(ref));
  }
  resume(ref: DomainRef): Promise<void> {
    return call(() => this.n.resume(ref));
  }
  managedSave(ref: DomainRef, flags = 0): Promise<void> {
    return call(() => this.n.managedSave(ref, flags));
  }
  managedSaveRemove(ref: DomainRef): Promise<void> {
    return call(() => this.n.managedSaveRemove(ref, 0));
  }
  setAutostart(ref: DomainRef, on: boolean): Promise<void> {
    return call(() => this.n.setAutostart(ref, on));
  }
  /** The metadata of `type` (`METADATA_TYPES`; an element needs its namespace `uri`), or null. */
  getMetadata(ref: DomainRef, type: number, uri: string | null, flags = 0): Promise<string | null> {
    return call(() => this.n.getMetadata(ref, type, uri, flags));
  }
  /** Persistent and (with `withLive`) live metadata in one lookup; null where there is none. */
  metadataPair(
    ref: DomainRef,
    type: number,
    uri: string | null,
    withLive: boolean,
  ): Promise<{ config: string | null; live: string | null }> {
    return call(() => this.n.metadataPair(ref, type, uri, withLive));
  }
  /** Sets (null: removes) metadata; an element is written as `<key:… xmlns:key=uri>`. `AFFECT`. */
  setMetadata(
    ref: DomainRef,
    type: number,
    metadata: string | null,
    key: string | null,
    uri: string | null,
    flags = 0,
  ): Promise<void> {
    return call(() => this.n.setMetadata(ref, type, metadata, key, uri, flags));
  }
  /** `DEVICE_FLAGS`: live, config, current. */
  attachDevice(ref: DomainRef, xml: string, flags: number): Promise<void> {
    return call(() => this.n.attachDevice(ref, xml, flags));
  }
  detachDevice(ref: DomainRef, xml: string, flags: number): Promise<void> {
    return call(() => this.n.detachDevice(ref, xml, flags));
  }
  /** `DEVICE_FLAGS`: live, config, current, force. */
  updateDevice(ref: DomainRef, xml: string, flags: number): Promise<void> {
    return call(() => this.n.updateDevice(ref, xml, flags));
  }
  /** Grows a running domain's disk (`BLOCK_RESIZE_FLAGS.bytes`: size in bytes). */
  blockResize(ref: DomainRef, disk: string, bytes: number, flags = 1): Promise<void> {
    return call(() => this.n.blockResize(ref, disk, bytes, flags));
  }
  /** The current job (`JOB_STATS_FLAGS.completed`: the last finished one) and its statistics. */
  async jobStats(ref: DomainRef, flags = 0): Promise<JobStats> {
    const r = await call(() => this.n.jobStats(ref, flags));
    return { type: jobTypeName(r.type), typeCode: r.type, stats: r.stats };
  }
  abortJob(ref: DomainRef): Promise<void> {
    return call(() => this.n.abortJob(ref));
  }
  /** Peer-to-peer: the source daemon connects to `destinationUri` itself (flag peerToPeer). */
  migrateToUri3(ref: DomainRef, destinationUri: string, o: MigrateOptions): Promise<void> {
    return call(() =>
      this.n.migrateToUri3(ref, destinationUri, migrateParams(o), o.flags, o.maxDowntimeMs),
    );
  }
  /** Driven by this client through both connections. */
  migrate3(ref: DomainRef, destination: LibvirtConnection, o: MigrateOptions): Promise<void> {
    return call(() =>
      this.n.migrate3(ref, destination.n, migrateParams(o), o.flags, o.maxDowntimeMs),
    );
  }

  listStoragePools(): Promise<StoragePoolSummary[]> {
    return call(() => this.n.listStoragePools());
  }
  async poolInfo(pool: string): Promise<StoragePoolInfo> {
    return toPoolInfo(await call(() => this.n.poolInfo(pool)));
  }
  poolXml(pool: string, flags = 0): Promise<string> {
    return call(() => this.n.poolXml(pool, flags));
  }
  refreshPool(pool: string): Promise<void> {
    return call(() => this.n.refreshPool(pool));
  }
  /** Creates and starts a transient pool; resolves with its name. */
  createPool(xml: string): Promise<string> {
    return call(() => this.n.createPool(xml));
  }
  /** Defines, builds and starts a persistent pool; resolves with its name. */
  definePool(xml: string): Promise<string> {
    return call(() => this.n.definePool(xml));
  }
  /** Stops a pool and undefines it when persistent (its volumes stay). */
  destroyPool(pool: string): Promise<void> {
    return call(() => this.n.destroyPool(pool));
  }
  async listVolumes(pool: string): Promise<VolumeSummary[]> {
    return (await call(() => this.n.listVolumes(pool))).map(toVolumeSummary);
  }
  async volumeInfo(pool: string, name: string): Promise<VolumeSummary> {
    return toVolumeSummary(await call(() => this.n.volumeInfo(pool, name)));
  }
  /** The volume at `path`, with the pool holding it (VIR_ERR_NO_STORAGE_VOL when none). */
  async volumeByPath(path: string): Promise<VolumeLocation> {
    const v = await call(() => this.n.volumeByPath(path));
    return { ...toVolumeSummary(v), pool: v.pool };
  }
  volumeXml(pool: string, name: string): Promise<string> {
    return call(() => this.n.volumeXml(pool, name));
  }
  /** Creates a volume from XML (a `<backingStore>` makes a copy-on-write overlay); resolves with its path. */
  createVolume(pool: string, xml: string, flags = 0): Promise<string> {
    return call(() => this.n.createVolume(pool, xml, flags));
  }
  /** `VOLUME_DELETE_FLAGS`. */
  deleteVolume(pool: string, name: string, flags = 0): Promise<void> {
    return call(() => this.n.deleteVolume(pool, name, flags));
  }
  /** `VOLUME_RESIZE_FLAGS`: allocate, delta, shrink. */
  resizeVolume(pool: string, name: string, bytes: number, flags = 0): Promise<void> {
    return call(() => this.n.resizeVolume(pool, name, bytes, flags));
  }

  /**
   * Registers this connection's domain events and close callback (once; later calls share the
   * first). Events are then emitted as `event` and under their own type; a lost connection as
   * `close` with its reason. Events alone never keep the Node process alive.
   */
  subscribe(): Promise<void> {
    this.subscription ??= call(() =>
      this.n.subscribe((raw) => {
        const e = toEvent(raw);
        if (e === undefined) return;
        this.emit('event', e);
        if (e.type === 'close') this.emit('close', e.reason);
        else if (e.type === 'lifecycle') this.emit('lifecycle', e);
        else if (e.type === 'reboot') this.emit('reboot', e);
        else if (e.type === 'io-error') this.emit('io-error', e);
        else if (e.type === 'watchdog') this.emit('watchdog', e);
        else if (e.type === 'job-completed') this.emit('job-completed', e);
        else this.emit(e.type, e);
      }),
    ).catch((err: unknown) => {
      this.subscription = undefined; // nothing stays registered: a later call may retry
      throw err;
    });
    return this.subscription;
  }
}
