/**
 * `virtwarden simulate` through the CLI, on the quickstart fleet (kvm1 given a fence command,
 * web1 allowed on kvm1 only) against a snapshot from `observe --save`: scenarios from the
 * command line and from a YAML file, text / JSON / Markdown output, `--fail-on unplaced` as a
 * merge gate, clear errors for bad scenarios — and no connection to any host.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../helpers/cli-io.js';

const QUICKSTART = fileURLToPath(new URL('../../manifests/', import.meta.url));
let dir: string;
let listener: Server;
let connections = 0;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo({
    cwd: dir,
    env: { VIRTWARDEN_STATE_DIR: path.join(dir, 'state'), NO_COLOR: '1' },
  });
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-e2e-sim-'));
  const m = path.join(dir, 'manifests');
  await cp(QUICKSTART, m, { recursive: true });
  const site = await readFile(path.join(m, 'site.yaml'), 'utf8');
  await writeFile(
    path.join(m, 'site.yaml'),
    site.replace(
      'uri: test:///./hosts/kvm1.xml',
      'uri: test:///./hosts/kvm1.xml\n        fence: { command: [/bin/true] }',
    ),
  );
  const guests = await readFile(path.join(m, 'guests.yaml'), 'utf8');
  await writeFile(
    path.join(m, 'guests.yaml'),
    guests.replace('placement: { hosts: [kvm1, kvm3] }', 'placement: { hosts: [kvm1] }'),
  );
  expect((await cli(['observe', 'manifests', '--save', 'fleet.json'])).code).toBe(0);
  // From here on the hosts point at a listener that counts connections.
  const text = await readFile(path.join(m, 'site.yaml'), 'utf8');
  listener = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await writeFile(
    path.join(m, 'site.yaml'),
    text.replace(
      /test:\/\/\/\.\/hosts\/kvm\d\.xml/g,
      `qemu+tcp://127.0.0.1:${String(port)}/system`,
    ),
  );
});
afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

interface SimJson {
  before: { kind: string; text: string }[];
  scenarios: {
    name: string;
    summary: Record<string, number>;
    steps: { at: number; kind: string; text: string; action?: { kind: string; address: string } }[];
    guests: { guest: string; end: string; host?: string }[];
  }[];
  failures: { scenario: string; guests: string[] }[];
}

describe('virtwarden simulate --observed', () => {
  it('prints step by step what watch would do when each host dies, and opens no connection', async () => {
    connections = 0;
    const r = await cli([
      'simulate',
      'manifests',
      '--observed',
      'fleet.json',
      '--scenario',
      'each-host-dies',
    ]);
    expect(r.code).toBe(0);
    expect(connections).toBe(0);
    expect(r.out).toContain('Simulated against snapshot fleet.json (taken ');
    expect(r.out).toContain('Before any scenario, watch would first converge the fleet:');
    expect(r.out).toContain('Scenario 1/3: host-dies kvm1');
    expect(r.out).toMatch(/t\+15s\s+fence\s+kvm1 fenced by its fence command/);
    expect(r.out).toMatch(
      /t\+15s\s+start\s+guest\/db1@kvm2: kvm1, where it ran, is lost and fenced: fail over to kvm2/,
    );
    expect(r.out).toContain('unplaced: web1');
    // kvm2 has no fence command: its guests wait for an operator.
    expect(r.out).toContain(
      'kvm2 has no fence command: its guests wait for an operator to run `virtwarden fence confirm kvm2`',
    );
    expect(r.out).toContain('waiting-for-fencing: app1');
  });

  it('--fail-on unplaced: exit 1 naming the scenario and the guest (a merge gate)', async () => {
    const r = await cli([
      'simulate',
      'manifests',
      '--observed',
      'fleet.json',
      '--scenario',
      'each-host-dies',
      '--fail-on',
      'unplaced',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('1 of 3 scenario(s) fail --fail-on unplaced: host-dies kvm1 (web1)');
    const ok = await cli([
      'simulate',
      'manifests',
      '--observed',
      'fleet.json',
      '--scenario',
      'host-dies kvm3',
      '--fail-on',
      'unplaced',
    ]);
    expect(ok.code).toBe(0);
    const fencing = await cli([
      'simulate',
      'manifests',
      '--observed',
      'fleet.json',
      '--scenario',
      'host-dies kvm3',
      '--fail-on',
      'unplaced,fencing',
    ]);
    expect(fencing.code).toBe(1);
    expect(fencing.err).toContain('host-dies kvm3 (app2)');
  });

  it('-o json: every step and every guest’s end, machine-readable', async () => {
    const r = await cli([
      'simulate',
      'manifests',
      '--observed',
      'fleet.json',
      '--scenario',
      'guest-crashes db1 4',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as SimJson;
    const [s] = doc.scenarios;
    expect(s?.name).toBe('guest-crashes db1 4');
    expect(s?.summary).toMatchObject({ restarts: 2, failovers: 1, faulted: 1 });
    expect(s?.guests.find((g) => g.guest === 'db1')).toMatchObject({ end: 'faulted' });
    expect(s?.steps.filter((x) => x.kind === 'crash')).toHaveLength(4);
  });

  it('-o markdown: a summary table and each scenario’s steps folded, for a pull request comment', async () => {
    const r = await cli([
      'simulate',
      'manifests',
      '--observed',
      'fleet.json',
      '--scenario',
      'host-dies kvm1',
      '--scenario',
      'host-drained kvm2',
      '-o',
      'markdown',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      '| scenario | running | restarts | failovers | migrations | FAULTED | waiting for fencing | unplaced |',
    );
    expect(r.out).toMatch(/\| host-dies kvm1 \| 4\/6 \| 0 \| 1 \| 0 \| 0 \| 0 \| \*\*1\*\* \|/);
    expect(r.out).toContain('<details><summary>host-drained kvm2: ');
    expect(r.out).toContain('- **unplaced**: `web1`');
  });

  it('scenarios from a YAML file', async () => {
    await writeFile(
      path.join(dir, 'what-if.yaml'),
      'scenarios:\n  - name: night shift\n    events:\n      - host-drained kvm2\n      - guest-crashes db1 1\n  - events: each-host-dies fence=fails\n',
    );
    const r = await cli([
      'simulate',
      'manifests',
      '--observed',
      'fleet.json',
      '--scenarios',
      'what-if.yaml',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as SimJson;
    expect(doc.scenarios.map((s) => s.name)).toEqual([
      'night shift',
      'host-dies kvm1 fence=fails',
      'host-dies kvm2 fence=fails',
      'host-dies kvm3 fence=fails',
    ]);
    expect(doc.scenarios[1]?.guests.find((g) => g.guest === 'db1')?.end).toBe(
      'waiting-for-fencing',
    );
  });

  it('a bad scenario: the file, line, column and field named; or the --scenario text', async () => {
    await writeFile(
      path.join(dir, 'bad.yaml'),
      'scenarios:\n  - events:\n      - host-dies kvm1\n      - host-dies kvm9\n',
    );
    const r = await cli([
      'simulate',
      'manifests',
      '--observed',
      'fleet.json',
      '--scenarios',
      'bad.yaml',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      "bad.yaml:4:9: scenarios[0].events[1]: no libvirt host 'kvm9' in the manifests",
    );
    const typo = await cli([
      'simulate',
      'manifests',
      '--observed',
      'fleet.json',
      '--scenario',
      'host-dies kvm1 fence=maybe',
    ]);
    expect(typo.err).toContain(
      "--scenario 'host-dies kvm1 fence=maybe': fence=maybe: use one of auto, fails, confirm, none",
    );
    const none = await cli(['simulate', 'manifests', '--observed', 'fleet.json']);
    expect(none.code).toBe(64);
  });
});
