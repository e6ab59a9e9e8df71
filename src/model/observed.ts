/**
 * What the providers saw. Observation is always in bulk: one site at a time, every host's guests
 * in one list. Providers report what they could not see as such (`reachable: false`), never as
 * "no guests": an unreachable host may still be running guests.
 */
import type { GuestState } from './guest-state.js';

/** virtwarden's ownership record, kept in the guest's own definition (`<metadata>`). */
export interface Ownership {
  /** The manifest name of the guest that owns this domain. */
  readonly guest: string;
  /** Hash of the definition virtwarden last wrote (persistent configuration), disks included. */
  readonly definitionHash?: string;
  /** Hash of the same definition without the disks of storage mappings. */
  readonly baseHash?: string;
  /** How many mapped disks that definition carries (their live state must be compared). */
  readonly mappedDisks?: number;
  /**
   * A fresh id for each define virtwarden made: a definition read back with another id was
   * redefined by someone else in between (its baseline must not be taken from it).
   */
  readonly defineId?: string;
}

/** A disk as the running guest has it (from its live XML). */
export interface ObservedDisk {
  readonly target: string;
  readonly bus: string;
  readonly device: string;
  /** Host path, or `pool/volume` for volume disks. */
  readonly source: string;
  /** The user alias; virtwarden's mapped disks have `ua-vw-<target>`. */
  readonly alias?: string;
}

/** A storage pool volume as one host sees it. */
export interface ObservedVolume {
  readonly pool: string;
  readonly name: string;
  readonly path: string;
  readonly capacityBytes: number;
  /** raw, qcow2, … */
  readonly format?: string;
  /** Path of the backing file (copy-on-write overlays). */
  readonly backingPath?: string;
}

/** One element of a definition that changed outside virtwarden (`virsh edit`). */
export interface DefinitionChange {
  /** Where, e.g. `/domain/memory`, `/domain/devices/interface[2]/source/@bridge`. */
  readonly path: string;
  /** What virtwarden applied (absent: the element was added by hand). */
  readonly applied?: string;
  /** What is there now (absent: the element was removed by hand). */
  readonly now?: string;
}

/** Per-domain detail read only where the plan needs it (it costs a call per domain). */
export interface GuestDetail {
  /** Ownership from the persistent definition; absent = not (yet) owned by virtwarden. */
  readonly owner?: Ownership;
  /**
   * Base hash (definition without mapped disks) the running instance was started with (live
   * `<metadata>`): differs from the desired one when a change needs a restart.
   */
  readonly liveBaseHash?: string;
  /** The running guest's disks, read only for guests with storage mappings. */
  readonly liveDisks?: readonly ObservedDisk[];
  /**
   * The persistent definition was changed since virtwarden last wrote it (a hand edit):
   * what changed, element by element, libvirt's own additions (ids, generated addresses,
   * aliases, the ownership stamp) left out. Absent: unchanged, or not owned.
   */
  readonly drift?: readonly DefinitionChange[];
  /**
   * Owned, but with no baseline to compare with (a define interrupted before its baseline was
   * written, or a definition from before baselines): hand edits cannot be told, so it is
   * defined again once, which writes one.
   */
  readonly unverifiable?: true;
}

/** One guest as one host (libvirt) or one engine (oVirt) reports it. */
export interface ObservedGuest {
  readonly domainName: string;
  readonly uuid?: string;
  /**
   * Where it is. libvirt: the host holding the definition (always set). oVirt: the host it
   * runs on, absent while it is down (the engine owns the definition).
   */
  readonly host?: string;
  readonly state: GuestState;
  /** 0–100: how sure the state is (see the state tables). */
  readonly confidence: number;
  /** The provider's own words, e.g. `running (booted)`, `shut off (crashed)`, `up`. */
  readonly detail: string;
  /** A guest process exists (running, paused, shutting down, migrating, …). */
  readonly active: boolean;
  /**
   * The guest itself failed while its process runs: its watchdog fired (a hung kernel) or it
   * panicked. Such a guest is FAULTED: a panic climbs the ladder as a crash; a watchdog of a
   * guest with `health:` climbs `health.ladder` (without `health:` it counts as a crash).
   */
  readonly fault?: 'watchdog' | 'panic';
  /**
   * One end of a live migration in flight (libvirt: paused or running for a migration or
   * post-copy). Two active copies of which one is migrating are one guest moving, not a
   * duplicate: nothing may act on it until the job ends.
   */
  readonly migrating?: boolean;
  /** libvirt: it has a persistent definition on this host. oVirt: always true. */
  readonly persistent: boolean;
  readonly autostart: boolean;
  readonly managedSave: boolean;
  /** libvirt domain id while active; changes at every start (so caches can tell a restart). */
  readonly runId?: number;
  /** Filled in only for the guests the plan asked details for. */
  readonly details?: GuestDetail;
}

export type HostStatus = 'up' | 'unreachable' | 'maintenance' | 'down';

export interface ObservedHost {
  readonly name: string;
  readonly site: string;
  readonly status: HostStatus;
  /** Why it is not up, in the provider's words (never containing a secret). */
  readonly reason?: string;
  /** false when its driver cannot live-migrate (libvirt's test driver): moves become relocations. */
  readonly liveMigration?: boolean;
  /** false when its driver cannot hot-plug disks: mapping changes wait for a restart. */
  readonly hotplug?: boolean;
  /** Storage pools the manifests use, as this host has them (name → active). */
  readonly pools?: ReadonlyMap<string, { readonly active: boolean; readonly path?: string }>;
  /** Volumes of those pools, keyed `pool/name`. */
  readonly volumes?: ReadonlyMap<string, ObservedVolume>;
}

export interface ObservedSite {
  readonly name: string;
  readonly kind: 'libvirt' | 'ovirt';
  /** The site's control plane answered (oVirt engine; for libvirt: at least one host). */
  readonly reachable: boolean;
  readonly reason?: string;
  readonly hosts: ReadonlyMap<string, ObservedHost>;
  /** Every guest seen, on every reachable host (libvirt) or in the engine's cluster (oVirt). */
  readonly guests: readonly ObservedGuest[];
}

export interface Observed {
  readonly sites: ReadonlyMap<string, ObservedSite>;
}
