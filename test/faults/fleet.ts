/**
 * The fleet a fault round manages: three lab hosts (h1 and h2 with a fence command that really
 * powers the host off through the power desk, h3 without one: only an operator can confirm it
 * fenced) and nine tiny guests, eight desired running (a small tiered shop: db1 ← app1/app2 ←
 * web1/web2, plus independent ones) and one kept stopped. One manifest file per guest, so a
 * placement edit touches one file.
 */
import type { Lab } from '../lab/index.js';

/** Seconds a host must stay unreachable before it may be fenced (the site's grace). */
export const HOST_LOSS_GRACE_SECONDS = 10;

export interface FleetGuest {
  readonly name: string;
  /** Baseline placement, most preferred first. */
  readonly hosts: readonly string[];
  readonly dependsOn?: readonly string[];
  readonly state: 'running' | 'stopped';
}

export const HOSTS = ['h1', 'h2', 'h3'] as const;
/** Hosts whose fence command powers them off; the others wait for `fence confirm`. */
export const FENCED_HOSTS: readonly string[] = ['h1', 'h2'];

export const FLEET: readonly FleetGuest[] = [
  { name: 'db1', hosts: ['h1', 'h2', 'h3'], state: 'running' },
  { name: 'app1', hosts: ['h2', 'h3', 'h1'], dependsOn: ['db1'], state: 'running' },
  { name: 'app2', hosts: ['h3', 'h1', 'h2'], dependsOn: ['db1'], state: 'running' },
  { name: 'web1', hosts: ['h1', 'h3', 'h2'], dependsOn: ['app1'], state: 'running' },
  { name: 'web2', hosts: ['h2', 'h1', 'h3'], dependsOn: ['app2'], state: 'running' },
  { name: 'q1', hosts: ['h3', 'h2', 'h1'], state: 'running' },
  { name: 'q2', hosts: ['h1', 'h2'], state: 'running' },
  { name: 'cache1', hosts: ['h2', 'h3'], state: 'running' },
  { name: 'cold1', hosts: ['h1', 'h2', 'h3'], state: 'stopped' },
];

export const RUNNING_GUESTS = FLEET.filter((g) => g.state === 'running').map((g) => g.name);
export const STOPPED_GUESTS = FLEET.filter((g) => g.state === 'stopped').map((g) => g.name);
/** Memory of every guest's definition in the manifests (a hand edit changes it). */
export const GUEST_MEMORY_MIB = 32;

export interface FenceScripts {
  /** argv of the fence command for `host` (powers it off, exit 0 once it is off). */
  off(host: string): readonly string[];
  /** argv of the status command for `host` (prints `off` only while it is off). */
  status(host: string): readonly string[];
}

function flow(argv: readonly string[]): string {
  return `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;
}

export function siteYaml(lab: Lab, fence: FenceScripts): string {
  const hosts = lab.hosts
    .map((h) => {
      const f = FENCED_HOSTS.includes(h.name)
        ? `\n        fence:\n          command: ${flow(fence.off(h.name))}\n          statusCommand: ${flow(fence.status(h.name))}\n          timeoutSeconds: 30`
        : '';
      return `      - name: ${h.name}\n        uri: ${h.qemuUri}\n        migrationUri: tcp://127.0.0.1${f}`;
    })
    .join('\n');
  return `apiVersion: virtwarden/v1
kind: Site
metadata: { name: lab }
spec:
  libvirt:
    keepalive: { intervalSeconds: 1, count: 2 }
    hostLossGraceSeconds: ${String(HOST_LOSS_GRACE_SECONDS)}
    hosts:
${hosts}
`;
}

/** A guest's manifest, with its placement overridden when `hosts` is given. */
export function guestYaml(g: FleetGuest, hosts: readonly string[] = g.hosts): string {
  const deps = g.dependsOn === undefined ? '' : `\n  dependsOn: [${g.dependsOn.join(', ')}]`;
  // A lenient ladder: the nemesis kills guests often, and a guest given up on (FAULTED) by a
  // ladder doing its job would read as "not recovered".
  return `apiVersion: virtwarden/v1
kind: Guest
metadata: { name: ${g.name} }
spec:
  site: lab
  state: ${g.state}
  definition: { file: ${g.name}.xml }
  placement: { hosts: [${hosts.join(', ')}] }
  timing: { stopTimeoutSeconds: 2 }
  onFailure: { restart: { max: 20, withinSeconds: 30 }, then: failover }
  migration: { live: true, timeoutSeconds: 60 }${deps}
`;
}

/** Every file of the round's manifest directory, at baseline. */
export function fleetFiles(lab: Lab, fence: FenceScripts): Record<string, string> {
  const files: Record<string, string> = { 'site.yaml': siteYaml(lab, fence) };
  for (const g of FLEET) {
    files[`guests/${g.name}.yaml`] = guestYaml(g);
    files[`guests/${g.name}.xml`] = lab.guestXml(g.name, { memoryMiB: GUEST_MEMORY_MIB });
  }
  return files;
}

export function fleetGuest(name: string): FleetGuest {
  const g = FLEET.find((x) => x.name === name);
  if (g === undefined) throw new Error(`no guest ${name} in the fault fleet`);
  return g;
}
