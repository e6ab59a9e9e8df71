import { nameUuid } from '../model/ids.js';
import { BLANK_TEMPLATE_ID, type SimState } from '../model/state.js';
import {
  BOOT_DEVICES,
  DISPLAY_TYPES,
  PAYLOAD_TYPES,
  VM_AFFINITIES,
  VM_TYPES,
  type BootDevice,
  type SimPayload,
  type SimVm,
} from '../model/types.js';
import type { Reader } from './reader.js';

/** The single CD-ROM device id the engine exposes for every VM (ovirt-api.md §2). */
export const CDROM_ID = '00000000-0000-0000-0000-000000000000';

const VM_INITIAL = ['down', 'up', 'suspended', 'paused'] as const;

/** A deterministic MAC in the engine's default pool range (56:6f:…). */
function macFor(vmName: string, nicName: string): string {
  const id = nameUuid('mac', `${vmName}/${nicName}`).replace(/-/g, '');
  const bytes = [id.slice(0, 2), id.slice(2, 4), id.slice(4, 6)];
  return `56:6f:a1:${bytes.join(':')}`;
}

function readPayloads(reader: Reader, input: unknown, path: string): SimPayload[] {
  return reader.list(input, path).flatMap((raw, i) => {
    const p = `${path}[${i}]`;
    const obj = reader.record(raw, p);
    if (obj === undefined) return [];
    const type = reader.oneOf(obj, 'type', p, PAYLOAD_TYPES) ?? 'cdrom';
    const files = reader.list(obj.files, `${p}.files`).flatMap((rawFile, j) => {
      const fp = `${p}.files[${j}]`;
      const file = reader.record(rawFile, fp);
      if (file === undefined) return [];
      return [
        {
          name: reader.requiredString(file, 'name', fp),
          content: reader.string(file, 'content', fp) ?? '',
        },
      ];
    });
    return [{ type, volumeId: reader.string(obj, 'volumeId', p), files }];
  });
}

function readVmDevices(
  reader: Reader,
  obj: Record<string, unknown>,
  path: string,
  state: SimState,
  vm: SimVm,
): void {
  const sdByName = new Map([...state.storageDomains.values()].map((d) => [d.name, d]));
  reader.list(obj.disks, `${path}.disks`).forEach((raw, i) => {
    const p = `${path}.disks[${i}]`;
    const disk = reader.record(raw, p);
    if (disk === undefined) return;
    const name = reader.requiredString(disk, 'name', p);
    const sdName = reader.string(disk, 'storageDomain', p);
    const sd = sdName === undefined ? undefined : sdByName.get(sdName);
    if (sdName !== undefined && sd === undefined)
      reader.problem(`${p}.storageDomain`, `unknown storage domain '${sdName}'`);
    const id = reader.string(disk, 'id', p) ?? nameUuid('disk', `${vm.name}/${name}`);
    const size = reader.size(disk, 'size', p) ?? 10 * 1024 ** 3;
    state.disks.set(id, {
      id,
      name,
      provisionedSize: size,
      actualSize: Math.round(size / 4),
      format: reader.oneOf(disk, 'format', p, ['cow', 'raw'] as const) ?? 'cow',
      storageDomainId: sd?.id,
    });
    vm.diskAttachments.push({
      id,
      diskId: id,
      bootable: reader.boolean(disk, 'bootable', p) ?? i === 0,
      interface:
        reader.oneOf(disk, 'interface', p, ['virtio', 'virtio_scsi', 'ide', 'sata'] as const) ??
        'virtio_scsi',
      active: true,
    });
  });
  reader.list(obj.nics, `${path}.nics`).forEach((raw, i) => {
    const p = `${path}.nics[${i}]`;
    const nic = reader.record(raw, p);
    if (nic === undefined) return;
    const name = reader.requiredString(nic, 'name', p);
    vm.nics.push({
      id: reader.string(nic, 'id', p) ?? nameUuid('nic', `${vm.name}/${name}`),
      name,
      interface:
        reader.oneOf(nic, 'interface', p, ['virtio', 'e1000', 'rtl8139'] as const) ?? 'virtio',
      mac: reader.string(nic, 'mac', p) ?? macFor(vm.name, name),
      linked: true,
      plugged: true,
    });
  });
}

function readDisplay(reader: Reader, obj: Record<string, unknown>, path: string): SimVm['display'] {
  const raw = obj.display;
  if (typeof raw === 'string') {
    const type = reader.oneOf(obj, 'display', path, DISPLAY_TYPES) ?? 'spice';
    return { type, monitors: 1 };
  }
  const display = raw === undefined ? {} : (reader.record(raw, `${path}.display`) ?? {});
  return {
    type: reader.oneOf(display, 'type', `${path}.display`, DISPLAY_TYPES) ?? 'spice',
    monitors: reader.number(display, 'monitors', `${path}.display`) ?? 1,
  };
}

export function readVms(reader: Reader, input: unknown, state: SimState): void {
  const seen = new Set<string>();
  reader.list(input, 'vms').forEach((raw, i) => {
    const path = `vms[${i}]`;
    const obj = reader.record(raw, path);
    if (obj === undefined) return;
    const name = reader.requiredString(obj, 'name', path);
    if (seen.has(name)) reader.problem(`${path}.name`, `duplicate name '${name}'`);
    seen.add(name);
    const clusterName = reader.requiredString(obj, 'cluster', path);
    const cluster = state.clusterByName(clusterName);
    if (cluster === undefined && clusterName !== '')
      reader.problem(`${path}.cluster`, `unknown cluster '${clusterName}'`);
    const os = obj.os === undefined ? {} : (reader.record(obj.os, `${path}.os`) ?? {});
    const boot = (reader.stringList(os, 'boot', `${path}.os`) ?? ['hd']).filter(
      (d): d is BootDevice => {
        const ok = (BOOT_DEVICES as readonly string[]).includes(d);
        if (!ok)
          reader.problem(`${path}.os.boot`, `'${d}' is not one of ${BOOT_DEVICES.join(', ')}`);
        return ok;
      },
    );
    const ha =
      obj.highAvailability === undefined
        ? {}
        : (reader.record(obj.highAvailability, `${path}.highAvailability`) ?? {});
    const placement =
      obj.placement === undefined ? {} : (reader.record(obj.placement, `${path}.placement`) ?? {});
    const cpu = obj.cpu === undefined ? {} : (reader.record(obj.cpu, `${path}.cpu`) ?? {});
    const pinnedHostIds = (
      reader.stringList(placement, 'hosts', `${path}.placement`) ?? []
    ).flatMap((h) => {
      const host = state.hostByName(h);
      if (host === undefined) reader.problem(`${path}.placement.hosts`, `unknown host '${h}'`);
      return host === undefined ? [] : [host.id];
    });
    const cdrom = reader.string(obj, 'cdrom', path);
    const vm: SimVm = {
      id: reader.string(obj, 'id', path) ?? nameUuid('vm', name),
      name,
      description: reader.string(obj, 'description', path) ?? '',
      comment: reader.string(obj, 'comment', path) ?? '',
      clusterId: cluster?.id ?? '',
      templateId: BLANK_TEMPLATE_ID,
      memory: reader.size(obj, 'memory', path) ?? 1024 ** 3,
      cpu: {
        sockets: reader.number(cpu, 'sockets', `${path}.cpu`) ?? 1,
        cores: reader.number(cpu, 'cores', `${path}.cpu`) ?? 1,
        threads: reader.number(cpu, 'threads', `${path}.cpu`) ?? 1,
      },
      os: { type: reader.string(os, 'type', `${path}.os`) ?? 'other', bootDevices: boot },
      highAvailability: {
        enabled: reader.boolean(ha, 'enabled', `${path}.highAvailability`) ?? false,
        priority: reader.number(ha, 'priority', `${path}.highAvailability`) ?? 1,
      },
      placement: {
        affinity:
          reader.oneOf(placement, 'affinity', `${path}.placement`, VM_AFFINITIES) ?? 'migratable',
        hostIds: pinnedHostIds,
      },
      display: readDisplay(reader, obj, path),
      type: reader.oneOf(obj, 'type', path, VM_TYPES) ?? 'server',
      stateless: reader.boolean(obj, 'stateless', path) ?? false,
      creationTime: state.time(),
      status: reader.oneOf(obj, 'status', path, VM_INITIAL) ?? 'down',
      hostId: undefined,
      startTime: undefined,
      stopTime: undefined,
      stopReason: undefined,
      runOnce: false,
      runningPayloads: [],
      cdroms: [{ id: CDROM_ID, fileId: cdrom, currentFileId: cdrom }],
      nics: [],
      diskAttachments: [],
      payloads: readPayloads(reader, obj.payloads, `${path}.payloads`),
      stuckInWaitForLaunch: false,
    };
    readVmDevices(reader, obj, path, state, vm);
    placeRunningVm(reader, obj, path, state, vm);
    state.vms.set(vm.id, vm);
  });
}

/** A VM that starts in a running status needs an up host of its cluster. */
function placeRunningVm(
  reader: Reader,
  obj: Record<string, unknown>,
  path: string,
  state: SimState,
  vm: SimVm,
): void {
  const hostName = reader.string(obj, 'host', path);
  if (vm.status !== 'up' && vm.status !== 'paused') {
    if (hostName !== undefined)
      reader.problem(`${path}.host`, `a VM in status '${vm.status}' runs on no host`);
    return;
  }
  const candidates = state.hostsOfCluster(vm.clusterId).filter((h) => h.status === 'up');
  const host = hostName === undefined ? candidates[0] : state.hostByName(hostName);
  if (host === undefined) {
    reader.problem(
      `${path}.host`,
      hostName === undefined ? 'no up host in the cluster to run on' : `unknown host '${hostName}'`,
    );
    return;
  }
  if (host.clusterId !== vm.clusterId)
    reader.problem(`${path}.host`, `host '${host.name}' is not in the VM's cluster`);
  if (host.status !== 'up') reader.problem(`${path}.host`, `host '${host.name}' is not up`);
  vm.hostId = host.id;
  vm.startTime = state.time();
  vm.runningPayloads = vm.payloads.map((p) => ({ ...p, files: p.files.map((f) => ({ ...f })) }));
}
