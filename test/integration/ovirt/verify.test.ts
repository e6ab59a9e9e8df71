/**
 * `virtwarden verify` for oVirt sites against the simulator: credentials, each VM, the engine's
 * own HA off for every managed VM, cluster and data center, and for DR guests no CD-ROM of their
 * own and no CD-ROM-first boot order — one line per check, exit 1 when one fails.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../../../src/cli/main.js';
import { startOvirtSim, type OvirtSim } from '@virtwarden/ovirt-sim';
import { captureIo } from '../../helpers/cli-io.js';
import { caFileEntry, manifestDir, type ManifestDir } from '../../helpers/manifest-dir.js';

let sim: OvirtSim;
let md: ManifestDir;

const site = (name: string, cluster: string, url: string, ca: string): string =>
  `apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: ${name} }\nspec:\n  ovirt:\n    url: ${url}\n    user: admin@internal\n    passwordFrom: { env: RHEVM_PASSWORD }\n    caFile: ${ca}\n    cluster: ${cluster}\n    datacenter: DC\n`;
const guest = (name: string): string =>
  `apiVersion: virtwarden/v1\nkind: Guest\nmetadata: { name: ${name} }\nspec: { site: prim }\n`;
const net = (ip: string): string =>
  `{ address: ${ip}/24, gateway: ${ip.replace(/\.\d+$/, '.1')}, dnsServers: [${ip.replace(/\.\d+$/, '.2')}] }`;

beforeAll(async () => {
  sim = await startOvirtSim({
    timing: { stepMs: 20 },
    dataset: {
      dataCenters: [{ name: 'DC' }],
      clusters: [
        { name: 'PRIM', dataCenter: 'DC' },
        { name: 'SEC', dataCenter: 'DC' },
      ],
      hosts: [
        { name: 'p1', cluster: 'PRIM' },
        { name: 's1', cluster: 'SEC' },
      ],
      vms: [
        { name: 'dr-ok', cluster: 'PRIM', os: { boot: ['hd'] } },
        { name: 'dr-cd', cluster: 'PRIM', os: { boot: ['cdrom', 'hd'] }, cdrom: 'rhel9.iso' },
        { name: 'ha-on', cluster: 'PRIM', highAvailability: { enabled: true, priority: 50 } },
      ],
    },
  });
  md = await manifestDir({
    ...caFileEntry(sim.caFile),
    'sites.yaml':
      site('prim', 'PRIM', sim.url, 'ca.pem') + '---\n' + site('sec', 'SEC', sim.url, 'ca.pem'),
    'guests.yaml': ['dr-ok', 'dr-cd', 'ha-on'].map(guest).join('---\n'),
    'dr.yaml': `apiVersion: virtwarden/v1\nkind: DisasterRecovery\nmetadata: { name: fin }\nspec:\n  sites: [prim, sec]\n  activeSite: prim\n  guests:\n    - guest: dr-ok\n      network: { prim: ${net('10.1.0.5')}, sec: ${net('10.2.0.5')} }\n    - guest: dr-cd\n      network: { prim: ${net('10.1.0.6')}, sec: ${net('10.2.0.6')} }\n`,
  });
}, 60_000);

afterAll(async () => {
  await sim.stop();
  await md.remove();
});

describe('verify on oVirt sites', () => {
  it('reports each check on its own line and fails for HA, a CD-ROM and a CD-ROM-first boot', async () => {
    const io = captureIo({ env: { RHEVM_PASSWORD: 'secret', NO_COLOR: '1' } });
    expect(await runCli(['verify', md.dir], io)).toBe(1);
    const out = io.out();
    expect(out).toMatch(/✓ engine .* reachable, credentials valid: logged in as admin@internal/);
    expect(out).toContain('✓ cluster PRIM in data center DC: as declared');
    expect(out).toContain('✓ VM dr-ok: engine HA disabled');
    expect(out).toContain('✗ VM ha-on: engine HA disabled: the engine restarts it too');
    expect(out).toContain('✓ VM dr-ok: no CD-ROM of its own');
    expect(out).toContain('✗ VM dr-cd: no CD-ROM of its own');
    expect(out).toContain('✗ VM dr-cd: boot order: boots from CD-ROM first');
    expect(out).not.toContain('secret');
  }, 60_000);

  it('wrong credentials are one clear failed check, without the password', async () => {
    const io = captureIo({ env: { RHEVM_PASSWORD: 'wrong-pass-123', NO_COLOR: '1' } });
    expect(await runCli(['verify', md.dir], io)).toBe(1);
    expect(io.out()).toMatch(
      /✗ engine .* reachable, credentials valid: engine login as admin@internal failed/,
    );
    expect(io.out() + io.err()).not.toContain('wrong-pass-123');
  }, 60_000);
});
