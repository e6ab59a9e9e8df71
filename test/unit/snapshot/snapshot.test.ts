/**
 * Observation snapshots: the published schema is the one the reader checks with (regenerate
 * with `UPDATE_SCHEMAS=1`), a snapshot validates against it (ajv, draft 2020-12) and reads back
 * to an observation the planner plans exactly as the original, no secret is written, and a bad
 * snapshot is refused with the file and the field named.
 */
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import type { Observed } from '../../../src/model/observed.js';
import { registerSecret } from '../../../src/common/redact.js';
import { checkSnapshotSites, parseSnapshot, snapshotOf } from '../../../src/common/snapshot.js';
import { SNAPSHOT_SCHEMA, SNAPSHOT_SCHEMA_FILE } from '../../../src/common/snapshot-schema.js';
import { diff } from '../../../src/reconcile/diff.js';
import {
  crashed,
  desiredOf,
  guest,
  libvirtSite,
  observedOf,
  policy,
  running,
  shutoff,
} from '../reconcile/builders.js';

const SCHEMA_PATH = fileURLToPath(
  new URL(`../../../schemas/${SNAPSHOT_SCHEMA_FILE}`, import.meta.url),
);

const db1 = guest('db1');
const web1 = guest('web1', { hosts: ['kvm2', 'kvm3'] });
const desired = desiredOf({ guests: [db1, web1] });

function fleet(): Observed {
  const base = observedOf({
    primary: {
      hosts: { kvm1: 'up', kvm2: 'up', kvm3: 'unreachable' },
      guests: [running(db1, 'kvm1'), shutoff(db1, 'kvm2'), crashed(web1, 'kvm2')],
    },
  });
  const site = base.sites.get('primary');
  if (!site) throw new Error('no site');
  const kvm1 = site.hosts.get('kvm1');
  if (!kvm1) throw new Error('no kvm1');
  const hosts = new Map(site.hosts);
  hosts.set('kvm1', {
    ...kvm1,
    liveMigration: false,
    hotplug: false,
    pools: new Map([['guests', { active: true, path: '/var/lib/vw' }]]),
    volumes: new Map([
      [
        'guests/db1-data',
        {
          pool: 'guests',
          name: 'db1-data',
          path: '/var/lib/vw/db1-data',
          capacityBytes: 1 << 30,
          format: 'qcow2',
        },
      ],
    ]),
  });
  hosts.set('kvm3', {
    name: 'kvm3',
    site: 'primary',
    status: 'unreachable',
    reason: 'connection refused',
  });
  return { sites: new Map([['primary', { ...site, hosts }]]) };
}

const roundTrip = (o: Observed): Observed =>
  parseSnapshot(JSON.stringify(snapshotOf(o, new Date('2026-12-02T18:00:00Z'))), 'snap.json')
    .observed;

describe('the published schema', () => {
  it('is the schema the reader checks with', async () => {
    const text = await prettier.format(JSON.stringify(SNAPSHOT_SCHEMA), {
      ...((await prettier.resolveConfig(SCHEMA_PATH)) ?? {}),
      filepath: SCHEMA_PATH,
    });
    if (process.env.UPDATE_SCHEMAS === '1') writeFileSync(SCHEMA_PATH, text);
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(text);
  });

  it('accepts what observe writes (ajv, draft 2020-12)', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    const doc = JSON.parse(JSON.stringify(snapshotOf(fleet(), new Date()))) as object;
    expect(validate.errors ?? []).toEqual([]);
    expect(validate(doc)).toBe(true);
    expect(validate({ ...doc, version: 2 })).toBe(false);
  });
});

describe('a snapshot read back', () => {
  it('is the same observation: hosts, guests, states, ownership hashes, pools and volumes', () => {
    const original = fleet();
    const back = roundTrip(original);
    expect(back).toEqual(original);
    const site = back.sites.get('primary');
    expect(site?.hosts.get('kvm1')?.volumes?.get('guests/db1-data')?.capacityBytes).toBe(1 << 30);
    expect(site?.hosts.get('kvm1')?.pools?.get('guests')).toEqual({
      active: true,
      path: '/var/lib/vw',
    });
    expect(site?.hosts.get('kvm3')).toMatchObject({ status: 'unreachable', site: 'primary' });
    expect(site?.guests.find((g) => g.host === 'kvm1')?.details?.owner?.definitionHash).toBe(
      original.sites.get('primary')?.guests.find((g) => g.host === 'kvm1')?.details?.owner
        ?.definitionHash,
    );
  });

  it('is planned exactly like the live observation', () => {
    const original = fleet();
    const p = policy({
      fencedHosts: new Set(['kvm3']),
      history: new Map([['web1', { restarts: [], failovers: [], lastHost: 'kvm2' }]]),
    });
    const live = diff(desired, original, p);
    expect(live.actions.map((a) => `${a.kind} ${a.address}`)).toContain('start guest/web1@kvm2');
    expect(diff(desired, roundTrip(original), p)).toEqual(live);
  });

  it('holds no secret: every string goes through the redactor', () => {
    registerSecret('s3cr3t-engine-pass');
    const o = fleet();
    const site = o.sites.get('primary');
    if (!site) throw new Error('no site');
    const hosts = new Map(site.hosts);
    hosts.set('kvm3', {
      name: 'kvm3',
      site: 'primary',
      status: 'unreachable',
      reason: 'login s3cr3t-engine-pass refused',
    });
    const text = JSON.stringify(
      snapshotOf({ sites: new Map([['primary', { ...site, hosts }]]) }, new Date()),
    );
    expect(text).not.toContain('s3cr3t-engine-pass');
    expect(text).toContain('login *** refused');
  });
});

interface Doc {
  version: number;
  sites: { hosts: { status: string }[]; guests: Record<string, unknown>[] }[];
}

describe('a bad snapshot', () => {
  const good = (): Doc => JSON.parse(JSON.stringify(snapshotOf(fleet(), new Date()))) as Doc;
  const site0 = (d: Doc): Doc['sites'][number] => {
    const s = d.sites[0];
    if (!s) throw new Error('no site');
    return s;
  };
  const bad = (mutate: (doc: Doc) => void): string => {
    const doc = good();
    mutate(doc);
    try {
      parseSnapshot(JSON.stringify(doc, null, 2), 'snapshots/prod.json');
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('accepted');
  };

  it.each([
    [
      'a wrong host status',
      (d: Doc) => {
        const h = site0(d).hosts[2];
        if (h) h.status = 'dead';
      },
      'field sites[0] (primary).hosts[2] (kvm3).status: must be one of up, unreachable, maintenance, down',
    ],
    [
      'an unknown field',
      (d: Doc) => {
        const g = site0(d).guests[0];
        if (g) g.colour = 'red';
      },
      'field sites[0] (primary).guests[0] (db1).colour: unknown field',
    ],
    [
      'a missing field',
      (d: Doc) => {
        const g = site0(d).guests[1];
        if (g) delete g.state;
      },
      'field sites[0] (primary).guests[1] (db1).state: missing',
    ],
    [
      'another version',
      (d: Doc) => {
        d.version = 2;
      },
      'field version: must be 1',
    ],
    [
      'a site twice',
      (d: Doc) => {
        d.sites.push(site0(d));
      },
      "field sites[1].name: 'primary' twice",
    ],
  ])('%s: names the file and the field', (_what, mutate, message) => {
    const m = bad(mutate);
    expect(m).toContain('snapshots/prod.json: not a usable observation snapshot');
    expect(m).toContain(message);
  });

  it('not JSON: names the file, line and column', () => {
    expect(() =>
      parseSnapshot('{\n  "kind": "ObservationSnapshot",\n  oops\n}', 'prod.json'),
    ).toThrow(/^prod\.json:3:3: not a usable observation snapshot: not JSON/);
  });

  it('without a site of the manifests: names it', () => {
    const { observed } = parseSnapshot(JSON.stringify(good()), 'prod.json');
    const sites = new Map([...desired.sites, ['dr', libvirtSite('dr', ['kvm9'])]]);
    expect(() => {
      checkSnapshotSites('prod.json', observed, sites);
    }).toThrow(
      "prod.json: not a usable observation snapshot: field sites: no site 'dr' (the manifests have it)",
    );
  });
});
