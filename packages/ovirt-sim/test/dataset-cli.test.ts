import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFromCli } from '../src/cli.js';
import {
  buildState,
  demoDataset,
  OvirtSimError,
  startOvirtSim,
  type OvirtSim,
} from '../src/index.js';
import { call, getXml, list, text } from './helpers.js';

let dir: string;
const running: OvirtSim[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-ovirt-sim-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await rm(dir, { recursive: true, force: true });
});

function capture() {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
    },
    out: () => out,
    err: () => err,
  };
}

const SMALL = `
dataCenters:
  - name: DC1
clusters:
  - name: C1
    dataCenter: DC1
hosts:
  - { name: h1, cluster: C1, spm: { priority: 2 } }
  - { name: h2, cluster: C1, spm: { priority: 9 }, status: maintenance }
  - { name: h3, cluster: C1, spm: { priority: 4 } }
storageDomains:
  - { name: data1, dataCenters: [DC1], master: true, storage: { type: nfs, address: nas, path: /d1 } }
vms:
  - name: web
    cluster: C1
    memory: 2 GiB
    status: up
    host: h1
    display: vnc
    highAvailability: { enabled: true, priority: 100 }
    payloads:
      - type: cdrom
        files: [{ name: net.json, content: '{"ip":"10.0.0.5"}' }]
`;

describe('datasets', () => {
  it('the demo has one data center, two site clusters with two hosts each, and an elected SPM', () => {
    const state = buildState(demoDataset());
    expect([...state.dataCenters.values()].map((d) => [d.name, d.status])).toEqual([
      ['RHEV-DC', 'up'],
    ]);
    expect([...state.clusters.values()].map((c) => c.name)).toEqual([
      'RHEV-PRIM-CLUS',
      'RHEV-SEC-CLUS',
    ]);
    for (const cluster of state.clusters.values())
      expect(state.hostsOfCluster(cluster.id)).toHaveLength(2);
    expect(
      [...state.hosts.values()].filter((h) => h.spm.status === 'spm').map((h) => h.name),
    ).toEqual(['prim-host-1']);
  });

  it('reports every problem of a bad dataset at once, with its path', () => {
    const bad = {
      dataCenters: [{ name: 'DC' }],
      clusters: [{ name: 'C', dataCenter: 'nope' }],
      hosts: [
        { name: 'h', cluster: 'C', spm: { priority: 11, status: 'spm' } },
        { name: 'h', cluster: 'C', spm: { status: 'spm' } },
      ],
      vms: [
        { name: 'v', cluster: 'C', memory: 'lots', status: 'up', host: 'ghost', colour: 'red' },
      ],
      extra: true,
    };
    let error: unknown;
    try {
      buildState(bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OvirtSimError);
    expect((error as OvirtSimError).code).toBe('dataset-invalid');
    const message = (error as Error).message;
    expect(message).toContain('dataset.extra: unknown key');
    expect(message).toContain("clusters[0].dataCenter: unknown data center 'nope'");
    expect(message).toContain('hosts[0].spm.priority: must be an integer from -1 (never) to 10');
    expect(message).toContain("hosts[1].name: duplicate name 'h'");
    expect(message).toContain('vms[0].memory: expected bytes (a number) or a size such as "4 GiB"');
    expect(message).toContain("vms[0].host: unknown host 'ghost'");
  });

  it('loads a YAML dataset: SPM by priority among up hosts, VM settings as served', async () => {
    const file = path.join(dir, 'engine.yaml');
    await writeFile(file, SMALL);
    const started = await startFromCli(
      ['--dataset', file, '--no-tls', '--step-ms', '20'],
      capture().io,
    );
    if (typeof started === 'number') throw new Error(`CLI failed with ${started}`);
    running.push(started);
    expect(started.state.hostByName('h3')?.spm.status).toBe('spm');
    const vm = list((await getXml(started, 'vms?all_content=true')).vms, 'vm')[0];
    expect(text(vm, 'memory')).toBe(String(2 * 1024 ** 3));
    expect(text(vm, 'display.type')).toBe('vnc');
    expect(text(vm, 'high_availability.priority')).toBe('100');
    expect(text(vm, 'payloads.payload.files.file.name')).toBe('net.json');
  });
});

describe('the CLI (bin/virtwarden-ovirt-sim.js)', () => {
  it('prints the URL, the CA file and the credentials, and serves HTTPS with that CA', async () => {
    const out = capture();
    const started = await startFromCli(['--port', '0'], out.io);
    if (typeof started === 'number') throw new Error(out.err());
    running.push(started);
    expect(out.out()).toContain(`API:         ${started.url}`);
    expect(out.out()).toContain('credentials: admin@internal / secret');
    expect(started.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/ovirt-engine\/api$/);
    const caFile = started.caFile ?? '';
    expect(out.out()).toContain(caFile);
    expect((await call(started, 'GET', 'vms')).status).toBe(200);
    const ca = await call(
      started,
      'GET',
      '/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA',
      {
        auth: 'none',
      },
    );
    expect(ca.body).toBe(await readFile(caFile, 'utf8'));
    await started.stop();
    expect(existsSync(caFile)).toBe(false);
  });

  it('explains bad arguments and bad datasets', async () => {
    const usage = capture();
    expect(await startFromCli(['--port', 'x'], usage.io)).toBe(2);
    expect(usage.err()).toContain("--port: 'x' is not a non-negative integer");
    const file = path.join(dir, 'bad.yaml');
    await writeFile(
      file,
      'dataCenters: [{ name: DC }]\nclusters: [{ name: C, dataCenter: X }]\nhosts: []\n',
    );
    const bad = capture();
    expect(await startFromCli(['--dataset', file, '--no-tls'], bad.io)).toBe(1);
    expect(bad.err()).toContain("clusters[0].dataCenter: unknown data center 'X'");
    const missing = capture();
    expect(
      await startFromCli(['--dataset', path.join(dir, 'none.yaml'), '--no-tls'], missing.io),
    ).toBe(1);
    expect(missing.err()).toContain('cannot read dataset');
  });

  it('refuses to bind anything but loopback', async () => {
    await expect(startOvirtSim({ host: '0.0.0.0' })).rejects.toMatchObject({
      code: 'options-invalid',
    });
  });
});
