/**
 * A manifest folder of N guests on libvirt's embedded test driver (one node XML file per host,
 * so every run starts from empty hosts): each guest defined on two hosts, started on the first,
 * start grace 0. For benchmarks and tests of large fleets.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function testDriverFleet(guests: number, hostCount = 10): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vw-fleet-'));
  mkdirSync(path.join(dir, 'hosts'));
  mkdirSync(path.join(dir, 'guests'));
  const hosts = Array.from({ length: hostCount }, (_, i) => `kvm${String(i + 1)}`);
  for (const h of hosts) {
    writeFileSync(
      path.join(dir, 'hosts', `${h}.xml`),
      '<node><cpu><mhz>2400</mhz><model>x86_64</model><nodes>1</nodes><sockets>1</sockets>' +
        '<cores>64</cores><threads>2</threads><active>128</active></cpu>' +
        '<memory>1073741824</memory></node>',
    );
  }
  writeFileSync(
    path.join(dir, 'site.yaml'),
    'apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: lab }\nspec:\n  libvirt:\n    hosts:\n' +
      hosts.map((h) => `      - { name: ${h}, uri: 'test:///./hosts/${h}.xml' }\n`).join(''),
  );
  const docs: string[] = [];
  for (let i = 0; i < guests; i++) {
    const g = `g${String(i)}`;
    writeFileSync(
      path.join(dir, 'guests', `${g}.xml`),
      `<domain type='test'><name>${g}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>` +
        `<os><type arch='x86_64'>hvm</type></os></domain>\n`,
    );
    const a = hosts[i % hostCount] ?? 'kvm1';
    const b = hosts[(i + 1) % hostCount] ?? 'kvm2';
    docs.push(
      `apiVersion: virtwarden/v1\nkind: Guest\nmetadata: { name: ${g} }\nspec:\n  site: lab\n` +
        `  definition: { file: guests/${g}.xml }\n  placement: { hosts: [${a}, ${b}] }\n` +
        `  timing: { startGraceSeconds: 0 }\n`,
    );
  }
  writeFileSync(path.join(dir, 'guests.yaml'), docs.join('---\n'));
  return dir;
}
