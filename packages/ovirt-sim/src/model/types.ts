/**
 * The simulator's in-memory engine database: the entities an oVirt engine keeps and serves
 * through the REST API v4. Status values are the v4 XML spellings (ovirt-api.md §4).
 */

export const VM_STATUSES = [
  'unassigned',
  'down',
  'up',
  'powering_up',
  'paused',
  'migrating',
  'unknown',
  'not_responding',
  'wait_for_launch',
  'reboot_in_progress',
  'saving_state',
  'restoring_state',
  'suspended',
  'image_locked',
  'powering_down',
] as const;
export type VmStatus = (typeof VM_STATUSES)[number];

export const HOST_STATUSES = [
  'down',
  'error',
  'initializing',
  'installing',
  'install_failed',
  'maintenance',
  'non_operational',
  'non_responsive',
  'pending_approval',
  'preparing_for_maintenance',
  'connecting',
  'reboot',
  'unassigned',
  'up',
  'installing_os',
  'kdumping',
] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];

export const SPM_STATUSES = ['none', 'contending', 'spm'] as const;
export type SpmStatus = (typeof SPM_STATUSES)[number];

export const DATA_CENTER_STATUSES = [
  'uninitialized',
  'up',
  'maintenance',
  'not_operational',
  'problematic',
  'contend',
] as const;
export type DataCenterStatus = (typeof DATA_CENTER_STATUSES)[number];

export const STORAGE_DOMAIN_STATUSES = [
  'active',
  'inactive',
  'locked',
  'mixed',
  'unattached',
  'maintenance',
  'preparing_for_maintenance',
  'detaching',
  'activating',
  'unknown',
] as const;
export type StorageDomainStatus = (typeof STORAGE_DOMAIN_STATUSES)[number];

export const STORAGE_DOMAIN_TYPES = ['data', 'iso', 'export', 'image', 'volume'] as const;
export type StorageDomainType = (typeof STORAGE_DOMAIN_TYPES)[number];

export const STORAGE_TYPES = ['nfs', 'iscsi', 'fcp', 'localfs', 'posixfs', 'glusterfs'] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];

export const BOOT_DEVICES = ['hd', 'cdrom', 'network'] as const;
export type BootDevice = (typeof BOOT_DEVICES)[number];

export const VM_AFFINITIES = ['migratable', 'user_migratable', 'pinned'] as const;
export type VmAffinity = (typeof VM_AFFINITIES)[number];

export const DISPLAY_TYPES = ['spice', 'vnc'] as const;
export type DisplayType = (typeof DISPLAY_TYPES)[number];

export const VM_TYPES = ['server', 'desktop', 'high_performance'] as const;
export type VmType = (typeof VM_TYPES)[number];

export const PAYLOAD_TYPES = ['cdrom', 'floppy'] as const;
export type PayloadType = (typeof PAYLOAD_TYPES)[number];

export type PowerState = 'on' | 'off' | 'unknown';
export type EventSeverity = 'normal' | 'warning' | 'error' | 'alert';
export type JobStatus = 'started' | 'finished' | 'failed' | 'aborted' | 'unknown';

export interface Version {
  major: number;
  minor: number;
}

export interface SimDataCenter {
  readonly id: string;
  name: string;
  description: string;
  comment: string;
  status: DataCenterStatus;
  local: boolean;
  storageFormat: string;
  version: Version;
  quotaMode: 'disabled' | 'audit' | 'enabled';
}

export interface SimCluster {
  readonly id: string;
  name: string;
  description: string;
  comment: string;
  dataCenterId: string;
  cpuType: string;
  version: Version;
  haReservation: boolean;
}

export interface SimPowerManagement {
  enabled: boolean;
  /** Fence agent kind shown to the operator (ipmilan, ilo4, drac7, …). */
  agentType: string;
  agentAddress: string;
}

export interface SimHost {
  readonly id: string;
  name: string;
  description: string;
  comment: string;
  address: string;
  clusterId: string;
  status: HostStatus;
  statusDetail: string | undefined;
  spm: { priority: number; status: SpmStatus };
  powerManagement: SimPowerManagement;
  memory: number;
  cpu: { name: string; speed: number; cores: number; sockets: number; threads: number };
  port: number;
  /** Hidden truth the engine can only observe: does the management network reach the host? */
  reachable: boolean;
  /** Hidden truth: is the fence agent (IPMI/iLO…) reachable? */
  pmReachable: boolean;
  /** Hidden truth: is the machine powered on? */
  powered: boolean;
  /** Hidden truth: does a power cycle cure the host (a hung OS) or not (a cut network)? */
  rebootFixes: boolean;
}

export interface SimStorageDomain {
  readonly id: string;
  name: string;
  description: string;
  comment: string;
  type: StorageDomainType;
  status: StorageDomainStatus;
  master: boolean;
  storage: { type: StorageType; address: string; path: string };
  available: number;
  used: number;
  committed: number;
  storageFormat: string;
  dataCenterIds: string[];
}

export interface SimDisk {
  readonly id: string;
  name: string;
  provisionedSize: number;
  actualSize: number;
  format: 'cow' | 'raw';
  storageDomainId: string | undefined;
}

export interface SimDiskAttachment {
  readonly id: string;
  diskId: string;
  bootable: boolean;
  interface: string;
  active: boolean;
}

export interface SimNic {
  readonly id: string;
  name: string;
  interface: string;
  mac: string;
  linked: boolean;
  plugged: boolean;
}

export interface SimPayloadFile {
  name: string;
  content: string;
}

export interface SimPayload {
  type: PayloadType;
  volumeId: string | undefined;
  files: SimPayloadFile[];
}

export interface SimCdrom {
  readonly id: string;
  /** The ISO in the persistent configuration (used at the next start). */
  fileId: string | undefined;
  /** The ISO in the running VM (changed with `?current=true`). */
  currentFileId: string | undefined;
}

export interface SimVm {
  readonly id: string;
  name: string;
  description: string;
  comment: string;
  clusterId: string;
  templateId: string;
  memory: number;
  cpu: { sockets: number; cores: number; threads: number };
  os: { type: string; bootDevices: BootDevice[] };
  highAvailability: { enabled: boolean; priority: number };
  placement: { affinity: VmAffinity; hostIds: string[] };
  display: { type: DisplayType; monitors: number };
  type: VmType;
  stateless: boolean;
  creationTime: number;
  status: VmStatus;
  hostId: string | undefined;
  startTime: number | undefined;
  stopTime: number | undefined;
  stopReason: string | undefined;
  runOnce: boolean;
  /** The payload the VM booted with (copied from `payloads` at start, as RunVmOnce#loadPayload). */
  runningPayloads: SimPayload[];
  cdroms: SimCdrom[];
  nics: SimNic[];
  diskAttachments: SimDiskAttachment[];
  payloads: SimPayload[];
  /** Sim-only fault: the VM never leaves wait_for_launch when started. */
  stuckInWaitForLaunch: boolean;
}

export interface SimEvent {
  readonly id: number;
  code: number;
  severity: EventSeverity;
  description: string;
  time: number;
  correlationId: string | undefined;
  origin: string;
  customId: number;
  floodRate: number;
  vmId: string | undefined;
  hostId: string | undefined;
  clusterId: string | undefined;
  dataCenterId: string | undefined;
  storageDomainId: string | undefined;
  userId: string | undefined;
}

export interface SimJob {
  readonly id: string;
  description: string;
  status: JobStatus;
  startTime: number;
  endTime: number | undefined;
  lastUpdated: number;
  ownerId: string | undefined;
}

export interface SimTemplate {
  readonly id: string;
  name: string;
  description: string;
}
