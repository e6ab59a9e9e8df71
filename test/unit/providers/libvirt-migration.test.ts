/**
 * The per-driver migration request (issue 10 item 11) and the judgement of where a guest is
 * after a migration ended badly. The accepted lists below are copied from libvirt's sources,
 * independently of the code under test: `src/qemu/qemu_migration.h` (QEMU_MIGRATION_FLAGS) and
 * `src/libxl/libxl_migration.h` (LIBXL_MIGRATION_FLAGS, LIBXL_MIGRATION_PARAMETERS).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { errorCode } from '../../../src/common/errors.js';
import type { MigrateParams } from '../../../src/providers/libvirt/host-api.js';
import { describeProgress } from '../../../src/providers/libvirt/migration-job.js';
import {
  driverOfUri,
  listenAddressOf,
  migrationRequest,
} from '../../../src/providers/libvirt/migration-request.js';
import { whereabouts } from '../../../src/providers/libvirt/migration-whereabouts.js';

// virDomainMigrateFlags values (libvirt-domain.h).
const LIVE = 1;
const PEER2PEER = 2;
const TUNNELLED = 4;
const PERSIST_DEST = 8;
const UNDEFINE_SOURCE = 16;
const PAUSED = 32;
const CHANGE_PROTECTION = 256;
const UNSAFE = 512;
const OFFLINE = 1024;
const ABORT_ON_ERROR = 4096;
const LIBXL_ACCEPTS =
  LIVE | PEER2PEER | TUNNELLED | PERSIST_DEST | UNDEFINE_SOURCE | PAUSED | CHANGE_PROTECTION;

const move = (o: Partial<MigrateParams> = {}): MigrateParams => ({
  live: true,
  migrateUri: 'tcp://10.0.0.2',
  bandwidthMiBps: 100,
  maxDowntimeMs: 300,
  undefineSource: false,
  ...o,
});

const anyMove = fc.record(
  {
    live: fc.boolean(),
    undefineSource: fc.boolean(),
    unsafe: fc.boolean(),
    migrateUri: fc.constantFrom(
      'tcp://10.0.0.2',
      'tcp://kvm2-mig.example.com',
      'tcp://[fd00::2]:49152',
    ),
    bandwidthMiBps: fc.integer({ min: 1, max: 10_000 }),
    maxDowntimeMs: fc.integer({ min: 1, max: 60_000 }),
  },
  { requiredKeys: ['live', 'undefineSource'] },
);

describe('driverOfUri', () => {
  it.each([
    ['qemu:///system', 'qemu'],
    ['qemu+ssh://root@kvm1.example.com/system', 'qemu'],
    ['qemu+unix:///system?socket=/tmp/s', 'qemu'],
    ['xen:///system', 'xen'],
    ['xen+ssh://root@xen1/system', 'xen'],
    ['test:///default', 'test'],
    ['lxc:///system', 'lxc'],
  ])('%s → %s', (uri, driver) => {
    expect(driverOfUri(uri)).toBe(driver);
  });
});

describe('listenAddressOf', () => {
  it('takes an IP literal from the migration URI, never a host name', () => {
    expect(listenAddressOf('tcp://10.0.0.2')).toBe('10.0.0.2');
    expect(listenAddressOf('tcp://[fd00::2]:49152')).toBe('fd00::2');
    expect(listenAddressOf('tcp://kvm2-mig.example.com')).toBeUndefined();
    expect(listenAddressOf(undefined)).toBeUndefined();
    expect(listenAddressOf('not a uri')).toBeUndefined();
  });
});

describe('QEMU/KVM migration request', () => {
  it('a live move: live, persist on the destination, abort on error, every parameter', () => {
    expect(migrationRequest('qemu+ssh://kvm1/system', move())).toEqual({
      driver: 'qemu',
      flags: LIVE | PERSIST_DEST | ABORT_ON_ERROR,
      migrateUri: 'tcp://10.0.0.2',
      listenAddress: '10.0.0.2',
      bandwidthMiBps: 100,
      maxDowntimeMs: 300,
      abortable: true,
      leftOut: [],
    });
  });

  it('leaving the placement undefines the source; the lab asks for unsafe', () => {
    const r = migrationRequest('qemu:///system', move({ undefineSource: true, unsafe: true }));
    expect(r.flags).toBe(LIVE | PERSIST_DEST | ABORT_ON_ERROR | UNDEFINE_SOURCE | UNSAFE);
  });

  it('an offline move (a shut-off guest) has no downtime to bound', () => {
    const r = migrationRequest('qemu:///system', move({ live: false }));
    expect(r.flags).toBe(OFFLINE | PERSIST_DEST | ABORT_ON_ERROR);
    expect(r.maxDowntimeMs).toBeUndefined();
  });
});

describe('Xen (libxl) migration request', () => {
  it("sends only libxl's flags and parameters, and says what it left out", () => {
    expect(migrationRequest('xen+ssh://xen1/system', move({ undefineSource: true }))).toEqual({
      driver: 'xen',
      flags: LIVE | PERSIST_DEST | UNDEFINE_SOURCE,
      migrateUri: 'tcp://10.0.0.2',
      abortable: false,
      leftOut: ['listen address', 'bandwidth limit', 'maximum downtime'],
    });
  });

  it('a host-name migration URI needs no listen address: nothing left out for it', () => {
    const { bandwidthMiBps: _none, ...noLimit } = move({
      migrateUri: 'tcp://xen2-mig.example.com',
    });
    const r = migrationRequest('xen:///system', noLimit);
    expect(r.leftOut).toEqual(['maximum downtime']);
    expect(r.migrateUri).toBe('tcp://xen2-mig.example.com');
  });

  it('refuses an offline move: libxl has no offline migration', () => {
    expect(() => migrationRequest('xen:///system', move({ live: false }))).toThrow(
      expect.objectContaining({ code: 'migration-unsupported' }),
    );
  });

  it('never sets a flag outside LIBXL_MIGRATION_FLAGS, never a parameter outside its list', () => {
    fc.assert(
      fc.property(
        anyMove.filter((m) => m.live),
        (m) => {
          const r = migrationRequest('xen:///system', m);
          expect(r.flags & ~LIBXL_ACCEPTS).toBe(0);
          // LIBXL_MIGRATION_PARAMETERS: migrate_uri, destination_name, destination_xml only.
          expect(r.listenAddress).toBeUndefined();
          expect(r.bandwidthMiBps).toBeUndefined();
          expect(r.maxDowntimeMs).toBeUndefined();
        },
      ),
    );
  });
});

describe('drivers that cannot migrate', () => {
  it.each(['test:///default', 'test+unix:///default?socket=/s', 'lxc:///system', 'bogus'])(
    '%s: migration-unsupported',
    (uri) => {
      let code: string | undefined;
      try {
        migrationRequest(uri, move());
      } catch (err) {
        code = errorCode(err);
      }
      expect(code).toBe('migration-unsupported');
    },
  );
});

describe('where the guest is after a migration ended badly', () => {
  const running = { state: 'running', reason: 'booted' };
  const cancelled = { state: 'running', reason: 'migration-canceled' };
  const incoming = { state: 'paused', reason: 'migration' };
  const shutOff = { state: 'shutoff', reason: 'migrated' };
  const defined = { state: 'shutoff', reason: 'unknown' };
  it.each([
    ['aborted: resumed on the source, nothing on the destination', cancelled, undefined, 'source'],
    ['aborted: the destination keeps only its inactive definition', running, defined, 'source'],
    ['the incoming copy not yet cleaned up', running, incoming, 'moving'],
    ['the source paused at the switch-over', incoming, undefined, 'moving'],
    ['arrived despite an error', shutOff, running, 'destination'],
    ['arrived, source undefined', undefined, running, 'destination'],
    ['two running copies', running, running, 'both'],
    ['lost on the way', shutOff, undefined, 'neither'],
  ] as const)('%s → %s', (_what, source, destination, expected) => {
    expect(whereabouts(source, destination)).toBe(expected);
  });
});

describe('migration progress', () => {
  it('in MiB from the job statistics', () => {
    const MiB = 1024 * 1024;
    expect(
      describeProgress({
        active: true,
        processedBytes: 12 * MiB,
        remainingBytes: 36.25 * MiB,
        totalBytes: 48.25 * MiB,
      }),
    ).toBe('12.0 of 48.3 MiB sent, 36.3 MiB left');
    expect(describeProgress({ active: true, processedBytes: MiB })).toBe('1.0 MiB sent');
    expect(describeProgress({ active: true })).toBeUndefined();
  });
});
