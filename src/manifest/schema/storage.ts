/** `kind: StorageMapping` — host storage presented to a guest. */
import { bool, list, num, obj, ref, str } from './builders.js';
import type { KindSchema } from './kind-schema.js';
import { PATTERNS } from './patterns.js';

const CACHE_MODES = ['none', 'writethrough', 'writeback', 'directsync', 'unsafe', 'default'];

const cache = (scope: string) =>
  str(
    `Host page-cache mode ${scope}. \`none\` is required for disks shared between guests or ` +
      'managed by an in-guest volume manager. Default: `none` when shareable or passthrough, ' +
      'else `default` (the hypervisor default).',
    { enum: CACHE_MODES },
  );

export const STORAGE_SCHEMA: KindSchema = {
  kind: 'StorageMapping',
  file: 'storagemapping.schema.json',
  title: 'virtwarden StorageMapping',
  description:
    'Host storage presented to a guest, by names that are the same on every host the guest ' +
    'may run on (never /dev/sdX). Attached live and persistently.',
  spec: obj(
    'The guest and its disks.',
    {
      guest: ref('name', 'The Guest (manifest name) the disks are mapped into.'),
      controller: str(
        'Disk bus: `virtio-blk` (simple, at most 28 disks per guest, no SCSI reservations, no ' +
          'online resize) or `virtio-scsi` (full SCSI, needed for passthrough). Default ' +
          '`virtio-blk`.',
        { enum: ['virtio-blk', 'virtio-scsi'], default: 'virtio-blk' },
      ),
      cache: cache('for every disk of this mapping (a disk may override it)'),
      shareable: bool(
        'The disks are shared with other guests (cluster file systems, in-guest clustering). ' +
          'Needed on every mapping of a source used by several guests. Default false.',
        false,
      ),
      readOnly: bool('Present every disk read-only. Default false.', false),
      disks: list(
        'The disks, each a host source presented as a target device.',
        ref('disk', 'One disk: its host source and its device name in the guest.'),
        { minItems: 1 },
      ),
    },
    { required: ['guest', 'disks'] },
  ),
  defs: {
    disk: obj(
      'One host block device or pool volume, presented to the guest as `target`.',
      {
        source: ref('diskSource', 'Where the disk comes from on the host.'),
        target: str(
          "Device name in the guest's definition, e.g. `vdb` or `sdc`; unique per guest.",
          { pattern: PATTERNS.diskTarget.pattern },
        ),
        passthrough: bool(
          "LUN passthrough (`device='lun'`, `sgio='unfiltered'`): the guest sends SCSI commands " +
            '(reservations) to the LUN. Needs `controller: virtio-scsi`. Default false.',
          false,
        ),
        readOnly: bool('Present this disk read-only. Default: the mapping’s `readOnly`.'),
        shareable: bool('Override the mapping’s `shareable` for this disk.'),
        cache: cache('for this disk'),
      },
      { required: ['source', 'target'] },
    ),
    diskSource: obj(
      'Exactly one of `byId`, `byPath`, `dmp` or `volume`. Never `/dev/sdX`, `/dev/vdX`, ' +
        '`/dev/hdX` (enumeration order changes across reboots) or by-label / by-uuid links ' +
        '(the guest can change them).',
      {
        byId: str(
          '`/dev/disk/by-id/NAME`: the device’s own identifier (WWN, serial). Also covers ' +
            'multipath maps (`dm-uuid-mpath-WWID`) and logical volumes (`dm-name-VG-LV`).',
          {
            pattern: PATTERNS.byId.pattern,
          },
        ),
        byPath: str(
          '`/dev/disk/by-path/NAME`: bus, WWN and LUN of one path. Map every path for ' +
            'in-guest multipathing; the links must be identical on every host.',
          { pattern: PATTERNS.byPath.pattern },
        ),
        dmp: str('`/dev/vx/dmp/NAME`: a Veritas DMP meta-device (all paths in one).', {
          pattern: PATTERNS.dmp.pattern,
        }),
        volume: ref('poolVolume', 'A libvirt storage pool volume, created when missing.'),
      },
      { minProperties: 1, maxProperties: 1 },
    ),
    poolVolume: obj(
      'A volume in a libvirt storage pool that exists on every host the guest may run on.',
      {
        pool: ref('name', 'The storage pool name.'),
        name: str('The volume name, e.g. `db1-boot.qcow2`.', {
          pattern: PATTERNS.noWhitespace.pattern,
        }),
        capacityGiB: num('Size in GiB when the volume is created. Default: the backing size.', {
          exclusiveMinimum: 0,
          maximum: 1048576,
        }),
        backingVolume: str(
          'A golden image volume in the same pool; the volume is created as a copy-on-write ' +
            'overlay of it (only changed blocks are stored).',
          { pattern: PATTERNS.noWhitespace.pattern },
        ),
      },
      { required: ['pool', 'name'] },
    ),
  },
};
