/** Plain objects the binding returns and the events it delivers. */
import type { CloseReason, DomainStateName, LifecycleEventName } from './binding-constants.js';

export interface DomainSummary {
  readonly name: string;
  readonly uuid: string;
  /** Domain id while active, -1 when inactive. */
  readonly id: number;
  readonly state: DomainStateName;
  /** libvirt's reason name for that state, e.g. `booted`, `crashed`, `ioerror`, `user`. */
  readonly reason: string;
  readonly stateCode: number;
  readonly reasonCode: number;
  readonly persistent: boolean;
  readonly autostart: boolean;
  readonly managedSave: boolean;
}

export interface DomainState {
  readonly state: DomainStateName;
  readonly reason: string;
  readonly stateCode: number;
  readonly reasonCode: number;
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

export interface VolumeSummary {
  readonly name: string;
  readonly path: string;
  readonly type: number;
  readonly capacity: number;
  readonly allocation: number;
}

export interface MigrateOptions {
  /** e.g. `tcp://10.0.0.2:49152`: where QEMU sends the data. */
  readonly migrateUri?: string;
  readonly destName?: string;
  readonly destXml?: string;
  readonly persistXml?: string;
  /** Where the destination QEMU listens (e.g. `127.0.0.1`). */
  readonly listenAddress?: string;
  /** MiB/s. */
  readonly bandwidth?: number;
  /** ms; set on the source before migrating. */
  readonly maxDowntimeMs?: number;
  readonly flags: number;
}

export type LibvirtEvent =
  | {
      readonly type: 'lifecycle';
      readonly domain: string;
      readonly uuid: string;
      readonly event: LifecycleEventName;
      readonly detail: string;
      readonly eventCode: number;
      readonly detailCode: number;
    }
  | { readonly type: 'reboot'; readonly domain: string; readonly uuid: string }
  | {
      readonly type: 'device-added' | 'device-removed';
      readonly domain: string;
      readonly uuid: string;
      readonly device: string;
    }
  | {
      readonly type: 'io-error';
      readonly domain: string;
      readonly uuid: string;
      readonly srcPath: string;
      readonly device: string;
      readonly action: number;
      readonly reason: string;
    }
  | {
      readonly type: 'job-completed';
      readonly domain: string;
      readonly uuid: string;
      readonly stats: Readonly<Record<string, number | string | boolean>>;
    }
  | { readonly type: 'close'; readonly reason: CloseReason };
