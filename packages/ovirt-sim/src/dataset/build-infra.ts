import { nameUuid } from '../model/ids.js';
import type { SimState } from '../model/state.js';
import {
  STORAGE_DOMAIN_TYPES,
  STORAGE_TYPES,
  type SimCluster,
  type SimDataCenter,
  type SimHost,
  type SimStorageDomain,
  type Version,
} from '../model/types.js';
import type { Reader } from './reader.js';

/** Parses `"4.7"` into a version; the default is the newest cluster level (4.7). */
export function parseVersion(reader: Reader, text: string | undefined, path: string): Version {
  if (text === undefined) return { major: 4, minor: 7 };
  const match = /^(\d+)\.(\d+)$/.exec(text);
  if (match === null) {
    reader.problem(path, `'${text}' is not a version such as "4.7"`);
    return { major: 4, minor: 7 };
  }
  return { major: Number(match[1]), minor: Number(match[2]) };
}

function idOf(
  reader: Reader,
  obj: Record<string, unknown>,
  path: string,
  kind: string,
  name: string,
) {
  return reader.string(obj, 'id', path) ?? nameUuid(kind, name);
}

function checkUnique(reader: Reader, seen: Set<string>, name: string, path: string): void {
  if (name === '') return;
  if (seen.has(name)) reader.problem(`${path}.name`, `duplicate name '${name}'`);
  seen.add(name);
}

export function readDataCenters(reader: Reader, input: unknown, state: SimState): void {
  const seen = new Set<string>();
  reader.list(input, 'dataCenters').forEach((raw, i) => {
    const path = `dataCenters[${i}]`;
    const obj = reader.record(raw, path);
    if (obj === undefined) return;
    const name = reader.requiredString(obj, 'name', path);
    checkUnique(reader, seen, name, path);
    const dc: SimDataCenter = {
      id: idOf(reader, obj, path, 'datacenter', name),
      name,
      description: reader.string(obj, 'description', path) ?? '',
      comment: reader.string(obj, 'comment', path) ?? '',
      status: 'uninitialized',
      local: reader.boolean(obj, 'local', path) ?? false,
      storageFormat: reader.string(obj, 'storageFormat', path) ?? 'v5',
      version: parseVersion(reader, reader.string(obj, 'version', path), `${path}.version`),
      quotaMode: 'disabled',
    };
    state.dataCenters.set(dc.id, dc);
  });
}

export function readClusters(reader: Reader, input: unknown, state: SimState): void {
  const seen = new Set<string>();
  const dcByName = new Map([...state.dataCenters.values()].map((d) => [d.name, d]));
  reader.list(input, 'clusters').forEach((raw, i) => {
    const path = `clusters[${i}]`;
    const obj = reader.record(raw, path);
    if (obj === undefined) return;
    const name = reader.requiredString(obj, 'name', path);
    checkUnique(reader, seen, name, path);
    const dcName = reader.requiredString(obj, 'dataCenter', path);
    const dc = dcByName.get(dcName);
    if (dc === undefined && dcName !== '') {
      reader.problem(`${path}.dataCenter`, `unknown data center '${dcName}'`);
    }
    const cluster: SimCluster = {
      id: idOf(reader, obj, path, 'cluster', name),
      name,
      description: reader.string(obj, 'description', path) ?? '',
      comment: reader.string(obj, 'comment', path) ?? '',
      dataCenterId: dc?.id ?? '',
      cpuType: reader.string(obj, 'cpuType', path) ?? 'Intel Cascadelake Server Family',
      version: parseVersion(reader, reader.string(obj, 'version', path), `${path}.version`),
      haReservation: reader.boolean(obj, 'haReservation', path) ?? false,
    };
    state.clusters.set(cluster.id, cluster);
  });
}

const HOST_INITIAL = ['up', 'maintenance', 'non_responsive', 'down'] as const;

export function readHosts(reader: Reader, input: unknown, state: SimState): void {
  const seen = new Set<string>();
  reader.list(input, 'hosts').forEach((raw, i) => {
    const path = `hosts[${i}]`;
    const obj = reader.record(raw, path);
    if (obj === undefined) return;
    const name = reader.requiredString(obj, 'name', path);
    checkUnique(reader, seen, name, path);
    const clusterName = reader.requiredString(obj, 'cluster', path);
    const cluster = state.clusterByName(clusterName);
    if (cluster === undefined && clusterName !== '') {
      reader.problem(`${path}.cluster`, `unknown cluster '${clusterName}'`);
    }
    const status = reader.oneOf(obj, 'status', path, HOST_INITIAL) ?? 'up';
    const spm = obj.spm === undefined ? {} : (reader.record(obj.spm, `${path}.spm`) ?? {});
    const priority = reader.number(spm, 'priority', `${path}.spm`) ?? 5;
    if (!Number.isInteger(priority) || priority < -1 || priority > 10) {
      reader.problem(`${path}.spm.priority`, 'must be an integer from -1 (never) to 10');
    }
    const spmStatus = reader.oneOf(spm, 'status', `${path}.spm`, ['spm', 'none'] as const);
    const pm =
      obj.powerManagement === undefined
        ? {}
        : (reader.record(obj.powerManagement, `${path}.powerManagement`) ?? {});
    const cpu = obj.cpu === undefined ? {} : (reader.record(obj.cpu, `${path}.cpu`) ?? {});
    const address = reader.string(obj, 'address', path) ?? `${name}.example.com`;
    const host: SimHost = {
      id: idOf(reader, obj, path, 'host', name),
      name,
      description: reader.string(obj, 'description', path) ?? '',
      comment: reader.string(obj, 'comment', path) ?? '',
      address,
      clusterId: cluster?.id ?? '',
      status,
      statusDetail: undefined,
      spm: { priority, status: spmStatus ?? 'none' },
      powerManagement: {
        enabled: reader.boolean(pm, 'enabled', `${path}.powerManagement`) ?? true,
        agentType: reader.string(pm, 'type', `${path}.powerManagement`) ?? 'ipmilan',
        agentAddress: reader.string(pm, 'address', `${path}.powerManagement`) ?? `ipmi-${address}`,
      },
      memory: reader.size(obj, 'memory', path) ?? 256 * 1024 ** 3,
      cpu: {
        name:
          reader.string(cpu, 'name', `${path}.cpu`) ?? 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz',
        speed: reader.number(cpu, 'speed', `${path}.cpu`) ?? 2100,
        cores: reader.number(cpu, 'cores', `${path}.cpu`) ?? 20,
        sockets: reader.number(cpu, 'sockets', `${path}.cpu`) ?? 2,
        threads: reader.number(cpu, 'threads', `${path}.cpu`) ?? 2,
      },
      port: 54321,
      reachable: status !== 'non_responsive',
      pmReachable: true,
      powered: status !== 'down',
      rebootFixes: true,
    };
    if (spmStatus === 'spm' && status !== 'up' && status !== 'non_responsive') {
      reader.problem(`${path}.spm.status`, `a host in status '${status}' cannot be the SPM`);
    }
    state.hosts.set(host.id, host);
  });
}

export function readStorageDomains(reader: Reader, input: unknown, state: SimState): void {
  const seen = new Set<string>();
  const dcByName = new Map([...state.dataCenters.values()].map((d) => [d.name, d]));
  reader.list(input, 'storageDomains').forEach((raw, i) => {
    const path = `storageDomains[${i}]`;
    const obj = reader.record(raw, path);
    if (obj === undefined) return;
    const name = reader.requiredString(obj, 'name', path);
    checkUnique(reader, seen, name, path);
    const dcNames = reader.stringList(obj, 'dataCenters', path) ?? [];
    const dataCenterIds = dcNames.flatMap((dcName) => {
      const dc = dcByName.get(dcName);
      if (dc === undefined)
        reader.problem(`${path}.dataCenters`, `unknown data center '${dcName}'`);
      return dc === undefined ? [] : [dc.id];
    });
    const storage =
      obj.storage === undefined ? {} : (reader.record(obj.storage, `${path}.storage`) ?? {});
    const storageType = reader.oneOf(storage, 'type', `${path}.storage`, STORAGE_TYPES) ?? 'nfs';
    const domain: SimStorageDomain = {
      id: idOf(reader, obj, path, 'storagedomain', name),
      name,
      description: reader.string(obj, 'description', path) ?? '',
      comment: reader.string(obj, 'comment', path) ?? '',
      type: reader.oneOf(obj, 'type', path, STORAGE_DOMAIN_TYPES) ?? 'data',
      status:
        reader.oneOf(obj, 'status', path, [
          'active',
          'inactive',
          'maintenance',
          'unattached',
          'locked',
          'unknown',
        ] as const) ?? (dataCenterIds.length === 0 ? 'unattached' : 'active'),
      master: reader.boolean(obj, 'master', path) ?? false,
      storage: {
        type: storageType,
        address: reader.string(storage, 'address', `${path}.storage`) ?? 'storage.example.com',
        path: reader.string(storage, 'path', `${path}.storage`) ?? `/exports/${name}`,
      },
      available: reader.size(obj, 'available', path) ?? 2 * 1024 ** 4,
      used: reader.size(obj, 'used', path) ?? 512 * 1024 ** 3,
      committed: reader.size(obj, 'committed', path) ?? 256 * 1024 ** 3,
      storageFormat: reader.string(obj, 'storageFormat', path) ?? 'v5',
      dataCenterIds,
    };
    state.storageDomains.set(domain.id, domain);
  });
}
