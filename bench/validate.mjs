// Benchmark: `virtwarden validate` over a large manifest set — 10,000 guests (each with its own
// domain XML) in 500 files, plus 5 sites of 8 hosts, 2,000 storage mappings, a DR plan and a
// service. Prints wall time and peak RSS of the CLI process (median of RUNS runs).
//
//   npm run build && node bench/validate.mjs [RUNS]
//
// VW_BENCH_KEEP=1 keeps the generated directory for profiling.
//
// Target on the 2-core dev machine: under 2 s and under 300 MB.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.argv[2] ?? 5);
const GUESTS = 10_000;
const GUEST_FILES = 500;
const SITES = 5;
const HOSTS_PER_SITE = 8;
const MAPPING_FILES = 100;
const child = fileURLToPath(new URL('./validate-child.mjs', import.meta.url));

const domainXml = (name, i) => `<domain type='kvm'>
  <name>${name}</name>
  <memory unit='MiB'>${1024 + (i % 8) * 512}</memory>
  <vcpu placement='static'>${1 + (i % 4)}</vcpu>
  <os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features><acpi/><apic/></features>
  <cpu mode='host-model'/>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='block' device='disk'>
      <driver name='qemu' type='raw' cache='none' io='native'/>
      <source dev='/dev/disk/by-id/dm-name-vg_guests-${name}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='bridge'>
      <mac address='52:54:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}'/>
      <source bridge='br0'/>
      <model type='virtio'/>
    </interface>
    <console type='pty'/>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
  </devices>
</domain>
`;

function generate(dir) {
  mkdirSync(path.join(dir, 'guests/xml'), { recursive: true });
  mkdirSync(path.join(dir, 'storage'), { recursive: true });
  const sites = [];
  for (let s = 0; s < SITES; s++) {
    const hosts = [];
    for (let h = 0; h < HOSTS_PER_SITE; h++) {
      hosts.push(`      - name: s${s}h${h}
        uri: qemu+ssh://root@s${s}h${h}.example.com/system
        fence:
          command: [fence_ipmilan, --ip=10.${s}.0.${h + 10}, --username=admin, --password-script=/etc/vw/ipmi, --action=off]
`);
    }
    sites.push(`apiVersion: virtwarden/v1
kind: Site
metadata: { name: site${s} }
spec:
  libvirt:
    hosts:
${hosts.join('')}`);
  }
  writeFileSync(path.join(dir, 'sites.yaml'), sites.join('---\n'));

  const perFile = GUESTS / GUEST_FILES;
  for (let f = 0; f < GUEST_FILES; f++) {
    const docs = [];
    for (let k = 0; k < perFile; k++) {
      const i = f * perFile + k;
      const name = `g${i}`;
      const site = i % SITES;
      const h = i % HOSTS_PER_SITE;
      const hosts = [h, (h + 1) % HOSTS_PER_SITE, (h + 2) % HOSTS_PER_SITE].map(
        (x) => `s${site}h${x}`,
      );
      writeFileSync(path.join(dir, 'guests/xml', `${name}.xml`), domainXml(name, i));
      docs.push(`apiVersion: virtwarden/v1
kind: Guest
metadata:
  name: ${name}
spec:
  site: site${site}
  definition: { file: xml/${name}.xml }
  placement:
    hosts: [${hosts.join(', ')}]
    autoStart: [${hosts.slice(0, 2).join(', ')}]
    failback: ${i % 3 === 0}
  timing: { startGraceSeconds: 5, stopTimeoutSeconds: 60 }
  onFailure:
    restart: { max: 2, withinSeconds: 600 }
    then: failover
  migration: { live: true, timeoutSeconds: 300, maxDowntimeMs: 300 }
${k > 0 ? `  dependsOn: [g${i - 1}]\n` : ''}`);
    }
    writeFileSync(
      path.join(dir, 'guests', `guests-${String(f).padStart(3, '0')}.yaml`),
      docs.join('---\n'),
    );
  }

  const mappings = GUESTS / 5;
  const perMappingFile = mappings / MAPPING_FILES;
  for (let f = 0; f < MAPPING_FILES; f++) {
    const docs = [];
    for (let k = 0; k < perMappingFile; k++) {
      const m = f * perMappingFile + k;
      const guest = `g${m * 5}`;
      docs.push(`apiVersion: virtwarden/v1
kind: StorageMapping
metadata: { name: ${guest}-data }
spec:
  guest: ${guest}
  controller: virtio-scsi
  disks:
    - source: { byId: scsi-3600508b4000156d7000120000${String(m).padStart(6, '0')}a }
      target: sdb
    - source: { byPath: pci-0000:0b:00.0-fc-0x500173800134016${m % 10}-lun-${m} }
      target: sdc
      passthrough: true
`);
    }
    writeFileSync(
      path.join(dir, 'storage', `storage-${String(f).padStart(3, '0')}.yaml`),
      docs.join('---\n'),
    );
  }

  const tiers = [0, 1, 2].map(
    (t) =>
      `    - [${Array.from({ length: 10 }, (_, j) => `g${t * 1000 + j * 20 + 19}`).join(', ')}]`,
  );
  writeFileSync(
    path.join(dir, 'service.yaml'),
    `apiVersion: virtwarden/v1\nkind: Service\nmetadata: { name: big }\nspec:\n  tiers:\n${tiers.join('\n')}\n`,
  );
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'vw-bench-validate-'));
try {
  const t0 = performance.now();
  generate(dir);
  console.log(
    `generated ${GUESTS} guests in ${GUEST_FILES} files (+ ${GUESTS} domain XMLs) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${dir}`,
  );
  const walls = [];
  const commands = [];
  const rss = [];
  const cpu = [];
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    const res = spawnSync(process.execPath, [child, dir], { encoding: 'utf8' });
    const wall = performance.now() - start;
    const report = JSON.parse(res.stderr.trim().split('\n').pop() ?? '{}');
    if (res.status !== 0 || report.code !== 0) {
      throw new Error(`validate failed (exit ${res.status}): ${res.stderr.slice(0, 2000)}`);
    }
    walls.push(wall);
    commands.push(report.commandMs);
    rss.push(report.maxRssMiB);
    cpu.push(report.cpuMs);
    console.log(
      `run ${r + 1}: wall ${(wall / 1000).toFixed(2)} s, command ${(report.commandMs / 1000).toFixed(2)} s, CPU ${(report.cpuMs / 1000).toFixed(2)} s, peak RSS ${report.maxRssMiB.toFixed(0)} MiB`,
    );
  }
  console.log(
    `validate ${GUESTS} guests: wall ${(median(walls) / 1000).toFixed(2)} s (median of ${RUNS}; command alone ${(median(commands) / 1000).toFixed(2)} s; CPU ${(median(cpu) / 1000).toFixed(2)} s), peak RSS ${median(rss).toFixed(0)} MiB — target < 2 s, < 300 MB`,
  );
} finally {
  // VW_BENCH_KEEP=1 keeps the generated manifests (to profile: node --cpu-prof bench/validate-child.mjs DIR).
  if (process.env.VW_BENCH_KEEP === '1') console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
