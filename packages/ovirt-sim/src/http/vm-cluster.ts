import type { SimEngine } from '../engine/engine.js';
import { validationFault, type MessageKey } from '../engine/messages.js';
import { canonicalGuid, isGuid } from '../model/ids.js';
import type { SimVm } from '../model/types.js';
import { type BodyNode, nodeAt, str } from '../repr/body.js';
import type { ApiRequest } from './api-request.js';
import { faultReply, type Reply } from './reply.js';

/**
 * `PUT /vms/{id}` with a different `<cluster>` runs ChangeVMCluster before the update
 * (BackendVmResource#update): only a down VM moves, only within its data center, and its
 * pinned hosts are reset. This is how a DR tool moves a VM to the other site's cluster.
 * Returns an error reply, or undefined when there is nothing to refuse.
 */
export function changeCluster(
  req: ApiRequest,
  engine: SimEngine,
  vm: SimVm,
  body: BodyNode,
): Reply | undefined {
  const cluster = nodeAt(body, 'cluster');
  const id = str(cluster, 'id');
  const name = str(cluster, 'name');
  if (id === undefined && name === undefined) return undefined;
  const { state, core } = engine;
  let targetId: string;
  if (id !== undefined) {
    if (!isGuid(id))
      return faultReply(req.json, 400, 'Operation failed', `Invalid UUID string: ${id}`);
    targetId = canonicalGuid(id);
  } else {
    const found = state.clusterByName(name ?? '');
    if (found === undefined)
      return faultReply(req.json, 404, 'Operation Failed', `Entity not found: ${name ?? ''}`);
    targetId = found.id;
  }
  if (targetId === vm.clusterId) return undefined;
  const fail = (key: MessageKey): Reply => {
    const fault = validationFault('edit', 'VM Cluster', { key });
    return faultReply(req.json, fault.httpStatus, fault.reason, fault.detail);
  };
  if (vm.status !== 'down') return fail('VM_STATUS_NOT_VALID_FOR_UPDATE');
  const target = state.clusters.get(targetId);
  if (target === undefined) return fail('VM_CLUSTER_IS_NOT_VALID');
  if (target.dataCenterId !== state.clusters.get(vm.clusterId)?.dataCenterId) {
    return fail('VM_CANNOT_MOVE_TO_CLUSTER_IN_OTHER_STORAGE_POOL');
  }
  const hadPinnedHosts = vm.placement.hostIds.length > 0;
  vm.clusterId = target.id;
  vm.placement.hostIds = [];
  const userName = core.userName(req.actor);
  core.log(
    hadPinnedHosts ? 'USER_UPDATE_VM_CLUSTER_DEFAULT_HOST_CLEARED' : 'USER_UPDATE_VM',
    { VmName: vm.name, UserName: userName },
    core.vmSubject(vm, req.actor),
  );
  return undefined;
}
