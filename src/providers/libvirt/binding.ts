/**
 * virtwarden's own libvirt binding (native/, node-addon-api against libvirt 9.0), typed:
 * promises and plain objects. Every blocking call runs on the addon's worker threads; events
 * arrive from one libvirt event-loop thread (which also makes keepalive work); errors are
 * `LibvirtError`s with libvirt's code, domain and message; libvirt never prints to stderr.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  CLOSE_REASONS,
  DOMAIN_STATES,
  LIFECYCLE_DETAILS,
  LIFECYCLE_EVENTS,
  MIGRATE_PARAMS,
  STATE_REASONS,
  type DomainStateName,
} from './binding-constants.js';
import type { NativeConnection, NativeModule } from './binding-native.js';
import type {
  DomainState,
  DomainSummary,
  LibvirtEvent,
  MigrateOptions,
  NodeInfo,
  StoragePoolSummary,
  VolumeSummary,
} from './binding-types.js';
import { toLibvirtError } from './libvirt-error.js';

// src/providers/libvirt and dist/providers/libvirt are both three levels below the package root.
const ADDON = fileURLToPath(
  new URL('../../../native/build/Release/virtwarden_libvirt.node', import.meta.url),
);
let native: NativeModule | undefined;

function addon(): NativeModule {
  native ??= createRequire(import.meta.url)(ADDON) as NativeModule;
  return native;
}

async function call<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw toLibvirtError(err);
  }
}

export function stateName(code: number): DomainStateName {
  return DOMAIN_STATES[code] ?? 'nostate';
}

export function reasonName(state: DomainStateName, code: number): string {
  return STATE_REASONS[state][code] ?? `reason-${code}`;
}

export function toDomainState(s: { state: number; reason: number }): DomainState {
  const state = stateName(s.state);
  return { state, reason: reasonName(state, s.reason), stateCode: s.state, reasonCode: s.reason };
}

/** libvirt's version as a number (major * 1,000,000 + minor * 1,000 + release). */
export function libvirtVersion(): number {
  return addon().libvirtVersion();
}

/** libvirt API calls made by this process so far (benchmarks count them per pass). */
export function libvirtCallCount(): number {
  return addon().callCount();
}

export async function openConnection(
  uri: string,
  options: { readOnly?: boolean } = {},
): Promise<LibvirtConnection> {
  return new LibvirtConnection(uri, await call(addon().open(uri, options.readOnly === true)));
}

/** One open connection. Closing it while calls are in flight is safe. */
export class LibvirtConnection extends EventEmitter<{
  event: [LibvirtEvent];
  close: [(typeof CLOSE_REASONS)[number]];
}> {
  readonly uri: string;
  readonly n: NativeConnection;
  private subscribed = false;

  constructor(uri: string, n: NativeConnection) {
    super();
    this.uri = uri;
    this.n = n;
  }

  close(): Promise<void> {
    return call(this.n.close());
  }
  isAlive(): boolean {
    return this.n.isAlive();
  }
  setKeepAlive(intervalSeconds: number, count: number): Promise<void> {
    return call(this.n.setKeepAlive(intervalSeconds, count));
  }
  hostname(): Promise<string> {
    return call(this.n.hostname());
  }
  libVersion(): Promise<number> {
    return call(this.n.libVersion());
  }
  hypervisorVersion(): Promise<number> {
    return call(this.n.hypervisorVersion());
  }
  capabilities(): Promise<string> {
    return call(this.n.capabilities());
  }
  /** The host UUID from the capabilities (`<host><uuid>`), if the driver reports one. */
  async hostUuid(): Promise<string | undefined> {
    return /<host>\s*<uuid>([^<]+)<\/uuid>/.exec(await this.capabilities())?.[1];
  }
  nodeInfo(): Promise<NodeInfo> {
    return call(this.n.nodeInfo());
  }
  listNodeDevices(flags = 0): Promise<string[]> {
    return call(this.n.listNodeDevices(flags));
  }
  nodeDeviceXml(name: string): Promise<string> {
    return call(this.n.nodeDeviceXml(name));
  }

  /** Every domain with state and reason, persistence, autostart and managed save, in bulk. */
  async listAllDomains(): Promise<DomainSummary[]> {
    const rows = await call(this.n.listAllDomains());
    return rows.map((r) => {
      const s = toDomainState(r);
      return { ...r, state: s.state, reason: s.reason, stateCode: r.state, reasonCode: r.reason };
    });
  }
  getAllDomainStats(
    stats: number,
    flags = 0,
  ): Promise<{ name: string; stats: Record<string, number | string | boolean> }[]> {
    return call(this.n.getAllDomainStats(stats, flags));
  }
  domainXml(name: string, flags = 0): Promise<string> {
    return call(this.n.domainXml(name, flags));
  }
  /** Defines (or redefines) a domain; resolves with its name. */
  defineXml(xml: string, flags = 0): Promise<string> {
    return call(this.n.defineXml(xml, flags));
  }
  createXml(xml: string, flags = 0): Promise<string> {
    return call(this.n.createXml(xml, flags));
  }
  undefine(name: string, flags = 0): Promise<void> {
    return call(this.n.undefine(name, flags));
  }
  start(name: string, flags = 0): Promise<void> {
    return call(this.n.start(name, flags));
  }
  shutdown(name: string): Promise<void> {
    return call(this.n.shutdown(name, 0));
  }
  reboot(name: string): Promise<void> {
    return call(this.n.reboot(name, 0));
  }
  destroy(name: string, flags = 0): Promise<void> {
    return call(this.n.destroy(name, flags));
  }
  suspend(name: string): Promise<void> {
    return call(this.n.suspend(name));
  }
  resume(name: string): Promise<void> {
    return call(this.n.resume(name));
  }
  managedSave(name: string): Promise<void> {
    return call(this.n.managedSave(name, 0));
  }
  managedSaveRemove(name: string): Promise<void> {
    return call(this.n.managedSaveRemove(name, 0));
  }
  setAutostart(name: string, on: boolean): Promise<void> {
    return call(this.n.setAutostart(name, on));
  }
  async getState(name: string): Promise<DomainState> {
    return toDomainState(await call(this.n.getState(name)));
  }
  /** The metadata element (or text) of `type`, null when there is none. */
  getMetadata(name: string, type: number, uri: string | null, flags = 0): Promise<string | null> {
    return call(this.n.getMetadata(name, type, uri, flags));
  }
  /** Persistent and (with `withLive`) live metadata in one lookup; null where there is none. */
  metadataPair(
    name: string,
    type: number,
    uri: string | null,
    withLive: boolean,
  ): Promise<{ config: string | null; live: string | null }> {
    return call(this.n.metadataPair(name, type, uri, withLive));
  }
  setMetadata(
    name: string,
    type: number,
    metadata: string | null,
    key: string | null,
    uri: string | null,
    flags = 0,
  ): Promise<void> {
    return call(this.n.setMetadata(name, type, metadata, key, uri, flags));
  }
  attachDevice(name: string, xml: string, flags: number): Promise<void> {
    return call(this.n.attachDevice(name, xml, flags));
  }
  detachDevice(name: string, xml: string, flags: number): Promise<void> {
    return call(this.n.detachDevice(name, xml, flags));
  }
  updateDevice(name: string, xml: string, flags: number): Promise<void> {
    return call(this.n.updateDevice(name, xml, flags));
  }
  blockResize(name: string, disk: string, bytes: number, flags = 1): Promise<void> {
    return call(this.n.blockResize(name, disk, bytes, flags));
  }
  jobStats(
    name: string,
  ): Promise<{ type: number; stats: Record<string, number | string | boolean> }> {
    return call(this.n.jobStats(name));
  }
  abortJob(name: string): Promise<void> {
    return call(this.n.abortJob(name));
  }

  private static params(o: MigrateOptions): Record<string, string | number> {
    const p: Record<string, string | number> = {};
    if (o.migrateUri !== undefined) p[MIGRATE_PARAMS.uri] = o.migrateUri;
    if (o.destName !== undefined) p[MIGRATE_PARAMS.destName] = o.destName;
    if (o.destXml !== undefined) p[MIGRATE_PARAMS.destXml] = o.destXml;
    if (o.persistXml !== undefined) p[MIGRATE_PARAMS.persistXml] = o.persistXml;
    if (o.listenAddress !== undefined) p[MIGRATE_PARAMS.listenAddress] = o.listenAddress;
    if (o.bandwidth !== undefined) p[MIGRATE_PARAMS.bandwidth] = o.bandwidth;
    return p;
  }

  private async downtime(name: string, o: MigrateOptions): Promise<void> {
    // Not every driver accepts it before the job starts; a refusal only keeps QEMU's default.
    if (o.maxDowntimeMs !== undefined)
      await this.n.setMaxDowntime(name, o.maxDowntimeMs).catch(() => undefined);
  }

  /** Peer-to-peer: the source daemon connects to `destinationUri` itself (flag peerToPeer). */
  async migrateToUri3(name: string, destinationUri: string, o: MigrateOptions): Promise<void> {
    await this.downtime(name, o);
    return call(this.n.migrateToUri3(name, destinationUri, LibvirtConnection.params(o), o.flags));
  }
  /** Managed by this client: both hosts through their connections. */
  async migrate3(name: string, destination: LibvirtConnection, o: MigrateOptions): Promise<void> {
    await this.downtime(name, o);
    return call(this.n.migrate3(name, destination.n, LibvirtConnection.params(o), o.flags));
  }

  listStoragePools(): Promise<StoragePoolSummary[]> {
    return call(this.n.listStoragePools());
  }
  poolXml(pool: string): Promise<string> {
    return call(this.n.poolXml(pool));
  }
  refreshPool(pool: string): Promise<void> {
    return call(this.n.refreshPool(pool));
  }
  createPool(xml: string): Promise<string> {
    return call(this.n.createPool(xml));
  }
  definePool(xml: string): Promise<void> {
    return call(this.n.definePool(xml));
  }
  destroyPool(pool: string): Promise<void> {
    return call(this.n.destroyPool(pool));
  }
  listVolumes(pool: string): Promise<VolumeSummary[]> {
    return call(this.n.listVolumes(pool));
  }
  volumeXml(pool: string, name: string): Promise<string> {
    return call(this.n.volumeXml(pool, name));
  }
  /** Creates a volume from XML (a `<backingStore>` makes a copy-on-write overlay); resolves with its path. */
  createVolume(pool: string, xml: string, flags = 0): Promise<string> {
    return call(this.n.createVolume(pool, xml, flags));
  }
  deleteVolume(pool: string, name: string): Promise<void> {
    return call(this.n.deleteVolume(pool, name));
  }
  resizeVolume(pool: string, name: string, bytes: number, flags = 0): Promise<void> {
    return call(this.n.resizeVolume(pool, name, bytes, flags));
  }

  /** Start receiving this connection's events ('event', and 'close' with its reason). */
  async subscribe(): Promise<void> {
    if (this.subscribed) return;
    this.subscribed = true;
    await call(
      this.n.subscribe((raw) => {
        if (raw.type === 'close') {
          const reason = CLOSE_REASONS[raw.reason] ?? 'error';
          this.emit('event', { type: 'close', reason });
          this.emit('close', reason);
          return;
        }
        if (raw.type === 'lifecycle') {
          const event = LIFECYCLE_EVENTS[raw.event] ?? 'defined';
          const detail = LIFECYCLE_DETAILS[event][raw.detail] ?? `detail-${raw.detail}`;
          this.emit('event', {
            ...raw,
            event,
            detail,
            eventCode: raw.event,
            detailCode: raw.detail,
          });
          return;
        }
        this.emit('event', raw);
      }),
    );
  }
}
