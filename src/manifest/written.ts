/**
 * The manifests as written: the shapes the schemas accept, every defaulted field optional.
 * A value is only treated as one of these after schema validation succeeded.
 */

export interface WrittenDocument<K extends string, S> {
  readonly apiVersion: string;
  readonly kind: K;
  readonly metadata: { readonly name: string };
  readonly spec: S;
}

export type WrittenSecretRef = { readonly env: string } | { readonly file: string };

export interface WrittenFence {
  readonly command: readonly string[];
  readonly statusCommand?: readonly string[];
  readonly timeoutSeconds?: number;
  readonly passEnv?: readonly string[];
}

export interface WrittenLibvirtHost {
  readonly name: string;
  readonly uri: string;
  readonly migrationUri?: string;
  readonly fence?: WrittenFence;
  readonly maintenance?: boolean;
}

export interface WrittenSiteSpec {
  readonly libvirt?: {
    readonly hosts: readonly WrittenLibvirtHost[];
    readonly keepalive?: { readonly intervalSeconds?: number; readonly count?: number };
    readonly hostLossGraceSeconds?: number;
  };
  readonly ovirt?: {
    readonly url: string;
    readonly user: string;
    readonly passwordFrom: WrittenSecretRef;
    readonly caFile?: string;
    readonly insecure?: boolean;
    readonly cluster: string;
    readonly datacenter: string;
    readonly manualFencing?: boolean;
    readonly pollIntervalSeconds?: number;
  };
}

export interface WrittenGuestSpec {
  readonly site: string;
  readonly name?: string;
  readonly state?: 'running' | 'stopped' | 'absent';
  readonly definition?: { readonly file: string };
  readonly placement?: {
    readonly hosts?: readonly string[];
    readonly autoStart?: readonly string[];
    readonly failback?: boolean;
    readonly failbackAfterSeconds?: number;
  };
  readonly timing?: { readonly startGraceSeconds?: number; readonly stopTimeoutSeconds?: number };
  readonly onFailure?: {
    readonly restart?: { readonly max?: number; readonly withinSeconds?: number };
    readonly then?: 'failover' | 'stop' | 'fault';
  };
  readonly migration?: {
    readonly live?: boolean;
    readonly timeoutSeconds?: number;
    readonly maxDowntimeMs?: number;
    readonly bandwidthMiBps?: number;
    readonly fallback?: 'none' | 'relocate';
  };
  readonly dependsOn?: readonly string[];
  readonly maintenance?: boolean;
  readonly health?: {
    readonly ladder?: readonly ('reboot' | 'reset' | 'restart')[];
  };
}

export type WrittenCache =
  'none' | 'writethrough' | 'writeback' | 'directsync' | 'unsafe' | 'default';

export interface WrittenDiskSource {
  readonly byId?: string;
  readonly byPath?: string;
  readonly dmp?: string;
  readonly volume?: {
    readonly pool: string;
    readonly name: string;
    readonly capacityGiB?: number;
    readonly backingVolume?: string;
  };
}

export interface WrittenDisk {
  readonly source: WrittenDiskSource;
  readonly target: string;
  readonly passthrough?: boolean;
  readonly readOnly?: boolean;
  readonly shareable?: boolean;
  readonly cache?: WrittenCache;
}

export interface WrittenStorageSpec {
  readonly guest: string;
  readonly controller?: 'virtio-blk' | 'virtio-scsi';
  readonly cache?: WrittenCache;
  readonly shareable?: boolean;
  readonly readOnly?: boolean;
  readonly disks: readonly WrittenDisk[];
}

export interface WrittenNetworkPersonality {
  readonly device?: string;
  readonly address: string;
  readonly gateway?: string;
  readonly dnsServers?: readonly string[];
  readonly dnsSearch?: readonly string[];
}

export interface WrittenDrSpec {
  readonly sites: readonly string[];
  readonly activeSite: string;
  readonly guests: readonly {
    readonly guest: string;
    readonly network: Readonly<Record<string, WrittenNetworkPersonality>>;
  }[];
  readonly replication?: readonly {
    readonly name: string;
    readonly command: {
      readonly status: readonly string[];
      readonly promote: readonly string[];
      readonly demote: readonly string[];
    };
    readonly timeoutSeconds?: number;
    readonly passEnv?: readonly string[];
  }[];
  readonly ovirt?: { readonly spmHandover?: { readonly timeoutSeconds?: number } };
  readonly payload?: 'cloud-init' | 'legacy' | 'both';
}

export interface WrittenServiceSpec {
  readonly tiers: readonly (readonly string[])[];
}

export type WrittenSite = WrittenDocument<'Site', WrittenSiteSpec>;
export type WrittenGuest = WrittenDocument<'Guest', WrittenGuestSpec>;
export type WrittenStorageMapping = WrittenDocument<'StorageMapping', WrittenStorageSpec>;
export type WrittenDisasterRecovery = WrittenDocument<'DisasterRecovery', WrittenDrSpec>;
export type WrittenService = WrittenDocument<'Service', WrittenServiceSpec>;
