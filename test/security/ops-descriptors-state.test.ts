/**
 * Out of file descriptors, a state file is not "empty": reading drains.json (or a guest's
 * history) as empty would let guests start on a drained host, or restart a FAULTED guest, and
 * an update would overwrite every record. A real process limited to 64 descriptors fills them,
 * then reads and updates state files: the reads throw OutOfDescriptorsError, the update writes
 * nothing, and once a descriptor is free again everything reads as before.
 */
import { expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const DIST = new URL('../../dist/state/', import.meta.url).href;

const SCRIPT = `
import { closeSync, openSync } from 'node:fs';
import { openStateDir } from '${DIST}open-state-dir.js';
const dir = process.argv[1];
const state = openStateDir(dir, { onProblem: (p) => console.log('PROBLEM ' + p.message) });
await state.setDrain({ host: 'kvm2', since: new Date().toISOString(), by: 'ops' });
const before = [...(await state.drains()).keys()];
const held = [];
try { for (;;) held.push(openSync('/dev/null', 'r')); } catch (err) { console.log('FILLED ' + err.code); }
const outcome = async (p) => p.then((v) => 'value ' + JSON.stringify([...v.keys()]), (e) => 'threw ' + e.name + ' ' + e.message);
console.log('DRAINS ' + (await outcome(state.drains())));
console.log('HISTORY ' + (await state.history('g1').then((h) => 'value ' + JSON.stringify(h ?? null), (e) => 'threw ' + e.name)));
// The lock file needs a descriptor too: free exactly one so the update reaches its read.
closeSync(held.pop());
console.log('UPDATE ' + (await state.clearDrain('kvm2').then(() => 'done', (e) => 'threw ' + e.name)));
for (const fd of held) closeSync(fd);
console.log('AFTER ' + JSON.stringify([...(await state.drains()).keys()]) + ' BEFORE ' + JSON.stringify(before));
`;

it('reads no state file as empty when out of descriptors, and an update writes nothing', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'vw-emfile-'));
  try {
    const r = spawnSync(
      'prlimit',
      ['--nofile=64:64', process.execPath, '--input-type=module', '-e', SCRIPT, dir],
      { encoding: 'utf8', timeout: 30_000 },
    );
    const out = r.stdout + r.stderr;
    expect(out).toContain('FILLED EMFILE');
    expect(out).toMatch(/DRAINS threw OutOfDescriptorsError cannot read .*drains\.json \(EMFILE\)/);
    expect(out).toContain('HISTORY threw OutOfDescriptorsError');
    expect(out).toContain('UPDATE threw');
    expect(out).toContain('AFTER ["kvm2"] BEFORE ["kvm2"]');
    expect(out).not.toContain('treated as no drained hosts');
    expect(JSON.parse(await readFile(path.join(dir, 'drains.json'), 'utf8'))).toBeDefined();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
