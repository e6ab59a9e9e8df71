/** The rules decided for the manifest language, on small in-memory manifest sets. */
import { describe, expect, it } from '@jest/globals';
import { parseManifestSources } from '../../../src/manifest/index.js';
import { codes, domainXml, libvirtGuest, libvirtSite, loadFiles, ROOT } from './helpers.js';

const twoSites =
  libvirtSite('primary', ['kvm1', 'kvm2']) + '---\n' + libvirtSite('secondary', ['kvm3']);

function dr(guest: string, extra = ''): string {
  return `apiVersion: virtwarden/v1
kind: DisasterRecovery
metadata: { name: plan }
spec:
  sites: [primary, secondary]
  activeSite: secondary
  guests:
    - guest: ${guest}
      network:
        primary: { address: 10.0.0.5/24 }
        secondary: { address: "2001:db8::5/64", gateway: "2001:db8::1" }
${extra}`;
}

describe('manifest semantics', () => {
  it('fills every default into the model', () => {
    const result = loadFiles({
      'm.yaml':
        libvirtSite('primary', ['kvm1', 'kvm2']) +
        '---\n' +
        libvirtGuest('db1', 'primary', '[kvm1, kvm2]'),
      'guests/db1.xml': domainXml(),
    });
    expect(result.diagnostics).toEqual([]);
    const site = result.desired?.sites.get('primary');
    expect(site?.provider.kind === 'libvirt' && site.provider.keepalive).toEqual({
      intervalSeconds: 1,
      count: 3,
    });
    const db1 = result.desired?.guests.get('db1');
    expect(db1).toMatchObject({
      domainName: 'db1',
      state: 'running',
      placement: { hosts: ['kvm1', 'kvm2'], autoStart: ['kvm1', 'kvm2'], failback: false },
      timing: { startGraceSeconds: 5, stopTimeoutSeconds: 30 },
      onFailure: { restart: { max: 2, withinSeconds: 600 }, then: 'failover' },
      migration: { live: true, timeoutSeconds: 300, maxDowntimeMs: 300 },
      dependsOn: [],
      maintenance: false,
    });
    expect(db1?.definition?.path).toBe(`${ROOT}/guests/db1.xml`);
  });

  it('makes test:///./ URIs absolute against the manifest directory', () => {
    const site = `apiVersion: virtwarden/v1
kind: Site
metadata: { name: lab }
spec:
  libvirt:
    hosts:
      - { name: h1, uri: "test:///./lab/h1.xml" }
      - { name: h2, uri: "test:///./h2.xml?mode=x" }
      - { name: h3, uri: "test:///default" }
      - { name: h4, uri: "qemu+ssh://root@h4/system" }
`;
    const result = loadFiles({ 'sites/lab.yaml': site });
    const provider = result.desired?.sites.get('lab')?.provider;
    if (provider?.kind !== 'libvirt') throw new Error('no libvirt site');
    expect(provider.hosts.map((h) => h.uri)).toEqual([
      `test://${ROOT}/sites/lab/h1.xml`,
      `test://${ROOT}/sites/h2.xml?mode=x`,
      'test:///default',
      'qemu+ssh://root@h4/system',
    ]);
  });

  it('lets a DR guest use hosts of every site of its plan, but no other guest', () => {
    const files = {
      'm.yaml': [twoSites, libvirtGuest('db1', 'primary', '[kvm1, kvm3]'), dr('db1')].join('---\n'),
      'guests/db1.xml': domainXml('db1'),
    };
    const ok = loadFiles(files);
    expect(ok.diagnostics).toEqual([]);
    expect(ok.desired?.disasterRecovery.get('plan')?.payload).toBe('cloud-init');
    expect(ok.desired?.disasterRecovery.get('plan')?.spmHandover).toBeUndefined();

    const noPlan = loadFiles({
      ...files,
      'm.yaml': [twoSites, libvirtGuest('db1', 'primary', '[kvm1, kvm3]')].join('---\n'),
    });
    expect(codes(noPlan)).toEqual(['VW203']);
  });

  it('refuses a CD-ROM in a DR guest but not in others', () => {
    const cdrom = "<disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk>";
    const files = {
      'm.yaml': [twoSites, libvirtGuest('db1', 'primary', '[kvm1]')].join('---\n'),
      'guests/db1.xml': domainXml(undefined, cdrom),
    };
    expect(loadFiles(files).diagnostics).toEqual([]);
    const inPlan = loadFiles({ ...files, 'm.yaml': files['m.yaml'] + '---\n' + dr('db1') });
    expect(codes(inPlan)).toEqual(['VW306']);
    expect(inPlan.diagnostics[0]?.at?.file).toBe(`${ROOT}/guests/db1.xml`);
  });

  it("checks the XML <name> against spec.name, the guest's hypervisor name", () => {
    const site = libvirtSite('primary', ['kvm1']);
    const guest = libvirtGuest('db1', 'primary', '[kvm1]', '  name: db1-prod\n');
    expect(
      loadFiles({ 'm.yaml': site + '---\n' + guest, 'guests/db1.xml': domainXml('db1-prod') })
        .diagnostics,
    ).toEqual([]);
    expect(
      codes(loadFiles({ 'm.yaml': site + '---\n' + guest, 'guests/db1.xml': domainXml('db1') })),
    ).toEqual(['VW303']);
  });

  it('needs neither definition nor placement for an absent libvirt guest', () => {
    const guest = `apiVersion: virtwarden/v1
kind: Guest
metadata: { name: old }
spec: { site: primary, state: absent }
`;
    const result = loadFiles({ 'm.yaml': libvirtSite('primary', ['kvm1']) + '---\n' + guest });
    expect(result.diagnostics).toEqual([]);
    expect(result.desired?.guests.get('old')?.state).toBe('absent');
  });

  it('derives disk caches and normalizes full link paths', () => {
    const mapping = `apiVersion: virtwarden/v1
kind: StorageMapping
metadata: { name: m }
spec:
  guest: db1
  controller: virtio-scsi
  cache: writethrough
  disks:
    - { source: { byId: /dev/disk/by-id/scsi-1 }, target: sdb }
    - { source: { byPath: /dev/disk/by-path/pci-0-lun-2 }, target: sdc, passthrough: true, cache: none }
    - { source: { dmp: /dev/vx/dmp/xiv0_1 }, target: sdd, readOnly: true }
`;
    const text = [
      libvirtSite('primary', ['kvm1']),
      libvirtGuest('db1', 'primary', '[kvm1]'),
      mapping,
    ].join('---\n');
    const result = loadFiles({ 'm.yaml': text, 'guests/db1.xml': domainXml() });
    expect(result.diagnostics).toEqual([]);
    const disks = result.desired?.storage.get('m')?.disks ?? [];
    expect(disks.map((d) => d.source)).toEqual([
      { kind: 'byId', id: 'scsi-1' },
      { kind: 'byPath', path: 'pci-0-lun-2' },
      { kind: 'dmp', name: 'xiv0_1' },
    ]);
    expect(disks.map((d) => d.cache)).toEqual(['writethrough', 'none', 'writethrough']);
    expect(disks.map((d) => d.readOnly)).toEqual([false, false, true]);
    expect(disks[0]?.at.line).toBe(
      text.split('\n').findIndex((l) => l.includes('target: sdb')) + 1,
    );
  });

  it('keeps the desired state with warnings only, and drops it on any error', () => {
    const ovirt = `apiVersion: virtwarden/v1
kind: Site
metadata: { name: rhev }
spec:
  ovirt: { url: "https://e/ovirt-engine/api", user: u, passwordFrom: { env: P }, cluster: c, datacenter: d, insecure: true }
`;
    const warned = loadFiles({ 'm.yaml': ovirt });
    expect(codes(warned)).toEqual(['VW602']);
    expect(warned.desired?.sites.get('rhev')).toBeDefined();
    const failed = loadFiles({ 'm.yaml': ovirt.replace('https', 'http') });
    expect(codes(failed)).toEqual(['VW601', 'VW602']);
    expect(failed.desired).toBeUndefined();
  });

  it('never puts a secret into a message, and marks where it is', () => {
    const site = `apiVersion: virtwarden/v1
kind: Site
metadata: { name: rhev }
spec:
  ovirt: { url: "https://e/api", user: u, password: Tr0ub4dor, cluster: c, datacenter: d }
---
${libvirtSite('lab', ['h1'])}      - name: h2
        uri: "test:///default"
        fence: { command: [fence_ipmilan, --password=C0rrectHorse, --action=off] }
`;
    const result = loadFiles({ 'm.yaml': site });
    expect(codes(result).sort()).toEqual(['VW111', 'VW112']);
    for (const d of result.diagnostics) {
      expect(JSON.stringify({ m: d.message, h: d.hint })).not.toMatch(/Tr0ub4dor|C0rrectHorse/);
      expect(d.secretAt).toBeDefined();
    }
    const plain = result.diagnostics.find((d) => d.code === 'VW111');
    const col = (site.split('\n')[4] ?? '').indexOf('Tr0ub4dor') + 1;
    expect(plain?.secretAt).toMatchObject({ line: 5, col, endCol: col + 'Tr0ub4dor'.length });
  });

  it('does not call references unknown when the file that may define them is unreadable', () => {
    const broken = 'apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: primary }\nspec: {\n';
    const result = loadFiles({
      'a.yaml': broken,
      'b.yaml': libvirtGuest('db1', 'primary', '[kvm1]'),
      'guests/db1.xml': domainXml(),
    });
    expect(codes(result)).toEqual(['VW010']);
  });

  it('reads each definition file once, and reports why one could not be read', () => {
    let reads = 0;
    const files = {
      'm.yaml': [
        libvirtSite('primary', ['kvm1']),
        libvirtGuest('a', 'primary', '[kvm1]').replace('guests/a.xml', 'guests/shared.xml'),
        libvirtGuest('b', 'primary', '[kvm1]').replace('guests/b.xml', 'guests/shared.xml'),
        libvirtGuest('c', 'primary', '[kvm1]'),
      ].join('---\n'),
    };
    const result = loadFiles(files, (p) => {
      reads++;
      return p.endsWith('shared.xml') ? domainXml() : { error: 'permission denied' };
    });
    expect(reads).toBe(2);
    expect(codes(result)).toEqual(['VW300']);
    expect(result.diagnostics[0]?.message).toContain('permission denied');
    expect(result.definitionFiles).toEqual([`${ROOT}/guests/shared.xml`, `${ROOT}/guests/c.xml`]);
  });

  it('accepts bytes, several documents per file, and a trailing document marker', () => {
    const text = libvirtSite('a', ['h1']) + '---\n' + libvirtSite('b', ['h2']) + '---\n';
    const result = loadFiles({ 'm.yaml': text });
    expect(result.diagnostics).toEqual([]);
    expect(result.objects).toBe(2);
    const bytes = parseManifestSources(
      [{ path: `${ROOT}/m.yaml`, content: Buffer.from(text) }],
      () => undefined,
    );
    expect(bytes.diagnostics).toEqual([]);
    expect(bytes.desired?.sites.size).toBe(2);
  });

  it('orders diagnostics by file, then line', () => {
    const result = loadFiles({
      'a.yaml': libvirtGuest('x', 'nowhere', '[h1]'),
      'b.yaml': libvirtGuest('y', 'nowhere', '[h1]') + '  bogus: 1\n',
      'guests/x.xml': domainXml(),
    });
    expect(
      result.diagnostics.map((d) => `${d.at?.file ?? ''}:${d.at?.line ?? 0}:${d.code}`),
    ).toEqual([`${ROOT}/a.yaml:5:VW201`, `${ROOT}/b.yaml:8:VW103`]);
  });

  it('reports a cycle once, as the whole loop', () => {
    const guests = ['a', 'b', 'c'].map((n, i) =>
      libvirtGuest(n, 'primary', '[h1]', `  dependsOn: [${['b', 'c', 'a'][i] ?? ''}]\n`),
    );
    const files: Record<string, string> = {
      'm.yaml': [libvirtSite('primary', ['h1']), ...guests].join('---\n'),
    };
    for (const n of ['a', 'b', 'c']) files[`guests/${n}.xml`] = domainXml();
    const result = loadFiles(files);
    expect(result.diagnostics.map((d) => d.message)).toEqual(['dependency cycle: c → a → b → c']);
  });

  it('reports one cycle per offending edge, even when several loops run through it', () => {
    const service = `apiVersion: virtwarden/v1
kind: Service
metadata: { name: s }
spec:
  tiers: [[db1], [app1, app2], [web1]]
`;
    const files: Record<string, string> = {
      'm.yaml': [
        libvirtSite('primary', ['h1']),
        libvirtGuest('db1', 'primary', '[h1]', '  dependsOn: [web1]\n'),
        ...['app1', 'app2', 'web1'].map((n) => libvirtGuest(n, 'primary', '[h1]')),
        service,
      ].join('---\n'),
    };
    for (const n of ['db1', 'app1', 'app2', 'web1']) files[`guests/${n}.xml`] = domainXml();
    const result = loadFiles(files);
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      'dependency cycle: db1 → web1 → app1 → db1',
    ]);
  });

  it('reads anchors and aliases, shared collections included', () => {
    const guests = `apiVersion: virtwarden/v1
kind: Guest
metadata: { name: a }
spec:
  site: primary
  definition: { file: guests/a.xml }
  placement: &placement { hosts: [h1, h2], failback: true }
  timing: { stopTimeoutSeconds: &slow 120 }
---
apiVersion: virtwarden/v1
kind: Guest
metadata: { name: b }
spec:
  site: primary
  definition: { file: guests/a.xml }
  placement: { hosts: [h1, h2], failback: true }
  timing: { stopTimeoutSeconds: 120, startGraceSeconds: 7 }
`;
    const result = loadFiles({
      'm.yaml': libvirtSite('primary', ['h1', 'h2']) + '---\n' + guests,
      'guests/a.xml': domainXml(),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.desired?.guests.get('a')?.placement).toEqual({
      hosts: ['h1', 'h2'],
      autoStart: ['h1', 'h2'],
      failback: true,
      failbackAfterSeconds: 300,
    });
    // A shared collection (an alias of a list) is read by the full parser, alias cap and all.
    const shared = loadFiles({
      'm.yaml':
        libvirtSite('primary', ['h1', 'h2']) +
        '---\n' +
        guests.replace(
          'placement: { hosts: [h1, h2], failback: true }',
          'placement: { hosts: &hosts [h2, h1], autoStart: *hosts }',
        ),
      'guests/a.xml': domainXml(),
    });
    expect(shared.diagnostics).toEqual([]);
    expect(shared.desired?.guests.get('b')?.placement.autoStart).toEqual(['h2', 'h1']);
  });

  it('validates IPv6 personalities and rejects a gateway of the other family', () => {
    const files = {
      'm.yaml': [twoSites, libvirtGuest('db1', 'primary', '[kvm1]'), dr('db1')].join('---\n'),
      'guests/db1.xml': domainXml(),
    };
    expect(loadFiles(files).diagnostics).toEqual([]);
    const mixed = {
      ...files,
      'm.yaml': files['m.yaml'].replace('gateway: "2001:db8::1"', 'gateway: 10.0.0.1'),
    };
    expect(codes(loadFiles(mixed))).toEqual(['VW505']);
    const network = { ...files, 'm.yaml': files['m.yaml'].replace('10.0.0.5/24', '10.0.0.0/24') };
    expect(loadFiles(network).diagnostics[0]?.message).toContain('network address');
  });
});
