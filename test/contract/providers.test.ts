/** The provider contract suite against every provider we have. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startOvirtSim } from '@virtwarden/ovirt-sim';
import { MemoryProvider } from '../helpers/memory-provider.js';
import { caFileEntry, manifestDir } from '../helpers/manifest-dir.js';
import { openProviders } from '../../src/providers/registry.js';
import { describeProviderContract } from './provider-contract.js';
import { desiredOf, guest, libvirtSite } from '../unit/reconcile/builders.js';

describeProviderContract('in-memory fake', async () => {
  const g = guest('cg', { hosts: ['kvm1', 'kvm2'] });
  const desired = desiredOf({ sites: [libvirtSite('primary', ['kvm1', 'kvm2'])], guests: [g] });
  const provider = new MemoryProvider('primary', ['kvm1', 'kvm2']);
  await provider.apply(
    {
      id: 'define:cg@kvm1',
      kind: 'define',
      guest: 'cg',
      address: 'guest/cg',
      site: 'primary',
      host: 'kvm1',
      reason: 'not-defined',
      why: '',
      dependsOn: [],
    },
    { desired, guest: g, signal: new AbortController().signal, progress: () => undefined },
  );
  return {
    provider,
    desired,
    guest: g,
    host: 'kvm1',
    hosts: ['kvm1', 'kvm2'],
    cleanup: () => Promise.resolve(),
  };
});

describeProviderContract('libvirt (test driver, one connection per host)', async () => {
  const node =
    '<node><cpu><mhz>2000</mhz><model>x86_64</model><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads></cpu><memory>4194304</memory></node>';
  const md = await manifestDir({
    'hosts/h1.xml': node,
    'hosts/h2.xml': node,
    'guests/cg.xml':
      "<domain type='test'><name>cg</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>",
    'site.yaml':
      'apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: lab }\nspec:\n  libvirt:\n    hosts:\n      - { name: h1, uri: "test:///./hosts/h1.xml" }\n      - { name: h2, uri: "test:///./hosts/h2.xml" }\n',
    'guest.yaml':
      'apiVersion: virtwarden/v1\nkind: Guest\nmetadata: { name: cg }\nspec: { site: lab, definition: { file: guests/cg.xml }, placement: { hosts: [h1, h2] } }\n',
  });
  const desired = await md.load();
  const providers = await openProviders(desired, { env: {}, manifestDir: md.dir });
  const provider = providers.get('lab');
  const g = desired.guests.get('cg');
  if (!provider || !g) throw new Error('set-up failed');
  await provider.apply(
    {
      id: 'define:cg@h1',
      kind: 'define',
      guest: 'cg',
      address: 'guest/cg',
      site: 'lab',
      host: 'h1',
      reason: 'not-defined',
      why: '',
      dependsOn: [],
    },
    { desired, guest: g, signal: new AbortController().signal, progress: () => undefined },
  );
  return {
    provider,
    desired,
    guest: g,
    host: 'h1',
    hosts: ['h1', 'h2'],
    cleanup: () => md.remove(),
  };
});

describeProviderContract('oVirt (engine simulator)', async () => {
  const sim = await startOvirtSim({ timing: { stepMs: 30, commandMs: 10 } });
  const md = await manifestDir({
    ...caFileEntry(sim.caFile),
    'site.yaml': `apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: rhev }\nspec:\n  ovirt:\n    url: ${sim.url}\n    user: admin@internal\n    passwordFrom: { env: PW }\n    caFile: ca.pem\n    cluster: RHEV-PRIM-CLUS\n    datacenter: RHEV-DC\n`,
    'guest.yaml':
      'apiVersion: virtwarden/v1\nkind: Guest\nmetadata: { name: cg }\nspec: { site: rhev, name: finance-app }\n',
  });
  await writeFile(path.join(md.dir, 'unused'), '');
  const desired = await md.load();
  const providers = await openProviders(desired, { env: { PW: 'secret' }, manifestDir: md.dir });
  const provider = providers.get('rhev');
  const g = desired.guests.get('cg');
  if (!provider || !g) throw new Error('set-up failed');
  const hosts = [...(await provider.observe()).hosts.keys()];
  return {
    provider,
    desired,
    guest: g,
    hosts,
    cleanup: async () => {
      await sim.stop();
      await md.remove();
    },
  };
});
