/**
 * `virtwarden observe --save` and `plan --observed`, through the CLI on the quickstart fleet
 * (libvirt's embedded test driver): the snapshot validates against the published schema, and a
 * plan against it opens no connection to any host — proven with hosts whose URIs point at a TCP
 * listener that counts connections (the same plan without --observed does connect).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../helpers/cli-io.js';

const QUICKSTART = fileURLToPath(new URL('../../manifests/', import.meta.url));
const SCHEMA = fileURLToPath(
  new URL('../../schemas/observation-snapshot.schema.json', import.meta.url),
);
let dir: string;
let state: string;
let listener: Server;
let connections = 0;
let port = 0;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo({ cwd: dir, env: { VIRTWARDEN_STATE_DIR: state, NO_COLOR: '1' } });
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

/** The quickstart's hosts, each pointed at the counting listener instead of the test driver. */
async function manifestsAtListener(): Promise<string> {
  const m = path.join(dir, 'remote');
  await cp(QUICKSTART, m, { recursive: true });
  const site = await readFile(path.join(m, 'site.yaml'), 'utf8');
  await writeFile(
    path.join(m, 'site.yaml'),
    site.replace(
      /test:\/\/\/\.\/hosts\/(kvm\d)\.xml/g,
      `qemu+tcp://127.0.0.1:${String(port)}/system`,
    ),
  );
  return m;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-e2e-snap-'));
  state = path.join(dir, 'state');
  await cp(QUICKSTART, path.join(dir, 'manifests'), { recursive: true });
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
});
afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('virtwarden observe --save', () => {
  it('writes a versioned snapshot that validates against the published schema', async () => {
    const r = await cli(['observe', 'manifests', '--save', 'fleet.json']);
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(r.err).toContain('Saved 1 site(s), 0 domain(s) to fleet.json.');
    const doc = JSON.parse(await readFile(path.join(dir, 'fleet.json'), 'utf8')) as {
      kind: string;
      version: number;
      sites: { name: string; hosts: { name: string; status: string }[] }[];
    };
    const schema = JSON.parse(await readFile(SCHEMA, 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    expect(validate(doc)).toBe(true);
    expect(doc).toMatchObject({ kind: 'ObservationSnapshot', version: 1 });
    expect(doc.sites[0]?.hosts.map((h) => `${h.name} ${h.status}`)).toEqual([
      'kvm1 up',
      'kvm2 up',
      'kvm3 up',
    ]);
  });

  it('--save - writes the snapshot to stdout', async () => {
    const r = await cli(['observe', 'manifests', '--save', '-']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ kind: 'ObservationSnapshot', version: 1 });
  });

  it('needs --save (a usage error, 64)', async () => {
    const r = await cli(['observe', 'manifests']);
    expect(r.code).toBe(64);
    expect(r.err).toContain('--save FILE is required');
  });
});

describe('virtwarden plan --observed', () => {
  it('plans against the snapshot without opening a connection to any host', async () => {
    await cli(['observe', 'manifests', '--save', 'fleet.json']);
    const remote = await manifestsAtListener();
    connections = 0;
    const r = await cli(['plan', remote, '--observed', 'fleet.json', '-o', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out) as { actions: { kind: string; address: string }[] };
    expect(plan.actions.map((a) => `${a.kind} ${a.address}`)).toContain('start guest/db1@kvm1');
    expect(connections).toBe(0);
    // Nothing recorded: a snapshot's sightings are not the hosts' health now.
    const written = await readdir(state, { recursive: true }).catch(() => []);
    expect(written).toEqual([]);

    const text = await cli(['plan', remote, '--observed', 'fleet.json']);
    expect(text.out).toMatch(
      /Planned against 1 site\(s\), 0 domain\(s\) from fleet\.json \(taken /,
    );
  });

  it('the same plan without --observed does connect (the listener counts)', async () => {
    const remote = await manifestsAtListener();
    connections = 0;
    const r = await cli(['plan', remote]);
    expect(r.code).toBe(1);
    expect(connections).toBeGreaterThan(0);
  });

  it('a bad snapshot: exit 1, the file and the field named, nothing planned', async () => {
    const doc = JSON.parse(await readFile(path.join(dir, 'fleet.json'), 'utf8')) as {
      sites: { hosts: { status: string }[] }[];
    };
    const host = doc.sites[0]?.hosts[1];
    if (host) host.status = 'dead';
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify(doc));
    const r = await cli(['plan', 'manifests', '--observed', 'bad.json']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(
      'virtwarden plan: bad.json: not a usable observation snapshot: field sites[0] (lab).hosts[1] (kvm2).status: must be one of up, unreachable, maintenance, down',
    );
    const missing = await cli(['plan', 'manifests', '--observed', 'nope.json']);
    expect(missing.err).toContain('nope.json: not a usable observation snapshot: cannot read it');
  });
});
