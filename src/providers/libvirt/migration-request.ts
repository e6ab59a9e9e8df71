/**
 * A move turned into what the source host's libvirt driver accepts: flags, typed parameters and
 * whether the job can be aborted. Pure. libvirt checks both against a fixed list per driver and
 * refuses the whole migration for one unknown flag or parameter, so we never send what a driver
 * would refuse; what the guest asked for but a driver cannot do is left out and said so.
 *
 * The lists, from libvirt's sources:
 * - QEMU: `src/qemu/qemu_migration.h` QEMU_MIGRATION_FLAGS (everything used here, offline and
 *   abort-on-error included) and QEMU_MIGRATION_PARAMETERS (migrate_uri, listen_address,
 *   bandwidth, …); the maximum downtime through virDomainMigrateSetMaxDowntime; jobs abort
 *   through virDomainAbortJob.
 * - Xen: `src/libxl/libxl_migration.h` LIBXL_MIGRATION_FLAGS = LIVE | PEER2PEER | TUNNELLED |
 *   PERSIST_DEST | UNDEFINE_SOURCE | PAUSED (newer releases add CHANGE_PROTECTION) and
 *   LIBXL_MIGRATION_PARAMETERS = migrate_uri, destination_name, destination_xml, checked by
 *   `virCheckFlags` / `virTypedParamsValidate` in `src/libxl/libxl_driver.c`
 *   (libxlDomainMigrateBegin3Params and the other *3Params entry points). Its driver table has
 *   no domainAbortJob, no domainMigrateSetMaxDowntime, and it reports no offline migration
 *   (libxlConnectSupportsFeature).
 * - The test driver cannot migrate at all (moves are planned as relocations).
 */
import { TerminalError } from '../../common/errors.js';
import { MIGRATE_FLAGS } from './binding-constants.js';
import type { MigrateParams, MigrationRequest } from './host-api.js';

/** How messages name a driver. */
export const DRIVER_LABELS: Readonly<Record<MigrationRequest['driver'], string>> = {
  qemu: 'QEMU',
  xen: 'Xen (libxl)',
};

/** `qemu+ssh://…` → `qemu`; `xen:///system` → `xen`; `test:///default` → `test`. */
export function driverOfUri(uri: string): string {
  const scheme = /^([a-z0-9]+)(\+[a-z0-9]+)?:/i.exec(uri)?.[1];
  return scheme?.toLowerCase() ?? '';
}

/** The address the destination should listen on, when the URI names an IP literal. */
export function listenAddressOf(migrateUri: string | undefined): string | undefined {
  if (migrateUri === undefined) return undefined;
  try {
    const host = new URL(migrateUri).hostname.replace(/^\[|\]$/g, '');
    return /^[\d.]+$|:/.test(host) ? host : undefined;
  } catch {
    return undefined;
  }
}

const persistence = (p: MigrateParams): number =>
  MIGRATE_FLAGS.persistDest | (p.undefineSource ? MIGRATE_FLAGS.undefineSource : 0);

function qemuRequest(p: MigrateParams): MigrationRequest {
  const listen = listenAddressOf(p.migrateUri);
  return {
    driver: 'qemu',
    flags:
      (p.live ? MIGRATE_FLAGS.live : MIGRATE_FLAGS.offline) |
      persistence(p) |
      MIGRATE_FLAGS.abortOnError |
      (p.unsafe === true ? MIGRATE_FLAGS.unsafe : 0),
    ...(p.migrateUri !== undefined ? { migrateUri: p.migrateUri } : {}),
    ...(listen !== undefined ? { listenAddress: listen } : {}),
    ...(p.bandwidthMiBps !== undefined ? { bandwidthMiBps: p.bandwidthMiBps } : {}),
    // Downtime is a property of a running guest's job: an offline move has none.
    ...(p.maxDowntimeMs !== undefined && p.live ? { maxDowntimeMs: p.maxDowntimeMs } : {}),
    abortable: true,
    leftOut: [],
  };
}

function xenRequest(p: MigrateParams): MigrationRequest {
  if (!p.live) {
    throw new TerminalError(
      'migration-unsupported',
      'Xen (libxl) cannot migrate a shut-off guest (no offline migration): start it on the destination instead',
    );
  }
  const leftOut = [
    ...(listenAddressOf(p.migrateUri) !== undefined ? ['listen address'] : []),
    ...(p.bandwidthMiBps !== undefined ? ['bandwidth limit'] : []),
    ...(p.maxDowntimeMs !== undefined ? ['maximum downtime'] : []),
    ...(p.unsafe === true ? ['unsafe'] : []),
  ];
  return {
    driver: 'xen',
    flags: MIGRATE_FLAGS.live | persistence(p),
    ...(p.migrateUri !== undefined ? { migrateUri: p.migrateUri } : {}),
    abortable: false,
    leftOut,
  };
}

/**
 * The request for moving a guest off the host at `sourceUri`. Throws
 * `TerminalError('migration-unsupported')` for a driver that cannot do the move at all.
 */
export function migrationRequest(sourceUri: string, move: MigrateParams): MigrationRequest {
  const driver = driverOfUri(sourceUri);
  switch (driver) {
    case 'qemu':
      return qemuRequest(move);
    case 'xen':
      return xenRequest(move);
    case 'test':
      throw new TerminalError(
        'migration-unsupported',
        'the libvirt test driver cannot migrate: the move is a stop and a start',
      );
    default:
      throw new TerminalError(
        'migration-unsupported',
        `live migration is not supported for libvirt driver '${driver || sourceUri}'`,
      );
  }
}
