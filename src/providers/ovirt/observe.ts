/**
 * One pass over an engine: the site cluster's VMs and hosts, in two requests however many VMs
 * there are (the cluster agents we replace made one request per VM).
 */
import type { OvirtSite } from '../../model/desired.js';
import type { ObservedGuest, ObservedHost, ObservedSite } from '../../model/observed.js';
import { errorMessage } from '../../common/errors.js';
import { items, ref, str, type Json, type OvirtClient } from './client.js';
import { mapHostStatus, mapVmStatus } from './state-map.js';

export interface EngineView {
  readonly site: ObservedSite;
  readonly vmIds: ReadonlyMap<string, string>;
  readonly hostIds: ReadonlyMap<string, string>;
}

export async function observeEngine(
  client: OvirtClient,
  siteName: string,
  spec: OvirtSite,
): Promise<EngineView> {
  try {
    const search = { search: `cluster=${spec.cluster}` };
    const [vmsDoc, hostsDoc] = await Promise.all([
      client.get('vms', search),
      client.get('hosts', search),
    ]);
    const hostsById = new Map<string, Json>();
    const hosts = new Map<string, ObservedHost>();
    const hostIds = new Map<string, string>();
    for (const h of items(hostsDoc, 'host')) {
      const id = str(h.id);
      const name = str(h.name);
      if (id === undefined || name === undefined) continue;
      hostsById.set(id, h);
      hostIds.set(name, id);
      const status = str(h.status) ?? 'unknown';
      hosts.set(name, {
        name,
        site: siteName,
        status: mapHostStatus(status),
        ...(status !== 'up' ? { reason: `engine says ${status}` } : {}),
      });
    }
    const vmIds = new Map<string, string>();
    const guests: ObservedGuest[] = [];
    for (const vm of items(vmsDoc, 'vm')) {
      const name = str(vm.name);
      const id = str(vm.id);
      if (name === undefined || id === undefined) continue;
      vmIds.set(name, id);
      const status = str(vm.status) ?? 'unknown';
      const mapped = mapVmStatus(status, str(vm.status_detail));
      const hostId = ref(vm.host);
      const hostName = hostId === undefined ? undefined : str(hostsById.get(hostId)?.name);
      guests.push({
        domainName: name,
        uuid: id,
        ...(hostName !== undefined ? { host: hostName } : {}),
        state: mapped.state,
        confidence: mapped.confidence,
        detail: status,
        active: mapped.active,
        persistent: true,
        autostart: false,
        managedSave: status === 'suspended',
      });
    }
    return {
      site: { name: siteName, kind: 'ovirt', reachable: true, hosts, guests },
      vmIds,
      hostIds,
    };
  } catch (err) {
    return {
      site: {
        name: siteName,
        kind: 'ovirt',
        reachable: false,
        reason: errorMessage(err),
        hosts: new Map(),
        guests: [],
      },
      vmIds: new Map(),
      hostIds: new Map(),
    };
  }
}
