import type { SimEngine } from '../engine/engine.js';
import { EngineFault, LOCALIZED_VM_STATUS, validationFault } from '../engine/messages.js';
import { canonicalGuid, isGuid } from '../model/ids.js';
import {
  BOOT_DEVICES,
  PAYLOAD_TYPES,
  VM_AFFINITIES,
  type BootDevice,
  type SimPayload,
  type SimVm,
} from '../model/types.js';
import { bool, type BodyNode, has, list, nodeAt, str } from '../repr/body.js';
import { parseSize } from '../dataset/reader.js';
import { cdromElem } from '../repr/vm-devices.js';
import { vmElem } from '../repr/vm.js';
import { type ApiRequest, booleanParam } from './api-request.js';
import { emptyReply, faultReply, type Reply, reprReply } from './reply.js';
import { changeCluster } from './vm-cluster.js';

/** A value the engine would reject while mapping the request (EnumValidator-style 400). */
class BadValue extends Error {}

function payloadsFrom(node: BodyNode): SimPayload[] {
  return list(node, 'payloads', 'payload').map((p) => {
    const type = str(p, 'type') ?? 'cdrom';
    if (!(PAYLOAD_TYPES as readonly string[]).includes(type)) {
      throw new BadValue(`${type.toUpperCase()} is not a member of VmDeviceType`);
    }
    return {
      type: type as SimPayload['type'],
      volumeId: str(p, 'volume_id'),
      files: list(p, 'files', 'file').map((f) => ({
        name: str(f, 'name') ?? '',
        content: str(f, 'content') ?? '',
      })),
    };
  });
}

/** Applies the fields of a `<vm>` update that the simulator models. */
function applyUpdate(engine: SimEngine, vm: SimVm, body: BodyNode): void {
  const name = str(body, 'name');
  if (name !== undefined && name !== vm.name) {
    const clash = engine.state.vmByName(name);
    if (clash !== undefined)
      throw validationFault('edit', 'VM', { key: 'ACTION_TYPE_FAILED_NAME_ALREADY_USED' });
  }
  const memory = str(body, 'memory');
  const bytes = memory === undefined ? undefined : parseSize(Number(memory));
  if (memory !== undefined && bytes === undefined)
    throw new BadValue(`Invalid memory value: ${memory}`);
  const devices = has(body, 'os.boot.devices')
    ? list(nodeAt(body, 'os.boot'), 'devices', 'device')
    : undefined;
  const boot = devices?.map((d) => str(d, '#text') ?? '');
  for (const d of boot ?? []) {
    if (!(BOOT_DEVICES as readonly string[]).includes(d))
      throw new BadValue(`${d.toUpperCase()} is not a member of BootDevice`);
  }
  const affinity = str(body, 'placement_policy.affinity');
  if (affinity !== undefined && !(VM_AFFINITIES as readonly string[]).includes(affinity)) {
    throw new BadValue(`${affinity.toUpperCase()} is not a member of VmAffinity`);
  }
  const payloads = has(body, 'payloads') ? payloadsFrom(body) : undefined;

  if (name !== undefined) vm.name = name;
  vm.description = str(body, 'description') ?? vm.description;
  vm.comment = str(body, 'comment') ?? vm.comment;
  if (bytes !== undefined) vm.memory = bytes;
  vm.highAvailability.enabled =
    bool(body, 'high_availability.enabled') ?? vm.highAvailability.enabled;
  const priority = str(body, 'high_availability.priority');
  if (priority !== undefined && Number.isInteger(Number(priority)))
    vm.highAvailability.priority = Number(priority);
  if (boot !== undefined) vm.os.bootDevices = boot as BootDevice[];
  vm.os.type = str(body, 'os.type') ?? vm.os.type;
  if (affinity !== undefined) vm.placement.affinity = affinity as SimVm['placement']['affinity'];
  if (has(body, 'placement_policy.hosts')) {
    vm.placement.hostIds = list(nodeAt(body, 'placement_policy'), 'hosts', 'host').flatMap((h) => {
      const id = str(h, 'id');
      const host =
        id !== undefined && isGuid(id)
          ? engine.state.hosts.get(canonicalGuid(id))
          : engine.state.hostByName(str(h, 'name') ?? '');
      return host === undefined ? [] : [host.id];
    });
  }
  vm.stateless = bool(body, 'stateless') ?? vm.stateless;
  if (payloads !== undefined) vm.payloads = payloads;
}

/** `PUT /vms/{id}` (VmService#update): returns the updated VM. */
export function updateVm(req: ApiRequest, engine: SimEngine, vm: SimVm, body: BodyNode): Reply {
  const refused = changeCluster(req, engine, vm, body);
  if (refused !== undefined) return refused;
  try {
    applyUpdate(engine, vm, body);
  } catch (err) {
    if (err instanceof BadValue) return faultReply(req.json, 400, 'Invalid value', err.message);
    if (err instanceof EngineFault)
      return faultReply(req.json, err.httpStatus, err.reason, err.detail);
    throw err;
  }
  engine.core.log(
    'USER_UPDATE_VM',
    { VmName: vm.name, UserName: engine.core.userName(req.actor) },
    engine.core.vmSubject(vm, req.actor),
  );
  return reprReply(req.json, 200, 'vm', vmElem(req.render, vm, { payloads: true }));
}

/**
 * `PUT /vms/{id}/cdroms/{cdromId}` (VmCdromService#update): without `current` the persistent
 * configuration changes (next start); with `current=true` the running VM's drive changes.
 */
export function updateCdrom(
  req: ApiRequest,
  engine: SimEngine,
  vm: SimVm,
  cdromId: string,
  body: BodyNode,
): Reply {
  const cd = vm.cdroms.find((c) => c.id === cdromId);
  if (cd === undefined) return emptyReply(404);
  const fileId = str(body, 'file.id') ?? '';
  const current = booleanParam(req.query, req.headers, 'current', true, false);
  if (current) {
    if (
      ![
        'up',
        'paused',
        'powering_up',
        'reboot_in_progress',
        'migrating',
        'wait_for_launch',
      ].includes(vm.status)
    ) {
      const fault = validationFault('Change CD', 'VM', {
        key: 'ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL',
        vars: { vmStatus: LOCALIZED_VM_STATUS[vm.status] },
      });
      return faultReply(req.json, fault.httpStatus, fault.reason, fault.detail);
    }
    cd.currentFileId = fileId === '' ? undefined : fileId;
    const subject = engine.core.vmSubject(vm, req.actor);
    const userName = engine.core.userName(req.actor);
    if (fileId === '')
      engine.core.log('USER_EJECT_VM_DISK', { VmName: vm.name, UserName: userName }, subject);
    else
      engine.core.log(
        'USER_CHANGE_DISK_VM',
        { VmName: vm.name, DiskName: fileId, UserName: userName },
        subject,
      );
  } else {
    cd.fileId = fileId === '' ? undefined : fileId;
  }
  return reprReply(req.json, 200, 'cdrom', cdromElem(req.render, vm, cd, current));
}
