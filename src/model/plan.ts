/**
 * The plan: what `diff` decided, before anything is done. Each action says what it does, where,
 * and why (`reason` for machines, `why` for people), with `before`/`after` as short state
 * descriptions:
 *
 * | kind              | before                        | after                              |
 * |-------------------|-------------------------------|------------------------------------|
 * | define            | `absent` or `defined (old)`   | `defined`                          |
 * | undefine          | `defined`                     | `absent`                           |
 * | start             | the observed state            | `running on HOST`                  |
 * | stop              | `running on HOST`             | `shut off`                         |
 * | migrate/relocate  | `running on HOST`/`shut off`  | `… on TO_HOST`                     |
 * | disable-autostart | `autostart on`                | `autostart off`                    |
 * | storage kinds     | the disk as it is (or absent) | the disk as mapped (or absent)     |
 *
 * Guests the plan deliberately does not act on are listed as `holds` with the reason, so a
 * person can see what virtwarden is waiting for (fencing, a dependency, an operator).
 */
import type { Diagnostic } from './diagnostic.js';
import type { DiskCache, DiskSource } from './desired.js';
import type { DefinitionChange } from './observed.js';

export type ActionKind =
  | 'define'
  | 'undefine'
  | 'start'
  | 'stop'
  | 'migrate'
  | 'relocate'
  | 'disable-autostart'
  | 'reboot'
  | 'reset'
  | 'create-volume'
  | 'attach-disk'
  | 'detach-disk'
  | 'update-disk'
  | 'delete-volume';

export type ActionReason =
  | 'not-defined'
  | 'definition-changed'
  | 'not-running'
  | 'stopped-unexpectedly'
  | 'crashed'
  | 'io-error'
  | 'failover'
  | 'host-not-allowed'
  | 'failback'
  | 'desired-stopped'
  | 'desired-absent'
  | 'duplicate-instance'
  | 'autostart-on'
  | 'restart-requested'
  | 'stale-definition'
  | 'disk-missing'
  | 'disk-extra'
  | 'disk-changed'
  | 'volume-missing'
  | 'volume-too-small'
  | 'volume-unmapped'
  | 'definition-drift'
  | 'drain'
  | 'host-lost'
  | 'migration-failed'
  | 'unhealthy';

/**
 * A mapped disk as the plan carries it: what is mapped, not how a hypervisor writes it (the
 * provider renders it: libvirt's `<disk>` lives in the libvirt provider).
 */
export interface DiskSpec {
  readonly target: string;
  readonly bus: 'virtio' | 'scsi';
  /** `lun`: SCSI passthrough of the whole device. */
  readonly device: 'disk' | 'lun';
  readonly source: DiskSource;
  readonly readOnly: boolean;
  readonly shareable: boolean;
  readonly cache: DiskCache;
  /** virtwarden's mark on the disk (`ua-vw-<target>`). */
  readonly alias: string;
  /** The format a pool volume is created with when it does not exist yet. */
  readonly createFormat: 'raw' | 'qcow2';
}

/** A pool volume virtwarden creates: plain raw, or a qcow2 overlay of a golden image. */
export interface VolumeCreate {
  readonly capacityBytes: number;
  readonly format: 'raw' | 'qcow2';
  readonly backing?: { readonly path: string; readonly format: string };
}

export interface DiskChange {
  readonly target: string;
  readonly bus: 'virtio' | 'scsi';
  /** Human form of the source, e.g. `/dev/disk/by-id/scsi-2001…` or `pool guests/db1-boot`. */
  readonly source: string;
  /** Apply to the running guest too (hot-plug) and not only to its saved definition. */
  readonly live: boolean;
  /** The disk to attach, detach or update. */
  readonly spec?: DiskSpec;
  /** For volume actions: the pool, name, what to create, or the size to grow to. */
  readonly volume?: {
    readonly pool: string;
    readonly name: string;
    readonly create?: VolumeCreate;
    readonly capacityBytes?: number;
  };
}

export interface Action {
  /** Unique within the plan, stable across runs for the same decision. */
  readonly id: string;
  readonly kind: ActionKind;
  /** The guest's manifest name. */
  readonly guest: string;
  /** For people: `guest/db1@kvm1`. */
  readonly address: string;
  readonly site: string;
  /** The host acted on (libvirt); for oVirt the host is optional (the engine places). */
  readonly host?: string;
  /** migrate / relocate destination. */
  readonly toHost?: string;
  readonly reason: ActionReason;
  /** One sentence: why this action. */
  readonly why: string;
  readonly before?: string;
  readonly after?: string;
  /** ids of actions that must succeed first. */
  readonly dependsOn: readonly string[];
  /** stop: skip the graceful shutdown (a duplicate copy must die at once). */
  readonly force?: boolean;
  /** migrate: live (running guest) or offline (definition only). */
  readonly live?: boolean;
  /** migrate: what happens if the live migration fails (`migration.fallback`). */
  readonly fallback?: 'none' | 'relocate';
  /** define with reason `definition-drift`: what was changed by hand, element by element. */
  readonly drift?: readonly DefinitionChange[];
  /** The change needs the guest restarted to take effect (only planned with --allow-restart). */
  readonly restart?: boolean;
  readonly disk?: DiskChange;
  /** start at a DR site: the payload CD-ROM with the guest's network personality there. */
  readonly payload?: {
    readonly site: string;
    readonly files: readonly { readonly name: string; readonly content: string }[];
  };
}

export type HoldReason =
  | 'waiting-for-fencing'
  | 'waiting-for-dependency'
  | 'intentional-offline'
  | 'maintenance'
  | 'site-unreachable'
  | 'no-healthy-host'
  | 'restart-needed'
  | 'conflict'
  | 'faulted'
  | 'crash-loop-backoff'
  | 'data-loss-refused'
  | 'migrating'
  | 'migration-failed'
  | 'failback-pending';

/** A guest the plan leaves alone on purpose, and why. */
export interface Hold {
  readonly guest: string;
  readonly reason: HoldReason;
  readonly message: string;
  /** e.g. the host waiting to be fenced. */
  readonly host?: string | undefined;
  /** Look again after this long (a crash loop's backoff). */
  readonly retryAfterMs?: number;
}

export interface Plan {
  readonly actions: readonly Action[];
  readonly holds: readonly Hold[];
  /** Problems found while planning (a foreign domain in the way, …). */
  readonly diagnostics: readonly Diagnostic[];
}

export function actionCount(plan: Plan): number {
  return plan.actions.length;
}
