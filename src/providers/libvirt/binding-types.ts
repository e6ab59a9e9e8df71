/** Plain objects the binding returns and the events it delivers. */
import type {
  CloseReason,
  DomainStateName,
  IoErrorActionName,
  WatchdogActionName,
  JobTypeName,
  LifecycleEventName,
  PoolStateName,
  VolumeTypeName,
} from './binding-constants.js';

/** A domain by name, or by UUID (`{ uuid }`), for every per-domain call. */
export type DomainRef = string | { readonly uuid: string };

export interface DomainState {
  readonly state: DomainStateName;
  /** libvirt's reason name for that state, e.g. `booted`, `crashed`, `ioerror`, `user`. */
  readonly reason: string;
  readonly stateCode: number;
  readonly reasonCode: number;
}

export interface DomainSummary extends DomainState {
  readonly name: string;
  readonly uuid: string;
  /** Domain id while active, -1 when inactive. */
  readonly id: number;
  readonly persistent: boolean;
  readonly autostart: boolean;
  readonly managedSave: boolean;
}

/** libvirt's typed parameters (domain stats, job stats) by field name. */
export type TypedParams = Readonly<Record<string, number | string | boolean>>;

export interface DomainStats {
  readonly name: string;
  readonly uuid: string;
  readonly stats: TypedParams;
}

export interface JobStats {
  readonly type: JobTypeName;
  readonly typeCode: number;
  readonly stats: TypedParams;
}

export interface NodeInfo {
  readonly model: string;
  readonly memoryKiB: number;
  readonly cpus: number;
  readonly mhz: number;
  readonly nodes: number;
  readonly sockets: number;
  readonly cores: number;
  readonly threads: number;
}

export interface StoragePoolSummary {
  readonly name: string;
  readonly uuid: string;
  readonly active: boolean;
  readonly persistent: boolean;
  readonly autostart: boolean;
}

/** Sizes in bytes. */
export interface StoragePoolInfo {
  readonly state: PoolStateName;
  readonly stateCode: number;
  readonly capacity: number;
  readonly allocation: number;
  readonly available: number;
}

/** Sizes in bytes. */
export interface VolumeSummary {
  readonly name: string;
  /** libvirt's unique key (the path for file and block volumes, not for every pool type). */
  readonly key: string;
  readonly path: string;
  readonly type: VolumeTypeName;
  readonly typeCode: number;
  readonly capacity: number;
  readonly allocation: number;
}

/** A volume found by its path: the summary plus the pool holding it. */
export interface VolumeLocation extends VolumeSummary {
  readonly pool: string;
}

export interface MigrateOptions {
  /** e.g. `tcp://10.0.0.2:49152`: where QEMU sends the data (the destination's port range). */
  readonly migrateUri?: string;
  /** Rename the domain on the destination. */
  readonly destName?: string;
  /** The XML the destination runs (same ABI). */
  readonly destXml?: string;
  /** The persistent XML the destination defines (with `persistDest`). */
  readonly persistXml?: string;
  /** Where the destination QEMU listens for the data (e.g. `127.0.0.1`). */
  readonly listenAddress?: string;
  /** MiB/s. */
  readonly bandwidth?: number;
  /**
   * Longest pause at switch-over, ms. libvirt 9.0 has no migrate parameter for it: the binding
   * sets it on the running source (virDomainMigrateSetMaxDowntime) in the same worker call,
   * right before migrating; ignored for offline migration.
   */
  readonly maxDowntimeMs?: number;
  /** `MIGRATE_FLAGS` or'ed: live, peerToPeer, tunnelled, persistDest, undefineSource, … */
  readonly flags: number;
}

interface DomainEventBase {
  /** The domain's name. */
  readonly domain: string;
  readonly uuid: string;
}

export interface LifecycleEvent extends DomainEventBase {
  readonly type: 'lifecycle';
  readonly event: LifecycleEventName;
  /** libvirt's detail name for that event, e.g. `booted`, `failed`, `migrated`. */
  readonly detail: string;
  readonly eventCode: number;
  readonly detailCode: number;
}

export interface RebootEvent extends DomainEventBase {
  readonly type: 'reboot';
}

export interface DeviceEvent extends DomainEventBase {
  readonly type: 'device-added' | 'device-removed';
  /** The device alias, e.g. `scsi0-0-0-1` or `ua-…`. */
  readonly device: string;
}

export interface IoErrorEvent extends DomainEventBase {
  readonly type: 'io-error';
  readonly srcPath: string;
  /** The disk's alias. */
  readonly device: string;
  readonly action: IoErrorActionName;
  readonly actionCode: number;
  /** QEMU's reason, e.g. `enospc`, `eio`. */
  readonly reason: string;
}

/** The guest's watchdog device expired; QEMU has already done its `action`. */
export interface WatchdogEvent extends DomainEventBase {
  readonly type: 'watchdog';
  readonly action: WatchdogActionName;
  readonly actionCode: number;
}

export interface JobCompletedEvent extends DomainEventBase {
  readonly type: 'job-completed';
  readonly stats: TypedParams;
}

export interface CloseEvent {
  readonly type: 'close';
  readonly reason: CloseReason;
}

export type LibvirtEvent =
  | LifecycleEvent
  | RebootEvent
  | DeviceEvent
  | IoErrorEvent
  | WatchdogEvent
  | JobCompletedEvent
  | CloseEvent;

/**
 * What a `LibvirtConnection` emits once subscribed: every event as `event`, each also under its
 * own type, and `close` with the reason the connection was lost.
 */
export interface LibvirtConnectionEvents {
  event: [LibvirtEvent];
  lifecycle: [LifecycleEvent];
  reboot: [RebootEvent];
  'device-added': [DeviceEvent];
  'device-removed': [DeviceEvent];
  'io-error': [IoErrorEvent];
  watchdog: [WatchdogEvent];
  'job-completed': [JobCompletedEvent];
  close: [CloseReason];
}
