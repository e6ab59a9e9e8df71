/**
 * The state directory (openStateDir) on a real file system: what is kept where and in which
 * format, atomic replacement, bad files reported and read in the safe direction, fencing
 * records ended by a later sighting of their host, guest histories one file each and a clear
 * that a stale writer cannot undo.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GuestHistory } from '../../../src/model/history.js';
import type { Action } from '../../../src/model/plan.js';
import type { Observed } from '../../../src/model/observed.js';
import { hostSightings } from '../../../src/state/host-observations.js';
import { openStateDir, type StateProblem } from '../../../src/state/state-dir.js';
import { clearFenced, readFencing, recordFenced } from '../../../src/state/fencing.js';
import { readVolumeInventory, recordVolumeActions } from '../../../src/state/volume-inventory.js';

let dir: string;
let problems: StateProblem[];
const open = () => openStateDir(dir, { onProblem: (p) => problems.push(p) });
const json = async (name: string): Promise<unknown> =>
  JSON.parse(await readFile(path.join(dir, name), 'utf8'));

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-state-'));
  problems = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T0 = Date.parse('2026-01-10T10:00:00Z');

describe('fencing records', () => {
  it('keeps fencing.json in the format today’s readers know, written atomically', async () => {
    const s = open();
    await s.recordFenced({
      host: 'kvm2',
      by: 'operator',
      confirmedAt: new Date(T0).toISOString(),
      note: 'pulled power',
    });
    await s.recordFenced({
      host: 'kvm3',
      by: 'fence-command',
      confirmedAt: new Date(T0).toISOString(),
    });
    expect(await json('fencing.json')).toEqual({
      hosts: [
        {
          host: 'kvm2',
          by: 'operator',
          confirmedAt: '2026-01-10T10:00:00.000Z',
          note: 'pulled power',
        },
        { host: 'kvm3', by: 'fence-command', confirmedAt: '2026-01-10T10:00:00.000Z' },
      ],
    });
    // No temporary file is left next to it.
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(await s.clearFenced('kvm2')).toBe(true);
    expect(await s.clearFenced('kvm2')).toBe(false);
    expect([...(await s.fencing()).keys()]).toEqual(['kvm3']);
  });

  it('the function-style wrappers read and write the same file', async () => {
    await recordFenced(dir, {
      host: 'kvm1',
      by: 'operator',
      confirmedAt: new Date(T0).toISOString(),
    });
    expect([...(await open().fencing()).keys()]).toEqual(['kvm1']);
    expect([...(await readFencing(dir)).keys()]).toEqual(['kvm1']);
    expect(await clearFenced(dir, 'kvm1')).toBe(true);
    expect((await readFencing(dir)).size).toBe(0);
  });

  it.each([
    ['half-written', '{"hosts": [{"host": "kvm2", "by": "oper'],
    ['empty', ''],
    [
      'of the wrong shape',
      '{"hosts": [{"by": "operator", "confirmedAt": "2026-01-10T10:00:00Z"}]}',
    ],
    ['not a list', '{"hosts": "kvm2"}'],
  ])(
    'a %s fencing.json reads as no confirmations and is reported, naming the file',
    async (_what, text) => {
      await writeFile(path.join(dir, 'fencing.json'), text);
      const s = open();
      expect((await s.fencing()).size).toBe(0);
      expect((await s.fencing()).size).toBe(0);
      expect(problems).toHaveLength(1); // once, not at every read
      expect(problems[0]?.file).toBe(path.join(dir, 'fencing.json'));
      expect(problems[0]?.message).toContain(path.join(dir, 'fencing.json'));
      expect(problems[0]?.message).toContain('treated as no fencing confirmations');
    },
  );

  it('the next write sets a corrupt file aside and writes a good one', async () => {
    await writeFile(path.join(dir, 'fencing.json'), '{"hosts": [');
    const s = open();
    await s.recordFenced({ host: 'kvm1', by: 'operator', confirmedAt: new Date(T0).toISOString() });
    expect([...(await s.fencing()).keys()]).toEqual(['kvm1']);
    const aside = (await readdir(dir)).filter((n) => n.startsWith('fencing.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(path.join(dir, aside[0] ?? ''), 'utf8')).toBe('{"hosts": [');
  });

  it('an observation of the host up after the confirmation ends the record; one before it does not', async () => {
    const s = open();
    await s.recordFenced({ host: 'kvm2', by: 'operator', confirmedAt: new Date(T0).toISOString() });
    // An observation started before the confirmation (in flight when the operator confirmed).
    expect((await s.observedHosts([{ host: 'kvm2', up: true }], T0 - 1)).fencingEnded).toEqual([]);
    // Still down: the record stands.
    expect((await s.observedHosts([{ host: 'kvm2', up: false }], T0 + 1000)).fencingEnded).toEqual(
      [],
    );
    expect((await s.fencing()).has('kvm2')).toBe(true);
    // Seen up later (by apply or watch, however long after): the loss it answered is over.
    const r = await s.observedHosts([{ host: 'kvm2', up: true }], T0 + 2000);
    expect(r.fencingEnded.map((x) => x.host)).toEqual(['kvm2']);
    expect((await s.fencing()).has('kvm2')).toBe(false);
  });
});

describe('every shared file: bad content reads in the safe direction', () => {
  it.each([
    ['drains.json', 'treated as no drained hosts', (s: ReturnType<typeof open>) => s.drains()],
    [
      'hosts.json',
      'treated as no host outages seen',
      (s: ReturnType<typeof open>) => s.hostHealth(),
    ],
    [
      'volumes.json',
      'treated as no volumes created by virtwarden (none will be deleted)',
      (s: ReturnType<typeof open>) => s.volumes(),
    ],
  ])('%s', async (name, whenBad, read) => {
    await writeFile(path.join(dir, name), '{"hosts": [{"host": 7}], "volumes": []}');
    expect((await read(open())).size).toBe(0);
    expect(problems).toEqual([
      {
        file: path.join(dir, name),
        message: expect.stringContaining(whenBad) as unknown as string,
      },
    ]);
  });
});

describe('read-modify-writes within one process', () => {
  it('many concurrent confirmations and drains: none is lost', async () => {
    const s = open();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => [
        s.recordFenced({ host: `h${i}`, by: 'operator', confirmedAt: new Date(T0).toISOString() }),
        s.setDrain({ host: `h${i}`, since: new Date(T0).toISOString(), by: 'alice' }),
      ]).flat(),
    );
    expect((await s.fencing()).size).toBe(50);
    expect((await s.drains()).size).toBe(50);
  });
});

describe('host sightings of an observation', () => {
  it('up when the host answered (an engine host in maintenance answers), else down', () => {
    const host = (name: string, status: string) => [name, { name, site: 's', status }] as const;
    const observed = {
      sites: new Map([
        [
          's',
          {
            hosts: new Map([
              host('a', 'up'),
              host('b', 'maintenance'),
              host('c', 'unreachable'),
              host('d', 'down'),
            ]),
          },
        ],
      ]),
    } as unknown as Observed;
    expect(hostSightings(observed)).toEqual([
      { host: 'a', up: true },
      { host: 'b', up: true },
      { host: 'c', up: false },
      { host: 'd', up: false },
    ]);
  });
});

describe('host health', () => {
  it('writes only transitions: the start of an outage and the first sighting up after it', async () => {
    const s = open();
    await s.observedHosts([{ host: 'kvm1', up: true }], T0);
    expect((await s.hostHealth()).size).toBe(0); // never seen down: nothing to say
    await s.observedHosts([{ host: 'kvm1', up: false }], T0 + 1000);
    const ino = (await stat(path.join(dir, 'hosts.json'))).ino;
    await s.observedHosts([{ host: 'kvm1', up: false }], T0 + 2000);
    expect((await stat(path.join(dir, 'hosts.json'))).ino).toBe(ino); // not rewritten
    expect((await s.hostHealth()).get('kvm1')).toEqual({ host: 'kvm1', lastDownAt: T0 + 1000 });
    await s.observedHosts([{ host: 'kvm1', up: true }], T0 + 3000);
    await s.observedHosts([{ host: 'kvm1', up: true }], T0 + 4000);
    expect((await s.hostHealth()).get('kvm1')).toEqual({
      host: 'kvm1',
      lastDownAt: T0 + 1000,
      upSince: T0 + 3000,
    });
    // A slow observation older than the record does not roll it back.
    await s.observedHosts([{ host: 'kvm1', up: false }], T0 + 2500);
    expect((await s.hostHealth()).get('kvm1')?.upSince).toBe(T0 + 3000);
  });
});

describe('drains', () => {
  it('set, kept as is when set again, cleared', async () => {
    const s = open();
    const first = {
      host: 'kvm2',
      since: new Date(T0).toISOString(),
      by: 'alice',
      note: 'BIOS update',
    };
    expect(await s.setDrain(first)).toEqual(first);
    expect(
      await s.setDrain({ host: 'kvm2', since: new Date(T0 + 5).toISOString(), by: 'bob' }),
    ).toEqual(first);
    expect(await json('drains.json')).toEqual({ hosts: [first] });
    expect(await s.clearDrain('kvm2')).toEqual(first);
    expect(await s.clearDrain('kvm2')).toBeUndefined();
    expect((await s.drains()).size).toBe(0);
  });
});

describe('volume inventory', () => {
  it('records created and deleted volumes in volumes.json (same format as before)', async () => {
    const vol = (kind: 'create-volume' | 'delete-volume', name: string): Action =>
      ({
        kind,
        site: 'lab',
        guest: 'db1',
        disk: { volume: { pool: 'p', name } },
      }) as unknown as Action;
    await recordVolumeActions(dir, [vol('create-volume', 'a'), vol('create-volume', 'b')]);
    await open().recordVolumeActions([vol('delete-volume', 'a')]);
    expect(await json('volumes.json')).toEqual({ volumes: { 'lab/p/b': 'db1' } });
    expect([...(await readVolumeInventory(dir)).entries()]).toEqual([['lab/p/b', 'db1']]);
  });
});

describe('guest histories', () => {
  const faulted: GuestHistory = {
    restarts: [
      { host: 'kvm1', at: T0 },
      { host: 'kvm1', at: T0 + 10 },
    ],
    failovers: [{ from: 'kvm1', at: T0 + 20 }],
    lastHost: 'kvm2',
    definedOn: ['kvm1', 'kvm2'],
    faultedAt: T0 + 30,
    faultReason: 'crashed on kvm2',
    migrationFailures: [{ from: 'kvm1', to: 'kvm2', at: T0 + 5, message: 'unsafe migration' }],
  };

  it('one small file per guest; a save rewrites only that guest’s file', async () => {
    const s = open();
    await s.saveHistory('db1', faulted);
    await s.saveHistory('web1', { restarts: [], failovers: [], lastHost: 'kvm3' });
    expect((await readdir(path.join(dir, 'guests'))).sort()).toEqual(['db1.json', 'web1.json']);
    const web1 = (await stat(path.join(dir, 'guests', 'web1.json'))).ino;
    await s.saveHistory('db1', { ...faulted, lastHost: 'kvm1' });
    expect((await stat(path.join(dir, 'guests', 'web1.json'))).ino).toBe(web1);
    expect(await s.history('db1')).toEqual({ ...faulted, lastHost: 'kvm1' });
    const all = await open().histories(); // a new process reads what was saved
    expect([...all.keys()].sort()).toEqual(['db1', 'web1']);
    expect(all.get('web1')).toEqual({ restarts: [], failovers: [], lastHost: 'kvm3' });
    await s.saveHistory('web1', undefined);
    expect(await s.history('web1')).toBeUndefined();
  });

  it('clear forgets the failures and FAULTED, keeps where the guest was, and a stale save cannot undo it', async () => {
    const s = open();
    await s.saveHistory('db1', faulted);
    const { before, after } = await s.clearHistory('db1', T0 + 100);
    expect(before).toEqual(faulted);
    expect(after).toEqual({
      restarts: [],
      failovers: [],
      lastHost: 'kvm2',
      definedOn: ['kvm1', 'kvm2'],
      rearmed: true,
    });
    expect(await s.history('db1')).toEqual(after);
    // A watch that held the FAULTED copy in memory since before the clear saves it again…
    const stored = await open().saveHistory('db1', {
      ...faulted,
      restarts: [...faulted.restarts, { host: 'kvm2', at: T0 + 200 }],
    });
    // …and only what happened after the clear is kept.
    const { rearmed: _rearmed, ...whereabouts } = after;
    expect(stored).toEqual({ ...whereabouts, restarts: [{ host: 'kvm2', at: T0 + 200 }] });
    expect((await s.histories()).get('db1')).toEqual(stored);
  });

  it('a bad guest file loses only that guest, and is reported', async () => {
    const s = open();
    await s.saveHistory('db1', faulted);
    await mkdir(path.join(dir, 'guests'), { recursive: true });
    await writeFile(
      path.join(dir, 'guests', 'web1.json'),
      '{"guest": "web1", "history": {"restarts": 3}}',
    );
    const all = await s.histories();
    expect([...all.keys()]).toEqual(['db1']);
    expect(problems.map((p) => p.file)).toEqual([path.join(dir, 'guests', 'web1.json')]);
    expect(problems[0]?.message).toContain('treated as no history for guest web1');
  });

  it('refuses a name that is not a guest name (no path outside guests/)', async () => {
    await expect(open().saveHistory('../fencing', faulted)).rejects.toMatchObject({
      code: 'bad-guest-name',
    });
  });

  it('leftover temporary files of a dead writer are ignored and swept', async () => {
    await mkdir(path.join(dir, 'guests'), { recursive: true });
    const stale = path.join(dir, 'guests', 'db1.json.999999999.abcd1234.tmp');
    await writeFile(stale, '{"guest": "db1"');
    expect((await open().histories()).size).toBe(0);
    expect(problems).toEqual([]);
    await expect(stat(stale)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
