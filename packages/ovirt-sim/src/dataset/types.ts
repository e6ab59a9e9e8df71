/**
 * The dataset format: what a simulated engine contains when it starts. JSON or YAML, keys in
 * camelCase, references by name. Documented in docs/ovirt-sim.md ("Dataset format").
 */

/** Memory and sizes: bytes as a number, or a string with a unit (`"4 GiB"`, `"512MiB"`). */
export type SizeSpec = number | string;

export interface DataCenterSpec {
  name: string;
  id?: string;
  description?: string;
  comment?: string;
  local?: boolean;
  /** Compatibility version, `"4.7"`. */
  version?: string;
  storageFormat?: string;
}

export interface ClusterSpec {
  name: string;
  id?: string;
  dataCenter: string;
  description?: string;
  comment?: string;
  cpuType?: string;
  version?: string;
  haReservation?: boolean;
}

export interface HostSpec {
  name: string;
  id?: string;
  cluster: string;
  address?: string;
  description?: string;
  comment?: string;
  /** Initial status: up (default), maintenance, non_responsive or down. */
  status?: 'up' | 'maintenance' | 'non_responsive' | 'down';
  /** SPM priority -1 (never) … 10, default 5; `status: spm` makes it the SPM at start. */
  spm?: { priority?: number; status?: 'spm' | 'none' };
  powerManagement?: { enabled?: boolean; type?: string; address?: string };
  memory?: SizeSpec;
  cpu?: { name?: string; speed?: number; cores?: number; sockets?: number; threads?: number };
}

export interface StorageDomainSpec {
  name: string;
  id?: string;
  type?: 'data' | 'iso' | 'export' | 'image' | 'volume';
  description?: string;
  comment?: string;
  storage?: {
    type?: 'nfs' | 'iscsi' | 'fcp' | 'localfs' | 'posixfs' | 'glusterfs';
    address?: string;
    path?: string;
  };
  /** Names of the data centers the domain is attached to; none = unattached. */
  dataCenters?: string[];
  master?: boolean;
  status?: 'active' | 'inactive' | 'maintenance' | 'unattached' | 'locked' | 'unknown';
  available?: SizeSpec;
  used?: SizeSpec;
  committed?: SizeSpec;
  storageFormat?: string;
}

export interface DiskSpec {
  name: string;
  id?: string;
  size?: SizeSpec;
  storageDomain?: string;
  bootable?: boolean;
  interface?: 'virtio' | 'virtio_scsi' | 'ide' | 'sata';
  format?: 'cow' | 'raw';
}

export interface NicSpec {
  name: string;
  id?: string;
  interface?: 'virtio' | 'e1000' | 'rtl8139';
  mac?: string;
}

export interface PayloadSpec {
  type: 'cdrom' | 'floppy';
  volumeId?: string;
  files: { name: string; content: string }[];
}

export interface VmSpec {
  name: string;
  id?: string;
  cluster: string;
  description?: string;
  comment?: string;
  memory?: SizeSpec;
  cpu?: { sockets?: number; cores?: number; threads?: number };
  os?: { type?: string; boot?: ('hd' | 'cdrom' | 'network')[] };
  /** ISO ids inserted in the VM's CD-ROM drive; at most one drive is modelled. */
  cdrom?: string;
  highAvailability?: { enabled?: boolean; priority?: number };
  placement?: { affinity?: 'migratable' | 'user_migratable' | 'pinned'; hosts?: string[] };
  display?: 'spice' | 'vnc' | { type?: 'spice' | 'vnc'; monitors?: number };
  type?: 'server' | 'desktop' | 'high_performance';
  stateless?: boolean;
  /** Initial status: down (default), up, suspended or paused. */
  status?: 'down' | 'up' | 'suspended' | 'paused';
  /** Host of a running VM; default: the first up host of its cluster. */
  host?: string;
  disks?: DiskSpec[];
  nics?: NicSpec[];
  payloads?: PayloadSpec[];
}

/** A whole simulated engine. */
export interface SimDataset {
  dataCenters: DataCenterSpec[];
  clusters: ClusterSpec[];
  hosts: HostSpec[];
  storageDomains?: StorageDomainSpec[];
  vms?: VmSpec[];
}
