/**
 * `virtwarden watch` on an oVirt site (the engine simulator): it polls the engine's event log,
 * and a VM killed in the engine is started again; faults on the engine's API end converged,
 * with one start.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startOvirtSim, type OvirtSim } from '@virtwarden/ovirt-sim';
import { caFileEntry, manifestDir, type ManifestDir } from '../helpers/manifest-dir.js';
import { WatchProcess } from '../helpers/watch-process.js';

let sim: OvirtSim;
let md: ManifestDir;
let state: string;
let watch: WatchProcess;

beforeAll(async () => {
  sim = await startOvirtSim({ timing: { stepMs: 50, commandMs: 10 } });
  md = await manifestDir({
    ...caFileEntry(sim.caFile),
    'site.yaml': `apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: rhev }\nspec:\n  ovirt:\n    url: ${sim.url}\n    user: admin@internal\n    passwordFrom: { env: RHEVM_PASSWORD }\n    caFile: ca.pem\n    cluster: RHEV-PRIM-CLUS\n    datacenter: RHEV-DC\n    pollIntervalSeconds: 1\n`,
    'guests.yaml': ['finance-db', 'finance-app', 'finance-web']
      .map(
        (n) =>
          `apiVersion: virtwarden/v1\nkind: Guest\nmetadata: { name: ${n} }\nspec: { site: rhev }\n`,
      )
      .join('---\n'),
  });
  state = await mkdtemp(path.join(tmpdir(), 'vw-state-'));
  watch = new WatchProcess(md.dir, state, ['--restart-backoff-ms', '200'], {
    RHEVM_PASSWORD: 'secret',
  });
  await watch.ready();
  await watch.waitFor(
    'all up',
    async () => (await watch.status()).every((g) => g.state === 'ONLINE'),
    60_000,
  );
}, 90_000);

afterAll(async () => {
  await watch.stop();
  await sim.stop();
  await md.remove();
  await rm(state, { recursive: true, force: true });
});

const vmStatus = async (name: string): Promise<string | undefined> =>
  (await watch.status()).find((g) => g.guest === name)?.state;

describe('watch on an oVirt site', () => {
  it('a VM killed in the engine is started again (through the engine event log)', async () => {
    const seq = sim.requests.lastSeq;
    const t0 = Date.now();
    sim.engine.killVm('finance-web');
    await watch.waitFor(
      'finance-web acted on',
      () => watch.logs.some((l) => l.msg === 'acting' && l.guest === 'finance-web'),
      30_000,
    );
    await watch.waitFor(
      'finance-web up',
      async () => (await vmStatus('finance-web')) === 'ONLINE',
      30_000,
    );
    process.stdout.write(`oVirt VM killed → up again: ${Date.now() - t0} ms\n`);
    expect(sim.requests.list({ method: 'POST', path: 'vms/*/start', afterSeq: seq })).toHaveLength(
      1,
    );
  }, 60_000);

  it('with 5xx answers and a dropped start, it still converges with one effective start', async () => {
    const seq = sim.requests.lastSeq;
    sim.faults.error('vms/*/start', 503, { times: 1 });
    sim.faults.loseResponse('vms/*/start', { times: 1 });
    const mark = watch.logs.length;
    sim.engine.killVm('finance-app');
    await watch.waitFor(
      'finance-app started',
      () =>
        watch.logs
          .slice(mark)
          .some(
            (l) =>
              (l.msg === 'start done' || l.msg === 'start skipped') && l.guest === 'finance-app',
          ),
      60_000,
    );
    const starts = sim.requests.list({ method: 'POST', path: 'vms/*/start', afterSeq: seq });
    // The 503 was not applied; the lost response was: no third start.
    expect(starts).toHaveLength(2);
    sim.faults.clear();
  }, 90_000);
});
