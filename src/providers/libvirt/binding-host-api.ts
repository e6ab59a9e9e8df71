/**
 * The provider's host seam (`HostApi`) implemented with the native binding: one connection per
 * host, keepalive on, events subscribed (a closed connection makes the host "not alive").
 */
import { openConnection, type LibvirtConnection } from './binding.js';
import type { DomainSummary, LibvirtEvent } from './binding-types.js';
import { DEVICE_FLAGS, METADATA_TYPES, UNDEFINE_FLAGS, XML_FLAGS } from './binding-constants.js';
import { OWNER_NS } from './domain-xml.js';
import type {
  DeviceScope,
  DomainRow,
  HostApi,
  HostEvent,
  JobProgress,
  MigrationRequest,
} from './host-api.js';
import { LibvirtError } from './libvirt-error.js';
import { AFFECT } from './binding-constants.js';
import { escapeXml } from '../../common/xml-text.js';

const isTestDriver = (uri: string): boolean => /^test(\+[a-z]+)?:/i.test(uri);

function scopeFlags(s: DeviceScope): number {
  return (s.live ? DEVICE_FLAGS.live : 0) | (s.config ? DEVICE_FLAGS.config : 0);
}

function toRow(r: DomainSummary): DomainRow {
  return {
    name: r.name,
    uuid: r.uuid,
    id: r.id,
    state: r.state,
    reason: r.reason,
    persistent: r.persistent,
    autostart: r.autostart,
    managedSave: r.managedSave,
  };
}

class BindingHostApi implements HostApi {
  readonly conn: LibvirtConnection;
  readonly canMigrate: boolean;
  readonly canHotplug: boolean;
  private closed = false;
  private version: Promise<number> | undefined;
  private closedBecause: string | undefined;

  constructor(conn: LibvirtConnection, uri: string) {
    this.conn = conn;
    this.canMigrate = !isTestDriver(uri);
    this.canHotplug = !isTestDriver(uri);
    conn.on('close', (reason) => {
      this.closed = true;
      this.closedBecause = reason;
    });
  }

  async listDomains(): Promise<readonly DomainRow[]> {
    const rows = await this.conn.listAllDomains();
    return rows.map(toRow);
  }

  async domainRow(domain: string): Promise<DomainRow | undefined> {
    const row = await this.conn.findDomain(domain);
    return row === undefined ? undefined : toRow(row);
  }

  async ownerElements(
    domain: string,
    withLive: boolean,
  ): Promise<{ config?: string; live?: string }> {
    const { config, live } = await this.conn.metadataPair(
      domain,
      METADATA_TYPES.element,
      OWNER_NS,
      withLive,
    );
    return { ...(config !== null ? { config } : {}), ...(live !== null ? { live } : {}) };
  }

  async defineXml(xml: string): Promise<void> {
    await this.conn.defineXml(xml);
  }

  async undefine(domain: string): Promise<void> {
    const all =
      UNDEFINE_FLAGS.managedSave |
      UNDEFINE_FLAGS.snapshotsMetadata |
      UNDEFINE_FLAGS.checkpointsMetadata |
      UNDEFINE_FLAGS.nvram;
    // Drivers accept different subsets (the test driver has no NVRAM): fall back step by step.
    for (const flags of [all, UNDEFINE_FLAGS.managedSave | UNDEFINE_FLAGS.snapshotsMetadata, 0]) {
      try {
        await this.conn.undefine(domain, flags);
        return;
      } catch (err) {
        const unsupported =
          err instanceof LibvirtError &&
          ['VIR_ERR_INVALID_ARG', 'VIR_ERR_NO_SUPPORT', 'VIR_ERR_ARGUMENT_UNSUPPORTED'].includes(
            err.codeName,
          );
        if (!unsupported || flags === 0) throw err;
      }
    }
  }

  start(domain: string): Promise<void> {
    return this.conn.start(domain);
  }
  shutdown(domain: string): Promise<void> {
    return this.conn.shutdown(domain);
  }
  destroy(domain: string): Promise<void> {
    return this.conn.destroy(domain);
  }
  reset(domain: string): Promise<void> {
    return this.conn.reset(domain);
  }
  reboot(domain: string): Promise<void> {
    return this.conn.reboot(domain);
  }
  agentCommand(domain: string, command: string, timeoutSeconds: number): Promise<string> {
    return this.conn.agentCommand(domain, command, timeoutSeconds);
  }

  async domainState(domain: string): Promise<{ state: string; reason: string } | undefined> {
    try {
      const s = await this.conn.getState(domain);
      return { state: s.state, reason: s.reason };
    } catch (err) {
      if (err instanceof LibvirtError && err.codeName === 'VIR_ERR_NO_DOMAIN') return undefined;
      throw err;
    }
  }

  setAutostart(domain: string, on: boolean): Promise<void> {
    return this.conn.setAutostart(domain, on);
  }

  async migrate(domain: string, to: HostApi, request: MigrationRequest): Promise<void> {
    if (!(to instanceof BindingHostApi))
      throw new TypeError('migration target is not a libvirt host');
    await this.conn.migrate3(domain, to.conn, {
      flags: request.flags,
      ...(request.migrateUri !== undefined ? { migrateUri: request.migrateUri } : {}),
      ...(request.listenAddress !== undefined ? { listenAddress: request.listenAddress } : {}),
      ...(request.bandwidthMiBps !== undefined ? { bandwidth: request.bandwidthMiBps } : {}),
      ...(request.maxDowntimeMs !== undefined ? { maxDowntimeMs: request.maxDowntimeMs } : {}),
    });
  }

  async jobProgress(domain: string): Promise<JobProgress> {
    let job;
    try {
      job = await this.conn.jobStats(domain);
    } catch (err) {
      if (err instanceof LibvirtError && err.codeName === 'VIR_ERR_NO_DOMAIN')
        return { active: false };
      throw err;
    }
    const bytes = (key: string): number | undefined => {
      const v = job.stats[key];
      return typeof v === 'number' ? v : undefined;
    };
    const processed = bytes('data_processed');
    const remaining = bytes('data_remaining');
    const total = bytes('data_total');
    return {
      active: job.type === 'bounded' || job.type === 'unbounded',
      ...(processed !== undefined ? { processedBytes: processed } : {}),
      ...(remaining !== undefined ? { remainingBytes: remaining } : {}),
      ...(total !== undefined ? { totalBytes: total } : {}),
    };
  }

  abortJob(domain: string): Promise<void> {
    return this.conn.abortJob(domain);
  }

  attachDevice(domain: string, xml: string, scope: DeviceScope): Promise<void> {
    return this.conn.attachDevice(domain, xml, scopeFlags(scope));
  }
  detachDevice(domain: string, xml: string, scope: DeviceScope): Promise<void> {
    return this.conn.detachDevice(domain, xml, scopeFlags(scope));
  }
  updateDevice(domain: string, xml: string, scope: DeviceScope): Promise<void> {
    return this.conn.updateDevice(domain, xml, scopeFlags(scope));
  }
  domainXml(domain: string, inactive: boolean): Promise<string> {
    return this.conn.domainXml(domain, inactive ? XML_FLAGS.inactive : 0);
  }

  blockResize(domain: string, target: string, bytes: number): Promise<void> {
    return this.conn.blockResize(domain, target, bytes);
  }
  listPools(): Promise<readonly { readonly name: string; readonly active: boolean }[]> {
    return this.conn.listStoragePools();
  }
  listVolumes(
    pool: string,
  ): Promise<
    readonly { readonly name: string; readonly path: string; readonly capacity: number }[]
  > {
    return this.conn.listVolumes(pool);
  }
  volumeXml(pool: string, name: string): Promise<string> {
    return this.conn.volumeXml(pool, name);
  }
  createVolume(pool: string, xml: string): Promise<string> {
    return this.conn.createVolume(pool, xml);
  }
  deleteVolume(pool: string, name: string): Promise<void> {
    return this.conn.deleteVolume(pool, name);
  }
  resizeVolume(pool: string, name: string, bytes: number): Promise<void> {
    return this.conn.resizeVolume(pool, name, bytes);
  }
  refreshPool(pool: string): Promise<void> {
    return this.conn.refreshPool(pool);
  }

  async listDirectory(dir: string): Promise<readonly string[] | undefined> {
    const name = `vw-probe-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const esc = escapeXml(dir);
    try {
      await this.conn.createPool(
        `<pool type='dir'><name>${name}</name><target><path>${esc}</path></target></pool>`,
      );
    } catch (err) {
      // A missing directory cannot be a pool: that is the answer, not an error.
      if (
        err instanceof LibvirtError &&
        /No such file|does not exist|cannot open/i.test(err.message)
      )
        return undefined;
      throw err;
    }
    try {
      return (await this.conn.listVolumes(name)).map((v) => v.name);
    } finally {
      await this.conn.destroyPool(name).catch(() => undefined);
    }
  }

  async setConfigMetadata(
    domain: string,
    element: { readonly xml: string; readonly prefix: string; readonly namespace: string },
  ): Promise<void> {
    await this.conn.setMetadata(
      domain,
      METADATA_TYPES.element,
      element.xml,
      element.prefix,
      element.namespace,
      AFFECT.config,
    );
  }

  async liveMetadata(domain: string, namespace: string): Promise<string | undefined> {
    const el = await this.conn.getMetadata(domain, METADATA_TYPES.element, namespace, AFFECT.live);
    return el ?? undefined;
  }

  closeReason(): string | undefined {
    return this.closedBecause ?? (this.isAlive() ? undefined : 'closed');
  }

  libVersion(): Promise<number> {
    this.version ??= this.conn.libVersion();
    return this.version;
  }

  async subscribe(listener: (event: HostEvent) => void): Promise<() => void> {
    const handler = (e: LibvirtEvent): void => {
      switch (e.type) {
        case 'lifecycle':
          listener({ type: 'lifecycle', domain: e.domain, event: e.event, detail: e.detail });
          return;
        case 'reboot':
          listener({ type: 'reboot', domain: e.domain });
          return;
        case 'device-added':
        case 'device-removed':
          listener({ type: e.type, domain: e.domain, device: e.device });
          return;
        case 'io-error':
          listener({ type: 'io-error', domain: e.domain, reason: e.reason, device: e.device });
          return;
        case 'job-completed':
          listener({ type: 'job-completed', domain: e.domain });
          return;
        case 'watchdog':
          listener({ type: 'watchdog', domain: e.domain, action: e.action });
          return;
        case 'close':
          listener({ type: 'closed', reason: e.reason });
          return;
      }
    };
    this.conn.on('event', handler);
    await this.conn.subscribe();
    return () => {
      this.conn.off('event', handler);
    };
  }

  isAlive(): boolean {
    return !this.closed && this.conn.isAlive();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.conn.close();
  }
}

export async function connectHost(
  uri: string,
  keepalive: { readonly intervalSeconds: number; readonly count: number },
): Promise<HostApi> {
  const conn = await openConnection(uri);
  // Remote connections only: the in-process test driver has nothing to keep alive.
  if (!/^test:/i.test(uri)) {
    await conn.setKeepAlive(keepalive.intervalSeconds, keepalive.count).catch(() => undefined);
    await conn.subscribe().catch(() => undefined);
  }
  return new BindingHostApi(conn, uri);
}
