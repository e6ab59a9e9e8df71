/**
 * Environment validation for an oVirt site (the guest agent's `havirtverify`, and more): one
 * line per check. The most important: the engine's own HA is off for every VM virtwarden
 * manages — two controllers must never fight over one VM.
 */
import type { Desired, OvirtSite } from '../../model/desired.js';
import { drPlanOf, effectivePlacement } from '../../common/effective-placement.js';
import { errorMessage } from '../../common/errors.js';
import type { Check } from '../provider.js';
import { bool, items, ref, str, type Json, type OvirtClient } from './client.js';

const pass = (name: string, message: string): Check => ({
  name,
  ok: true,
  message,
  severity: 'error',
});
const fail = (name: string, message: string): Check => ({
  name,
  ok: false,
  message,
  severity: 'error',
});

function bootDevices(vm: Json): string[] {
  const os = (vm.os ?? {}) as Json;
  const boot = (os.boot ?? {}) as Json;
  const devices = (boot.devices ?? {}) as Json;
  const d = devices.device;
  return Array.isArray(d) ? d.map(String) : typeof d === 'string' ? [d] : [];
}

export async function verifyEngine(
  client: OvirtClient,
  siteName: string,
  spec: OvirtSite,
  desired: Desired,
): Promise<Check[]> {
  const checks: Check[] = [];
  try {
    await client.login();
    checks.push(
      pass(`engine ${spec.url} reachable, credentials valid`, `logged in as ${spec.user}`),
    );
  } catch (err) {
    return [fail(`engine ${spec.url} reachable, credentials valid`, errorMessage(err))];
  }
  const clusters = items(
    await client.get('clusters', { search: `name=${spec.cluster}` }),
    'cluster',
  );
  const cluster = clusters.find((c) => str(c.name) === spec.cluster);
  if (!cluster) {
    checks.push(fail(`cluster ${spec.cluster}`, 'no such cluster in the engine'));
  } else {
    const dcId = ref(cluster.data_center);
    const dc = dcId === undefined ? {} : await client.get(`datacenters/${dcId}`);
    const dcName = str(dc.name);
    checks.push(
      dcName === spec.datacenter
        ? pass(`cluster ${spec.cluster} in data center ${spec.datacenter}`, 'as declared')
        : fail(
            `cluster ${spec.cluster} in data center ${spec.datacenter}`,
            `it belongs to data center '${dcName ?? '?'}'`,
          ),
    );
  }
  const vms = items(await client.get('vms', { search: `cluster=${spec.cluster}` }), 'vm');
  for (const guest of desired.guests.values()) {
    if (effectivePlacement(desired, guest).site !== siteName && guest.site !== siteName) continue;
    const vm = vms.find((v) => str(v.name) === guest.domainName);
    if (!vm) {
      checks.push(fail(`VM ${guest.domainName} exists`, `not found in cluster ${spec.cluster}`));
      continue;
    }
    checks.push(pass(`VM ${guest.domainName} exists`, `id ${str(vm.id) ?? '?'}`));
    const ha = bool(((vm.high_availability ?? {}) as Json).enabled);
    checks.push(
      ha
        ? fail(
            `VM ${guest.domainName}: engine HA disabled`,
            'the engine restarts it too: disable high availability on the VM so only virtwarden acts',
          )
        : pass(`VM ${guest.domainName}: engine HA disabled`, 'only virtwarden restarts it'),
    );
    if (drPlanOf(desired, guest.name) === undefined) continue;
    const id = str(vm.id) ?? '';
    const cdroms = items(await client.get(`vms/${id}/cdroms`), 'cdrom').filter((c) =>
      str(((c.file ?? {}) as Json).id),
    );
    checks.push(
      cdroms.length === 0
        ? pass(`VM ${guest.domainName}: no CD-ROM of its own`, 'the DR payload can use the CD-ROM')
        : fail(
            `VM ${guest.domainName}: no CD-ROM of its own`,
            'an ISO is inserted: the DR network payload needs the CD-ROM',
          ),
    );
    const first = bootDevices(vm)[0];
    checks.push(
      first === 'cdrom'
        ? fail(
            `VM ${guest.domainName}: boot order`,
            'boots from CD-ROM first: it would boot the DR payload',
          )
        : pass(
            `VM ${guest.domainName}: boot order`,
            `boots from ${first ?? 'the default device'} first`,
          ),
    );
  }
  return checks;
}
