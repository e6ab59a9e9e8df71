/** Manifests for a fleet of tiny TCG guests on lab hosts (for the CLI end-to-end tests). */
import type { GuestXmlOptions, Lab } from '../lab/index.js';

export interface FleetGuest {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly state?: 'running' | 'stopped' | 'absent';
  readonly extra?: string;
  /** Options of its tiny guest's domain XML (a watchdog, a hang, a panic, …). */
  readonly xml?: GuestXmlOptions;
}

export function siteYaml(lab: Lab, site = 'lab'): string {
  const hosts = lab.hosts
    .map(
      (h) =>
        `      - name: ${h.name}\n        uri: ${h.qemuUri}\n        migrationUri: tcp://127.0.0.1`,
    )
    .join('\n');
  return `apiVersion: virtwarden/v1
kind: Site
metadata: { name: ${site} }
spec:
  libvirt:
    keepalive: { intervalSeconds: 1, count: 2 }
    hosts:
${hosts}
`;
}

export function guestYaml(g: FleetGuest, site = 'lab'): string {
  return `apiVersion: virtwarden/v1
kind: Guest
metadata: { name: ${g.name} }
spec:
  site: ${site}
  state: ${g.state ?? 'running'}
  definition: { file: guests/${g.name}.xml }
  placement: { hosts: [${g.hosts.join(', ')}] }
  timing: { stopTimeoutSeconds: 2 }
${g.extra ?? ''}`;
}

/** The files of a manifest directory for these guests. */
export function fleetFiles(lab: Lab, guests: readonly FleetGuest[]): Record<string, string> {
  const files: Record<string, string> = {
    'site.yaml': siteYaml(lab),
    'guests.yaml': guests.map((g) => guestYaml(g)).join('---\n'),
  };
  for (const g of guests) files[`guests/${g.name}.xml`] = lab.guestXml(g.name, g.xml);
  return files;
}
