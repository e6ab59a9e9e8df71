import type { SimState } from '../model/state.js';
import type {
  SimCluster,
  SimDataCenter,
  SimDisk,
  SimEvent,
  SimHost,
  SimStorageDomain,
  SimTemplate,
  SimVm,
} from '../model/types.js';
import type { SearchSpec } from './apply.js';

/**
 * Searchable fields per collection: the commonly used subset of the engine's search
 * auto-completers (VmConditionFieldAutoCompleter etc.). Names of related objects are matched
 * by name (`cluster=RHEV-PRIM-CLUS`, `host=prim-host-1`, `datacenter=RHEV-DC`).
 */
export function searchSpecs(state: SimState) {
  const clusterName = (id: string | undefined) =>
    id === undefined ? undefined : state.clusters.get(id)?.name;
  const dcOfCluster = (id: string | undefined) => {
    const cluster = id === undefined ? undefined : state.clusters.get(id);
    return cluster === undefined ? undefined : state.dataCenters.get(cluster.dataCenterId)?.name;
  };
  const hostName = (id: string | undefined) =>
    id === undefined ? undefined : state.hosts.get(id)?.name;

  const vms: SearchSpec<SimVm> = {
    fields: {
      name: (v) => v.name,
      id: (v) => v.id,
      description: (v) => v.description,
      comment: (v) => v.comment,
      status: (v) => v.status,
      cluster: (v) => clusterName(v.clusterId),
      datacenter: (v) => dcOfCluster(v.clusterId),
      host: (v) => hostName(v.hostId),
      type: (v) => v.type,
      os: (v) => v.os.type,
      memory: (v) => Math.round(v.memory / 1024 ** 2),
    },
    enumFields: ['status', 'type'],
    defaultSort: { field: 'name', descending: false },
  };
  const hosts: SearchSpec<SimHost> = {
    fields: {
      name: (h) => h.name,
      id: (h) => h.id,
      address: (h) => h.address,
      status: (h) => h.status,
      cluster: (h) => clusterName(h.clusterId),
      datacenter: (h) => dcOfCluster(h.clusterId),
      spm_id: (h) => (h.spm.status === 'spm' ? h.id : undefined),
    },
    enumFields: ['status'],
    defaultSort: { field: 'name', descending: false },
  };
  const clusters: SearchSpec<SimCluster> = {
    fields: {
      name: (c) => c.name,
      id: (c) => c.id,
      description: (c) => c.description,
      datacenter: (c) => state.dataCenters.get(c.dataCenterId)?.name,
    },
    defaultSort: { field: 'name', descending: false },
  };
  const dataCenters: SearchSpec<SimDataCenter> = {
    fields: {
      name: (d) => d.name,
      id: (d) => d.id,
      description: (d) => d.description,
      status: (d) => d.status,
    },
    enumFields: ['status'],
    defaultSort: { field: 'name', descending: false },
  };
  const storageDomains: SearchSpec<SimStorageDomain> = {
    fields: {
      name: (s) => s.name,
      id: (s) => s.id,
      status: (s) => s.status,
      type: (s) => s.type,
      datacenter: (s) => s.dataCenterIds.map((id) => state.dataCenters.get(id)?.name).join(','),
    },
    enumFields: ['status', 'type'],
    defaultSort: { field: 'name', descending: false },
  };
  const events: SearchSpec<SimEvent> = {
    fields: {
      id: (e) => e.id,
      type: (e) => e.code,
      severity: (e) => e.severity,
      message: (e) => e.description,
      vm: (e) => (e.vmId === undefined ? undefined : state.vms.get(e.vmId)?.name),
      host: (e) => hostName(e.hostId),
      cluster: (e) => clusterName(e.clusterId),
      datacenter: (e) =>
        e.dataCenterId === undefined ? undefined : state.dataCenters.get(e.dataCenterId)?.name,
      correlation_id: (e) => e.correlationId,
    },
    enumFields: ['severity'],
    defaultSort: { field: 'id', descending: true },
  };
  const templates: SearchSpec<SimTemplate> = {
    fields: { name: (t) => t.name, id: (t) => t.id },
    defaultSort: { field: 'name', descending: false },
  };
  const disks: SearchSpec<SimDisk> = {
    fields: { name: (d) => d.name, alias: (d) => d.name, id: (d) => d.id },
    defaultSort: { field: 'name', descending: false },
  };
  return { vms, hosts, clusters, dataCenters, storageDomains, events, templates, disks };
}
