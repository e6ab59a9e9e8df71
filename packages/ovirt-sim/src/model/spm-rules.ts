import type { SimState } from './state.js';
import type { DataCenterStatus, SimDataCenter, SimHost } from './types.js';

/** Whether the data center has an attached data domain: without one there is no storage pool. */
export function hasStoragePool(state: SimState, dc: SimDataCenter): boolean {
  return [...state.storageDomains.values()].some(
    (sd) => sd.type === 'data' && sd.dataCenterIds.includes(dc.id),
  );
}

/** The host holding (or contending for) the SPM role of a data center. */
export function spmHolder(state: SimState, dc: SimDataCenter): SimHost | undefined {
  return state.hostsOfDataCenter(dc.id).find((h) => h.spm.status !== 'none');
}

/**
 * The host the engine would elect: an up host whose priority is not -1 ("never"), highest
 * priority first, then by name for a stable choice (IrsProxy's SPM selection).
 */
export function spmCandidate(
  state: SimState,
  dc: SimDataCenter,
  exclude: ReadonlySet<string> = new Set(),
): SimHost | undefined {
  return state
    .hostsOfDataCenter(dc.id)
    .filter((h) => h.status === 'up' && h.spm.priority !== -1 && !exclude.has(h.id))
    .sort((a, b) => b.spm.priority - a.spm.priority || a.name.localeCompare(b.name))[0];
}

/**
 * The data center status that follows from its hosts (ovirt-api.md §4 DataCenterStatus):
 * up with a working SPM, problematic (engine: NonResponsive) while the SPM host does not
 * answer, contend while an SPM is being elected, maintenance when every host is in
 * maintenance, not_operational when no host is up, uninitialized without storage.
 */
export function computeDataCenterStatus(state: SimState, dc: SimDataCenter): DataCenterStatus {
  const hosts = state.hostsOfDataCenter(dc.id);
  if (hosts.length === 0 || !hasStoragePool(state, dc)) return 'uninitialized';
  const holder = hosts.find((h) => h.spm.status !== 'none');
  if (holder !== undefined) {
    if (holder.spm.status === 'contending') return 'contend';
    return holder.status === 'up' ? 'up' : 'problematic';
  }
  if (spmCandidate(state, dc) !== undefined) return 'contend';
  if (hosts.every((h) => h.status === 'maintenance')) return 'maintenance';
  return 'not_operational';
}
