/**
 * The raw shape of the native addon (native/src), before binding.ts names its numbers. Every
 * method that talks to libvirt returns a promise; argument errors throw a TypeError at once;
 * libvirt failures reject with `{ libvirt: true, code, domain, message }`.
 */
import type { DomainRef, NodeInfo, StoragePoolSummary, TypedParams } from './binding-types.js';

export interface RawDomainRow {
  name: string;
  uuid: string;
  id: number;
  state: number;
  reason: number;
  persistent: boolean;
  autostart: boolean;
  managedSave: boolean;
}

export interface RawVolume {
  pool?: string;
  name: string;
  key: string;
  path: string;
  type: number;
  capacity: number;
  allocation: number;
}

export interface RawPoolInfo {
  state: number;
  capacity: number;
  allocation: number;
  available: number;
}

interface RawDomainEvent {
  domain: string;
  uuid: string;
}

export type RawEvent =
  | (RawDomainEvent & { type: 'lifecycle'; event: number; detail: number })
  | (RawDomainEvent & { type: 'reboot' })
  | (RawDomainEvent & { type: 'device-added' | 'device-removed'; device: string })
  | (RawDomainEvent & {
      type: 'io-error';
      srcPath: string;
      device: string;
      action: number;
      reason: string;
    })
  | (RawDomainEvent & { type: 'job-completed'; stats: TypedParams })
  | (RawDomainEvent & { type: 'watchdog'; action: number })
  | { type: 'close'; reason: number };

type MigrateParamsRecord = Record<string, string | number>;

export interface NativeConnection {
  close(): Promise<void>;
  isAlive(): boolean;
  setKeepAlive(interval: number, count: number): Promise<void>;
  hostname(): Promise<string>;
  libVersion(): Promise<number>;
  hypervisorVersion(): Promise<number>;
  capabilities(): Promise<string>;
  nodeInfo(): Promise<NodeInfo>;
  listNodeDevices(flags: number): Promise<string[]>;
  nodeDeviceXml(name: string): Promise<string>;

  listAllDomains(): Promise<RawDomainRow[]>;
  getAllDomainStats(
    stats: number,
    flags: number,
  ): Promise<{ name: string; uuid: string; stats: TypedParams }[]>;
  getDomain(ref: DomainRef): Promise<RawDomainRow>;
  /** Like getDomain; null when there is no such domain. */
  findDomain(ref: DomainRef): Promise<RawDomainRow | null>;
  domainXml(ref: DomainRef, flags: number): Promise<string>;
  defineXml(xml: string, flags: number): Promise<string>;
  createXml(xml: string, flags: number): Promise<string>;
  undefine(ref: DomainRef, flags: number): Promise<void>;
  start(ref: DomainRef, flags: number): Promise<void>;
  shutdown(ref: DomainRef, flags: number): Promise<void>;
  reboot(ref: DomainRef, flags: number): Promise<void>;
  reset(ref: DomainRef, flags: number): Promise<void>;
  agentCommand(ref: DomainRef, command: string, timeoutSeconds: number): Promise<string>;
  destroy(ref: DomainRef, flags: number): Promise<void>;
  suspend(ref: DomainRef): Promise<void>;
  resume(ref: DomainRef): Promise<void>;
  managedSave(ref: DomainRef, flags: number): Promise<void>;
  managedSaveRemove(ref: DomainRef, flags: number): Promise<void>;
  setAutostart(ref: DomainRef, on: boolean): Promise<void>;
  getState(ref: DomainRef): Promise<{ state: number; reason: number }>;
  getMetadata(
    ref: DomainRef,
    type: number,
    uri: string | null,
    flags: number,
  ): Promise<string | null>;
  metadataPair(
    ref: DomainRef,
    type: number,
    uri: string | null,
    withLive: boolean,
  ): Promise<{ config: string | null; live: string | null }>;
  setMetadata(
    ref: DomainRef,
    type: number,
    metadata: string | null,
    key: string | null,
    uri: string | null,
    flags: number,
  ): Promise<void>;
  attachDevice(ref: DomainRef, xml: string, flags: number): Promise<void>;
  detachDevice(ref: DomainRef, xml: string, flags: number): Promise<void>;
  updateDevice(ref: DomainRef, xml: string, flags: number): Promise<void>;
  blockResize(ref: DomainRef, disk: string, bytes: number, flags: number): Promise<void>;
  jobStats(ref: DomainRef, flags: number): Promise<{ type: number; stats: TypedParams }>;
  abortJob(ref: DomainRef): Promise<void>;
  setMaxDowntime(ref: DomainRef, ms: number): Promise<void>;
  migrateToUri3(
    ref: DomainRef,
    dest: string,
    params: MigrateParamsRecord,
    flags: number,
    maxDowntimeMs: number | undefined,
  ): Promise<void>;
  migrate3(
    ref: DomainRef,
    dest: NativeConnection,
    params: MigrateParamsRecord,
    flags: number,
    maxDowntimeMs: number | undefined,
  ): Promise<void>;

  listStoragePools(): Promise<StoragePoolSummary[]>;
  poolInfo(pool: string): Promise<RawPoolInfo>;
  poolXml(pool: string, flags: number): Promise<string>;
  refreshPool(pool: string): Promise<void>;
  createPool(xml: string): Promise<string>;
  definePool(xml: string): Promise<string>;
  destroyPool(pool: string): Promise<void>;
  listVolumes(pool: string): Promise<RawVolume[]>;
  volumeInfo(pool: string, name: string): Promise<RawVolume>;
  volumeByPath(path: string): Promise<RawVolume & { pool: string }>;
  volumeXml(pool: string, name: string): Promise<string>;
  createVolume(pool: string, xml: string, flags: number): Promise<string>;
  deleteVolume(pool: string, name: string, flags: number): Promise<void>;
  resizeVolume(pool: string, name: string, bytes: number, flags: number): Promise<void>;

  subscribe(listener: (e: RawEvent) => void): Promise<void>;
}

export interface NativeModule {
  open(uri: string, readOnly: boolean): Promise<NativeConnection>;
  callCount(): number;
  libvirtVersion(): number;
}
