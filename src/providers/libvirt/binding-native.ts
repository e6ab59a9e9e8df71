/** The raw shape of the native addon (native/src), before binding.ts types and names it. */
import type { NodeInfo, StoragePoolSummary, VolumeSummary } from './binding-types.js';

type Stats = Record<string, number | string | boolean>;

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

export type RawEvent =
  | { type: 'lifecycle'; domain: string; uuid: string; event: number; detail: number }
  | { type: 'reboot'; domain: string; uuid: string }
  | { type: 'device-added' | 'device-removed'; domain: string; uuid: string; device: string }
  | {
      type: 'io-error';
      domain: string;
      uuid: string;
      srcPath: string;
      device: string;
      action: number;
      reason: string;
    }
  | { type: 'job-completed'; domain: string; uuid: string; stats: Stats }
  | { type: 'close'; reason: number };

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
  getAllDomainStats(stats: number, flags: number): Promise<{ name: string; stats: Stats }[]>;
  domainXml(name: string, flags: number): Promise<string>;
  defineXml(xml: string, flags: number): Promise<string>;
  createXml(xml: string, flags: number): Promise<string>;
  undefine(name: string, flags: number): Promise<void>;
  start(name: string, flags: number): Promise<void>;
  shutdown(name: string, flags: number): Promise<void>;
  reboot(name: string, flags: number): Promise<void>;
  destroy(name: string, flags: number): Promise<void>;
  suspend(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  managedSave(name: string, flags: number): Promise<void>;
  managedSaveRemove(name: string, flags: number): Promise<void>;
  setAutostart(name: string, on: boolean): Promise<void>;
  getState(name: string): Promise<{ state: number; reason: number }>;
  getMetadata(
    name: string,
    type: number,
    uri: string | null,
    flags: number,
  ): Promise<string | null>;
  metadataPair(
    name: string,
    type: number,
    uri: string | null,
    withLive: boolean,
  ): Promise<{ config: string | null; live: string | null }>;
  setMetadata(
    name: string,
    type: number,
    metadata: string | null,
    key: string | null,
    uri: string | null,
    flags: number,
  ): Promise<void>;
  attachDevice(name: string, xml: string, flags: number): Promise<void>;
  detachDevice(name: string, xml: string, flags: number): Promise<void>;
  updateDevice(name: string, xml: string, flags: number): Promise<void>;
  blockResize(name: string, disk: string, bytes: number, flags: number): Promise<void>;
  jobStats(name: string): Promise<{ type: number; stats: Stats }>;
  abortJob(name: string): Promise<void>;
  setMaxDowntime(name: string, ms: number): Promise<void>;
  migrateToUri3(
    name: string,
    dest: string,
    params: Record<string, string | number>,
    flags: number,
  ): Promise<void>;
  migrate3(
    name: string,
    dest: NativeConnection,
    params: Record<string, string | number>,
    flags: number,
  ): Promise<void>;
  listStoragePools(): Promise<StoragePoolSummary[]>;
  poolXml(pool: string): Promise<string>;
  refreshPool(pool: string): Promise<void>;
  createPool(xml: string): Promise<string>;
  definePool(xml: string): Promise<void>;
  destroyPool(pool: string): Promise<void>;
  listVolumes(pool: string): Promise<VolumeSummary[]>;
  volumeXml(pool: string, name: string): Promise<string>;
  createVolume(pool: string, xml: string, flags: number): Promise<string>;
  deleteVolume(pool: string, name: string): Promise<void>;
  resizeVolume(pool: string, name: string, bytes: number, flags: number): Promise<void>;
  subscribe(listener: (e: RawEvent) => void): Promise<void>;
}

export interface NativeModule {
  open(uri: string, readOnly: boolean): Promise<NativeConnection>;
  callCount(): number;
  libvirtVersion(): number;
}
