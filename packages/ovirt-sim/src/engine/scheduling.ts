import type { SimHost, SimVm } from '../model/types.js';
import type { EngineCore } from './core.js';
import { validationFault, type ActionWord, type EngineMessage } from './messages.js';

/** Host lists of one scheduling call (SchedulingManager#fetchHosts). */
export interface ScheduleRequest {
  /** Hosts removed before filtering, e.g. the migration source. */
  readonly blackList?: readonly string[];
  /** When set, only these hosts are considered (migration to a chosen host). */
  readonly whiteList?: readonly string[];
}

/**
 * Picks the host for a VM the way the engine's scheduler does, closely enough: the up hosts of
 * the VM's cluster minus the black list, intersected with the white list; none → the engine's
 * SCHEDULING_NO_HOSTS (400). Then the PinToHost filter; all filtered → 409 with one reason per
 * host. Among the rest, pinned/preferred hosts first, then the least loaded.
 */
export function scheduleVm(
  core: EngineCore,
  vm: SimVm,
  action: ActionWord,
  request: ScheduleRequest = {},
): SimHost {
  const { state } = core;
  let hosts = state
    .hostsOfCluster(vm.clusterId)
    .filter((h) => h.status === 'up' && !(request.blackList ?? []).includes(h.id));
  if (request.whiteList !== undefined && request.whiteList.length > 0) {
    const allowed = request.whiteList;
    hosts = hosts.filter((h) => allowed.includes(h.id));
  }
  if (hosts.length === 0) throw validationFault(action, 'VM', { key: 'SCHEDULING_NO_HOSTS' });

  const reasons: EngineMessage[] = [];
  if (vm.placement.affinity === 'pinned' && vm.placement.hostIds.length > 0) {
    const pinned = hosts.filter((h) => vm.placement.hostIds.includes(h.id));
    for (const h of hosts) {
      if (!pinned.includes(h)) {
        reasons.push({
          key: 'SCHEDULING_HOST_FILTERED_REASON_WITH_DETAIL',
          vars: {
            hostName: h.name,
            filterType: 'internal',
            filterName: 'PinToHost',
            detailMessage: 'the host is not present in the pinning list',
          },
        });
      }
    }
    hosts = pinned;
  }
  if (hosts.length === 0) {
    throw validationFault(action, 'VM', { key: 'SCHEDULING_ALL_HOSTS_FILTERED_OUT' }, ...reasons);
  }
  const load = (h: SimHost): number => state.vmsOnHost(h.id).length;
  const preferred = (h: SimHost): number => (vm.placement.hostIds.includes(h.id) ? 0 : 1);
  const chosen = [...hosts].sort(
    (a, b) => preferred(a) - preferred(b) || load(a) - load(b) || a.name.localeCompare(b.name),
  )[0];
  if (chosen === undefined) throw new Error('scheduler: no host after filtering');
  return chosen;
}
