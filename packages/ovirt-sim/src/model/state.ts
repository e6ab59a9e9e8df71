import type {
  EventSeverity,
  SimCluster,
  SimDataCenter,
  SimDisk,
  SimEvent,
  SimHost,
  SimJob,
  SimStorageDomain,
  SimTemplate,
  SimVm,
} from './types.js';

/** The Blank template every engine has (ovirt-api.md §1, `special_objects`). */
export const BLANK_TEMPLATE_ID = '00000000-0000-0000-0000-000000000000';

/** What an event is about: the links the engine puts on `<event>` (ovirt-api.md §5). */
export interface EventSubject {
  vmId?: string | undefined;
  hostId?: string | undefined;
  clusterId?: string | undefined;
  dataCenterId?: string | undefined;
  storageDomainId?: string | undefined;
  userId?: string | undefined;
  correlationId?: string | undefined;
}

/** Input of {@link SimState.addEvent}. */
export interface NewEvent extends EventSubject {
  code: number;
  severity: EventSeverity;
  description: string;
  /** Seconds during which an identical event (same code, same subject) is suppressed. */
  floodRate?: number;
}

/**
 * The engine database. Tests may read and mutate it directly (e.g. set a host's `reachable`),
 * but transitions that must look like the engine's (with events) go through `SimEngine`.
 */
export class SimState {
  readonly dataCenters = new Map<string, SimDataCenter>();
  readonly clusters = new Map<string, SimCluster>();
  readonly hosts = new Map<string, SimHost>();
  readonly storageDomains = new Map<string, SimStorageDomain>();
  readonly disks = new Map<string, SimDisk>();
  readonly vms = new Map<string, SimVm>();
  readonly templates = new Map<string, SimTemplate>();
  readonly jobs = new Map<string, SimJob>();
  /** The audit log, oldest first; ids are increasing and equal the event `index`. */
  readonly events: SimEvent[] = [];
  /** Users by name, with the id events and jobs refer to. */
  readonly userIds = new Map<string, string>();
  private lastEventId = 0;
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
    this.templates.set(BLANK_TEMPLATE_ID, {
      id: BLANK_TEMPLATE_ID,
      name: 'Blank',
      description: 'Blank template',
    });
  }

  /** Current time in epoch milliseconds (injectable for tests). */
  time(): number {
    return this.now();
  }

  vmByName(name: string): SimVm | undefined {
    return findByName(this.vms, name);
  }

  hostByName(name: string): SimHost | undefined {
    return findByName(this.hosts, name);
  }

  clusterByName(name: string): SimCluster | undefined {
    return findByName(this.clusters, name);
  }

  /** Looks up a VM by id, then by name; used by the sim-side operations. */
  findVm(idOrName: string): SimVm | undefined {
    return this.vms.get(idOrName) ?? this.vmByName(idOrName);
  }

  findHost(idOrName: string): SimHost | undefined {
    return this.hosts.get(idOrName) ?? this.hostByName(idOrName);
  }

  /** The data center a host belongs to, through its cluster. */
  dataCenterOfHost(host: SimHost): SimDataCenter | undefined {
    const cluster = this.clusters.get(host.clusterId);
    return cluster === undefined ? undefined : this.dataCenters.get(cluster.dataCenterId);
  }

  hostsOfDataCenter(dataCenterId: string): SimHost[] {
    return [...this.hosts.values()].filter(
      (h) => this.clusters.get(h.clusterId)?.dataCenterId === dataCenterId,
    );
  }

  hostsOfCluster(clusterId: string): SimHost[] {
    return [...this.hosts.values()].filter((h) => h.clusterId === clusterId);
  }

  /** VMs that the engine considers placed on the host (running, migrating, unknown, …). */
  vmsOnHost(hostId: string): SimVm[] {
    return [...this.vms.values()].filter((v) => v.hostId === hostId);
  }

  /**
   * Appends an audit-log entry, unless the same code for the same subject was logged within
   * its flood rate (the engine's AuditLogDirector does the same). Returns the event or
   * undefined when suppressed.
   */
  addEvent(input: NewEvent): SimEvent | undefined {
    const time = this.now();
    const floodRate = input.floodRate ?? 0;
    if (floodRate > 0) {
      const recent = this.events.findLast(
        (e) =>
          e.code === input.code &&
          e.vmId === input.vmId &&
          e.hostId === input.hostId &&
          e.userId === input.userId,
      );
      if (recent !== undefined && time - recent.time < floodRate * 1000) return undefined;
    }
    this.lastEventId += 1;
    const event: SimEvent = {
      id: this.lastEventId,
      code: input.code,
      severity: input.severity,
      description: input.description,
      time,
      correlationId: input.correlationId,
      origin: 'oVirt',
      customId: -1,
      floodRate: floodRate > 0 ? floodRate : 30,
      vmId: input.vmId,
      hostId: input.hostId,
      clusterId: input.clusterId,
      dataCenterId: input.dataCenterId,
      storageDomainId: input.storageDomainId,
      userId: input.userId,
    };
    this.events.push(event);
    return event;
  }
}

function findByName<T extends { name: string }>(map: Map<string, T>, name: string): T | undefined {
  for (const item of map.values()) if (item.name === name) return item;
  return undefined;
}
