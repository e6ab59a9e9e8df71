/**
 * The operator's commands on the controller state, end to end through the CLI (runCli) on the
 * quickstart fleet (libvirt's embedded test driver) plus one host that does not answer:
 * `drain` / `undrain`, `clear` (a FAULTED guest is planned again), `fence confirm` / `list` /
 * `clear`; each recorded in the state directory and the journal with who did it and the note,
 * unknown hosts and guests refused clearly, and `status` reading the same state as `watch`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.js';
import { openStateDir } from '../../src/state/state-dir.js';
import { captureIo } from '../helpers/cli-io.js';

const QUICKSTART = fileURLToPath(new URL('../../manifests/', import.meta.url));
let manifests: string;
let state: string;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo({
    env: { VIRTWARDEN_STATE_DIR: state, NO_COLOR: '1', SUDO_USER: 'alice' },
  });
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

async function journal(): Promise<Record<string, unknown>[]> {
  const text = await readFile(path.join(state, 'journal.jsonl'), 'utf8').catch(() => '');
  return text
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

interface PlanJson {
  actions: { kind: string; guest: string; reason: string }[];
  holds: { guest: string; reason: string; message: string }[];
}

beforeAll(async () => {
  manifests = await mkdtemp(path.join(tmpdir(), 'vw-e2e-state-m-'));
  await cp(QUICKSTART, manifests, { recursive: true });
  // A fourth host that does not answer (no daemon behind its socket), for manual fencing.
  const site = await readFile(path.join(manifests, 'site.yaml'), 'utf8');
  await writeFile(
    path.join(manifests, 'site.yaml'),
    `${site}      - name: kvm4\n        uri: qemu+unix:///system?socket=${manifests}/no-such-libvirtd.sock\n`,
  );
});
afterAll(async () => {
  await rm(manifests, { recursive: true, force: true });
  await rm(state, { recursive: true, force: true });
});
beforeEach(async () => {
  if (state) await rm(state, { recursive: true, force: true });
  state = await mkdtemp(path.join(tmpdir(), 'vw-e2e-state-'));
});

describe('virtwarden drain / undrain', () => {
  it('drains a host, shows it in status, is idempotent, and undrains it; each journaled with the operator', async () => {
    const drained = await cli(['drain', 'kvm2', manifests, '--note', 'BIOS update']);
    expect(drained).toMatchObject({ code: 0, err: '' });
    expect(drained.out).toContain('kvm2 drained');
    const record = (await openStateDir(state).drains()).get('kvm2');
    expect(record).toMatchObject({ host: 'kvm2', by: 'alice', note: 'BIOS update' });

    const status = await cli(['status', manifests]);
    expect(status.code).toBe(0);
    expect(status.out).toContain(
      `host kvm2: up, drained by alice since ${record?.since ?? '?'} — BIOS update`,
    );
    const json = await cli(['status', manifests, '-o', 'json']);
    expect((JSON.parse(json.out) as { drains: unknown[] }).drains).toEqual([record]);

    const again = await cli(['drain', 'kvm2', manifests]);
    expect(again.code).toBe(0);
    expect(again.out).toContain('kvm2 was already drained');

    const undrained = await cli(['undrain', 'kvm2', manifests]);
    expect(undrained).toMatchObject({ code: 0, err: '' });
    expect(undrained.out).toContain('kvm2 undrained');
    expect((await openStateDir(state).drains()).size).toBe(0);
    expect((await cli(['undrain', 'kvm2', manifests])).out).toContain('kvm2 was not drained');

    const lines = (await journal()).filter((l) => l.event === 'drain' || l.event === 'undrain');
    expect(lines).toEqual([
      expect.objectContaining({ event: 'drain', host: 'kvm2', by: 'alice', note: 'BIOS update' }),
      expect.objectContaining({ event: 'undrain', host: 'kvm2', by: 'alice' }),
    ]);
  }, 60_000);

  it('refuses an unknown host, naming the known ones, and a missing HOST as a usage error', async () => {
    const r = await cli(['drain', 'kvm9', manifests]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `no host 'kvm9' in the manifests of ${manifests} (hosts: kvm1, kvm2, kvm3, kvm4)`,
    );
    expect((await openStateDir(state).drains()).size).toBe(0);
    const usage = await cli(['drain']);
    expect(usage.code).toBe(64);
    expect(usage.err).toContain('expected the host to drain');
  });

  it('a journal that cannot be written: the drain is recorded, the command says so and exits 1', async () => {
    await mkdir(path.join(state, 'journal.jsonl'));
    const r = await cli(['drain', 'kvm3', manifests]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('recorded in the state, but not in the journal');
    expect(r.err).toContain('EISDIR');
    expect((await openStateDir(state).drains()).has('kvm3')).toBe(true);
  });

  it('has help text, and the command list names drain, undrain and clear', async () => {
    const help = await cli(['drain', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: virtwarden drain HOST [DIR] [--note TEXT]');
    const all = await cli(['--help']);
    for (const name of ['drain', 'undrain', 'clear'])
      expect(all.out).toMatch(new RegExp(`^  ${name} `, 'm'));
  });
});

describe('virtwarden clear', () => {
  const faulted = {
    restarts: [
      { host: 'kvm1', at: Date.now() - 30_000 },
      { host: 'kvm1', at: Date.now() - 20_000 },
      { host: 'kvm1', at: Date.now() - 10_000 },
    ],
    failovers: [],
    lastHost: 'kvm1',
    faultedAt: Date.now() - 5_000,
    faultReason: 'crashed on kvm1',
  };

  it('a FAULTED guest is left alone by plan and status; clear re-arms it and keeps where it was', async () => {
    await openStateDir(state).saveHistory('db1', faulted);
    const before = JSON.parse((await cli(['plan', manifests, '-o', 'json'])).out) as PlanJson;
    expect(before.actions.filter((a) => a.guest === 'db1' && a.kind === 'start')).toEqual([]);
    expect(before.holds.find((h) => h.guest === 'db1')).toMatchObject({ reason: 'faulted' });
    const status = JSON.parse((await cli(['status', manifests, '-o', 'json'])).out) as {
      guests: { guest: string; reason: string }[];
    };
    expect(status.guests.find((g) => g.guest === 'db1')?.reason).toContain('FAULTED');

    const r = await cli(['clear', 'db1', manifests, '--note', 'disk replaced']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain(
      'db1 cleared: forgot 3 restarts, 0 failovers, its FAULTED mark (last seen on kvm1: kept)',
    );
    expect(await openStateDir(state).history('db1')).toEqual({
      restarts: [],
      failovers: [],
      lastHost: 'kvm1',
      rearmed: true,
    });
    expect((await journal()).filter((l) => l.event === 'clear')).toEqual([
      expect.objectContaining({
        guest: 'db1',
        by: 'alice',
        note: 'disk replaced',
        restarts: 3,
        failovers: 0,
        faulted: true,
      }),
    ]);

    const after = JSON.parse((await cli(['plan', manifests, '-o', 'json'])).out) as PlanJson;
    expect(after.holds.find((h) => h.guest === 'db1')).toBeUndefined();
    expect(after.actions.some((a) => a.guest === 'db1' && a.kind === 'start')).toBe(true);
  }, 60_000);

  it('refuses a guest that is not in the manifests, and a missing GUEST as a usage error', async () => {
    const r = await cli(['clear', 'nosuch', manifests]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`no guest 'nosuch' in the manifests of ${manifests}`);
    expect((await cli(['clear'])).code).toBe(64);
  });
});

describe('virtwarden fence (through the state directory)', () => {
  it('confirms a host that does not answer, with the operator and note in the record and the journal', async () => {
    const r = await cli([
      'fence',
      'confirm',
      'kvm4',
      '--dir',
      manifests,
      '--note',
      'pulled the power cord',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect((await openStateDir(state).fencing()).get('kvm4')).toMatchObject({
      host: 'kvm4',
      by: 'operator',
      user: 'alice',
      note: 'pulled the power cord',
    });
    expect((await cli(['fence', 'list'])).out).toContain('kvm4  fenced since');
    expect((await cli(['fence', 'clear', 'kvm4'])).out).toContain('withdrawn');
    expect((await openStateDir(state).fencing()).size).toBe(0);
    const lines = (await journal()).filter((l) => String(l.event).startsWith('fence-'));
    expect(lines).toEqual([
      expect.objectContaining({
        event: 'fence-confirmed',
        host: 'kvm4',
        by: 'alice',
        note: 'pulled the power cord',
      }),
      expect.objectContaining({
        event: 'fence-cleared',
        host: 'kvm4',
        why: 'operator',
        by: 'alice',
      }),
    ]);
  }, 60_000);

  it('a record of a host that answers again ends at the next observation (plan or status), journaled', async () => {
    for (const command of ['plan', 'status']) {
      await openStateDir(state).recordFenced({
        host: 'kvm1',
        by: 'fence-command',
        confirmedAt: new Date(Date.now() - 60_000).toISOString(),
      });
      const r = await cli([command, manifests]);
      expect(r.code).toBe(0);
      expect((await openStateDir(state).fencing()).has('kvm1')).toBe(false);
    }
    const ended = (await journal()).filter((l) => l.event === 'fence-cleared');
    expect(ended).toEqual([
      expect.objectContaining({ host: 'kvm1', why: 'host-up' }),
      expect.objectContaining({ host: 'kvm1', why: 'host-up' }),
    ]);
  }, 60_000);

  it('refuses to confirm a host that answers', async () => {
    const r = await cli(['fence', 'confirm', 'kvm1', '--dir', manifests]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('kvm1 answers');
    expect((await openStateDir(state).fencing()).size).toBe(0);
  }, 60_000);

  it('a corrupt fencing.json is reported naming the file and read as no confirmations', async () => {
    await writeFile(path.join(state, 'fencing.json'), '{"hosts": [{"host": "kvm4", "by": "oper');
    const list = await cli(['fence', 'list']);
    expect(list.code).toBe(0);
    expect(list.out).toBe('No host is confirmed fenced.\n');
    expect(list.err).toContain(`state file ${path.join(state, 'fencing.json')}`);
    expect(list.err).toContain('treated as no fencing confirmations');
    const status = await cli(['status', manifests]);
    expect(status.code).toBe(0);
    expect(status.err).toContain('fencing.json');
  }, 60_000);
});
