/**
 * Read-modify-writes of the state directory raced by real processes, as a `watch` and an
 * operator's CLI race on a management host: confirmations and clears of fencing records
 * interleaved by two processes lose nothing and resurrect nothing, and an operator's clear of
 * a guest's history is not undone by a process saving the FAULTED copy it held in memory.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStateDir } from '../../src/state/state-dir.js';
import { dist, ensureBuilt, startChild, type Child } from './state-helpers.js';

let dir: string;
const children: Child[] = [];
beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-races-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.process.exitCode === null) c.process.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

const ROUNDS = 200;

// The function-style API (what `fence confirm` and `watch` called before the store existed).
const FENCER = `
import { recordFenced, clearFenced } from ${dist('state/fencing.js')};
const [dir, verb, prefix, rounds] = [process.env.DIR, process.env.VERB, process.env.PREFIX, Number(process.env.ROUNDS)];
await new Promise((r) => process.stdin.once('data', r));
process.stdin.destroy();
for (let i = 0; i < rounds; i++) {
  const host = prefix + i;
  if (verb === 'confirm') await recordFenced(dir, { host, by: 'operator', confirmedAt: new Date().toISOString() });
  else await clearFenced(dir, host);
}
console.log('done');
`;

const HISTORIAN = `
import { openStateDir } from ${dist('state/state-dir.js')};
const state = openStateDir(process.env.DIR);
const rounds = Number(process.env.ROUNDS);
await new Promise((r) => process.stdin.once('data', r));
process.stdin.destroy();
if (process.env.ROLE === 'watch') {
  // A watch's in-memory copy, from before the operator's clear.
  const copy = { restarts: [{ host: 'kvm1', at: 1000 }], failovers: [], lastHost: 'kvm1', faultedAt: 2000, faultReason: 'crash loop' };
  for (let i = 0; i < rounds; i++) {
    await state.saveHistory('db1', copy);
    if (i === 20) console.log('saving');
  }
} else {
  await state.clearHistory('db1', Date.now());
  console.log('cleared');
}
console.log('done');
`;

async function runTogether(code: string, envs: NodeJS.ProcessEnv[]): Promise<number> {
  const started = envs.map((env) => startChild(code, env));
  children.push(...started);
  await new Promise((r) => setTimeout(r, 1000)); // every process loaded
  const t0 = Date.now();
  for (const c of started) c.send('go\n');
  await Promise.all(started.map((c) => c.line(/^done$/, 120_000)));
  for (const c of started) expect((await c.exited).code).toBe(0);
  return Date.now() - t0;
}

describe('state races between processes', () => {
  it('confirms and clears of fencing records by two processes: nothing lost, nothing resurrected', async () => {
    const state = openStateDir(dir);
    for (let i = 0; i < ROUNDS; i++) {
      await state.recordFenced({
        host: `old${i}`,
        by: 'operator',
        confirmedAt: new Date().toISOString(),
      });
    }
    const common = { DIR: dir, ROUNDS: String(ROUNDS) };
    const ms = await runTogether(FENCER, [
      { ...common, VERB: 'confirm', PREFIX: 'new' },
      { ...common, VERB: 'clear', PREFIX: 'old' },
    ]);
    const hosts = new Set((await openStateDir(dir).fencing()).keys());
    const lost = Array.from({ length: ROUNDS }, (_, i) => `new${i}`).filter((h) => !hosts.has(h));
    const resurrected = Array.from({ length: ROUNDS }, (_, i) => `old${i}`).filter((h) =>
      hosts.has(h),
    );
    process.stdout.write(
      `fencing.json: ${ROUNDS} confirms racing ${ROUNDS} clears in ${ms} ms: ${lost.length} confirmations lost, ${resurrected.length} records resurrected\n`,
    );
    expect(lost).toEqual([]);
    expect(resurrected).toEqual([]);
  }, 120_000);

  it("an operator's clear is not undone by a process saving the FAULTED copy it held in memory", async () => {
    const common = { DIR: dir, ROUNDS: String(ROUNDS) };
    const watch = startChild(HISTORIAN, { ...common, ROLE: 'watch' });
    const operator = startChild(HISTORIAN, { ...common, ROLE: 'operator' });
    children.push(watch, operator);
    await new Promise((r) => setTimeout(r, 1000));
    watch.send('go\n');
    await watch.line(/^saving$/); // the clear lands in the middle of the saves
    operator.send('go\n');
    await Promise.all([watch.line(/^done$/, 120_000), operator.line(/^done$/, 120_000)]);
    const h = await openStateDir(dir).history('db1');
    expect(h).toEqual({ restarts: [], failovers: [], lastHost: 'kvm1' });
  }, 120_000);
});
