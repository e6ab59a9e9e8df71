/**
 * The desired state: what the manifests say, after validation and normalization. Defaults are
 * filled in here, so nothing downstream has to know a default. Every object keeps the place it
 * was written (`at`) so later stages (plan, verify) can point back into the manifests.
 *
 * Names: `name` is always the manifest's `metadata.name`, unique per kind. A guest's name at the
 * hypervisor (libvirt domain name or oVirt VM name) is `Guest.domainName`.
 */
import type { SourceSpan } from './diagnostic.js';

/** Where a secret comes from. The secret itself is never part of the model. */
export type SecretRef = { readonly env: string } | { readonly file: string };

/** A command run on the management host: argv, never a shell string. */
export interface HookCommand {
  readonly argv: readonly string[];
  readonly timeoutSeconds: number;
  /** Variables of virtwarden's environment the hook also gets (`passEnv`), by name. */
  readonly passEnv?: readonly string[];
}

export interface FenceSpec {
  /** Powers the host off; success means exit status 0. */
  readonly off: HookCommand;
  /** Optional: reports power state; exit 0 with "off" on stdout confirms the host is off. */
  readonly status?: HookCommand;
}

export interface LibvirtHost {
  readonly name: string;
  readonly uri: string;
  /** Dedicated migration network, e.g. `tcp://kvm1-mig.example.com`. */
  readonly migrationUri?: string;
  readonly fence?: FenceSpec;
  /** Drained for planned work: guests move away, nothing new starts there. */
  readonly maintenance: boolean;
  readonly at: SourceSpan;
}

export interface LibvirtSite {
  readonly kind: 'libvirt';
  readonly hosts: readonly LibvirtHost[];
  /** Host-loss detection: a host is lost after `count` unanswered probes `intervalSeconds` apart. */
  readonly keepalive: { readonly intervalSeconds: number; readonly count: number };
  /** A host unreachable this long without a break is lost (fenced); shorter is a blip. */
  readonly hostLossGraceSeconds: number;
}

export interface OvirtSite {
  readonly kind: 'ovirt';
  /** API base, e.g. `https://rhevm.example.com/ovirt-engine/api`. HTTPS only. */
  readonly url: string;
  readonly user: string;
  readonly passwordFrom: SecretRef;
  /** CA bundle used to verify the engine's certificate; absent = system CAs. */
  readonly caFile?: string;
  /** Explicit, loudly warned opt-out of TLS verification (lab use only). */
  readonly insecure: boolean;
  readonly cluster: string;
  readonly datacenter: string;
  /** Confirm a crashed host's fencing through the engine before its VMs start elsewhere. */
  readonly manualFencing: boolean;
  /** How often `watch` polls the engine's event log. */
  readonly pollIntervalSeconds: number;
}

export interface Site {
  readonly name: string;
  readonly provider: LibvirtSite | OvirtSite;
  readonly at: SourceSpan;
}

export type DesiredGuestState = 'running' | 'stopped' | 'absent';

/** What to do once restarts on the same host are used up. */
export type FailureEscalation = 'failover' | 'stop' | 'fault';

export interface GuestDefinition {
  /** Absolute path of the libvirt domain XML file. */
  readonly path: string;
  /** The file's content, already checked to be a parseable `<domain>` document. */
  readonly xml: string;
  /** The `<uuid>` in the XML, if any (libvirt needs one to redefine a guest safely). */
  readonly uuid?: string;
}

export interface Guest {
  readonly name: string;
  /** Name at the hypervisor (libvirt domain / oVirt VM); defaults to `name`. */
  readonly domainName: string;
  readonly site: string;
  readonly state: DesiredGuestState;
  /** libvirt sites: the domain XML that is the source of truth. oVirt guests have none. */
  readonly definition?: GuestDefinition;
  readonly placement: {
    /** Allowed hosts, most preferred first. Empty for oVirt guests (the engine places them). */
    readonly hosts: readonly string[];
    /** Hosts it may be started on from cold; defaults to `hosts`. */
    readonly autoStart: readonly string[];
    /** Move back to a more preferred host when it returns. */
    readonly failback: boolean;
    /** …once that host has been up this long without a break. */
    readonly failbackAfterSeconds: number;
  };
  readonly timing: {
    /** Wait after a start before judging the state (DelayAfterGuestOnline). */
    readonly startGraceSeconds: number;
    /** Graceful shutdown, then forced stop after this long. */
    readonly stopTimeoutSeconds: number;
  };
  readonly onFailure: {
    readonly restart: { readonly max: number; readonly withinSeconds: number };
    readonly then: FailureEscalation;
  };
  readonly migration: {
    readonly live: boolean;
    readonly timeoutSeconds: number;
    readonly maxDowntimeMs: number;
    /** MiB/s; absent = unlimited. */
    readonly bandwidthMiBps?: number;
    /** A failed live migration: try again later (`none`) or stop and start (`relocate`). */
    readonly fallback: 'none' | 'relocate';
  };
  /** Guests (manifest names) that must run before this one starts and stop after it stops. */
  readonly dependsOn: readonly string[];
  /** Observe and report only; never act. */
  readonly maintenance: boolean;
  /** The responses to a liveness failure (a watchdog that fired); absent: none declared. */
  readonly health?: GuestHealth;
  readonly at: SourceSpan;
}

/** A response to a liveness failure: ask to reboot, hard reset, or stop and start. */
export type HealthRung = 'reboot' | 'reset' | 'restart';

export interface GuestHealth {
  /** One rung per liveness failure in the ladder's window, then `onFailure.then`. */
  readonly ladder: readonly HealthRung[];
}

export type DiskSource =
  | { readonly kind: 'byId'; readonly id: string }
  | { readonly kind: 'byPath'; readonly path: string }
  | { readonly kind: 'dmp'; readonly name: string }
  | {
      readonly kind: 'volume';
      readonly pool: string;
      readonly name: string;
      /** Created with this size when missing. */
      readonly capacityGiB?: number;
      /** Golden image volume (same pool) this volume is a copy-on-write overlay of. */
      readonly backingVolume?: string;
    };

export type DiskCache = 'none' | 'writethrough' | 'writeback' | 'directsync' | 'unsafe' | 'default';

export interface MappedDisk {
  readonly source: DiskSource;
  /** Target device name in the guest, e.g. `sdb`, `vdc`. */
  readonly target: string;
  /** LUN passthrough: `device='lun'`, `sgio='unfiltered'` (virtio-scsi only). */
  readonly passthrough: boolean;
  readonly readOnly: boolean;
  readonly cache: DiskCache;
  readonly shareable: boolean;
  readonly at: SourceSpan;
}

export interface StorageMapping {
  readonly name: string;
  readonly guest: string;
  readonly controller: 'virtio-blk' | 'virtio-scsi';
  readonly disks: readonly MappedDisk[];
  readonly at: SourceSpan;
}

export interface NetworkPersonality {
  /** NIC inside the guest; absent = the first NIC. */
  readonly device?: string;
  /** Address with prefix length, e.g. `192.168.74.21/22`. */
  readonly address: string;
  readonly gateway?: string;
  readonly dnsServers: readonly string[];
  readonly dnsSearch: readonly string[];
}

export interface DrGuest {
  readonly guest: string;
  /** Keyed by site name; validation guarantees an entry for every site of the plan. */
  readonly network: Readonly<Record<string, NetworkPersonality>>;
  readonly at: SourceSpan;
}

export interface Replication {
  readonly name: string;
  readonly status: HookCommand;
  readonly promote: HookCommand;
  readonly demote: HookCommand;
}

export type PayloadFormat = 'cloud-init' | 'legacy' | 'both';

export interface DisasterRecovery {
  readonly name: string;
  readonly sites: readonly [string, string];
  readonly activeSite: string;
  readonly guests: readonly DrGuest[];
  readonly replication: readonly Replication[];
  readonly spmHandover?: { readonly timeoutSeconds: number };
  readonly payload: PayloadFormat;
  readonly at: SourceSpan;
}

export interface Service {
  readonly name: string;
  /** Guest names per tier; started top to bottom, stopped bottom to top. */
  readonly tiers: readonly (readonly string[])[];
  readonly at: SourceSpan;
}

/** Everything the manifests describe. Keys are manifest names. */
export interface Desired {
  readonly sites: ReadonlyMap<string, Site>;
  readonly guests: ReadonlyMap<string, Guest>;
  readonly storage: ReadonlyMap<string, StorageMapping>;
  readonly disasterRecovery: ReadonlyMap<string, DisasterRecovery>;
  readonly services: ReadonlyMap<string, Service>;
}
