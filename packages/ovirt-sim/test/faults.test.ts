import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { OvirtSim } from '../src/index.js';
import { action, call, getXml, ids, startTestSim, text, watchVm } from './helpers.js';

let sim: OvirtSim;
beforeEach(async () => {
  sim = await startTestSim({ timing: { stepMs: 40, commandMs: 0 } });
});
afterEach(async () => {
  await sim.stop();
});

async function failure(promise: Promise<unknown>): Promise<{ code?: string; name?: string }> {
  return promise.then(
    () => ({ name: 'no error' }),
    (err: unknown) => err as { code?: string; name?: string },
  );
}

describe('fault injection', () => {
  it('adds latency', async () => {
    sim.faults.latency('vms', 400);
    const started = Date.now();
    expect((await call(sim, 'GET', 'vms')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    // Other paths are not delayed.
    const fast = Date.now();
    await call(sim, 'GET', 'hosts');
    expect(Date.now() - fast).toBeLessThan(300);
  });

  it('answers 5xx once, N times, or with a probability (seeded, so replayable)', async () => {
    sim.faults.error('vms', 503, { times: 1 });
    const first = await call(sim, 'GET', 'vms');
    expect(first.status).toBe(503);
    expect(first.body).toBe(
      '<html><head><title>Error</title></head><body>Service Unavailable</body></html>',
    );
    expect((await call(sim, 'GET', 'vms')).status).toBe(200);

    sim.faults.error('hosts', 502, { times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await call(sim, 'GET', 'hosts')).status);
    expect(statuses).toEqual([502, 502, 200]);

    const run = async (): Promise<number[]> => {
      sim.faults.clear();
      sim.faults.seed(42);
      sim.faults.error('clusters', 500, { probability: 0.5 });
      const seen = [];
      for (let i = 0; i < 16; i += 1) seen.push((await call(sim, 'GET', 'clusters')).status);
      return seen;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.filter((s) => s === 500).length).toBeGreaterThan(0);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(0);
  });

  it('drops the connection, or never answers', async () => {
    sim.faults.drop('vms', { times: 1 });
    const dropped = await failure(call(sim, 'GET', 'vms'));
    expect(dropped.code).toBe('ECONNRESET');
    sim.faults.hang('hosts', { times: 1 });
    const hung = await failure(call(sim, 'GET', 'hosts', { timeoutMs: 300 }));
    expect(hung.name).toBe('TimeoutError');
    expect(sim.requests.list().map((r) => r.outcome)).toEqual(['dropped', 'hung']);
  });

  it('loses the response of an applied action: the VM starts although the client saw an error', async () => {
    const vmId = ids(sim).vm('finance-app');
    sim.faults.loseResponse('vms/*/start', { method: 'POST', times: 1 });
    const lost = await failure(action(sim, `vms/${vmId}/start`));
    expect(lost.code).toBe('ECONNRESET');
    expect(sim.requests.list({ method: 'POST' })[0]?.outcome).toBe('response-lost');
    await watchVm(sim, vmId, 'up');
    // The blind retry of a non-idempotent action now fails.
    const retry = await action(sim, `vms/${vmId}/start`);
    expect(retry.status).toBe(409);
    expect(text(retry.action, 'fault.detail')).toBe(
      '[Cannot run VM because the VM is in Up status.]',
    );
  });

  it('keeps a VM in wait_for_launch; stop still works', async () => {
    const vmId = ids(sim).vm('finance-app');
    sim.faults.stuckInWaitForLaunch('finance-app');
    expect((await action(sim, `vms/${vmId}/start`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(text((await getXml(sim, `vms/${vmId}`)).vm, 'status')).toBe('wait_for_launch');
    expect((await action(sim, `vms/${vmId}/stop`)).status).toBe(200);
    await watchVm(sim, vmId, 'down');
  });

  it('matches by method and by ** globs', async () => {
    sim.faults.error('**/diskattachments', 500, { method: 'GET' });
    const vmId = ids(sim).vm('finance-db');
    expect((await call(sim, 'GET', `vms/${vmId}/diskattachments`)).status).toBe(500);
    expect((await call(sim, 'GET', `vms/${vmId}/nics`)).status).toBe(200);
  });
});

describe('request log', () => {
  it('counts requests per method and path, after a sequence mark', async () => {
    await call(sim, 'GET', 'vms');
    const mark = sim.requests.lastSeq;
    await call(sim, 'GET', 'vms');
    await call(sim, 'GET', `vms/${ids(sim).vm('finance-db')}`);
    await action(sim, `vms/${ids(sim).vm('finance-app')}/start`);
    expect(sim.requests.count({ afterSeq: mark })).toBe(3);
    expect(sim.requests.count({ afterSeq: mark, method: 'GET', path: 'vms/*' })).toBe(1);
    expect(sim.requests.count({ method: 'GET', path: 'vms' })).toBe(2);
    expect(sim.requests.count({ method: 'POST' })).toBe(1);
    const post = sim.requests.list({ method: 'POST' })[0];
    expect(post?.user).toBe('admin@internal');
    expect(post?.status).toBe(200);
    expect(JSON.stringify(sim.requests.list())).not.toContain('secret');
  });
});

describe('admin endpoint (loopback)', () => {
  it('adds and clears faults, kills VMs, loses hosts and shows the state', async () => {
    const added = await call(sim, 'POST', '/__sim/faults', {
      auth: 'none',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'status', path: 'vms', status: 503, times: 1 }),
    });
    expect(added.status).toBe(201);
    expect((await call(sim, 'GET', 'vms')).status).toBe(503);
    const bad = await call(sim, 'POST', '/__sim/faults', {
      auth: 'none',
      body: JSON.stringify({ kind: 'nope', path: 'vms' }),
    });
    expect(bad.status).toBe(400);
    expect((await call(sim, 'POST', '/__sim/vms/finance-db/kill', { auth: 'none' })).status).toBe(
      200,
    );
    expect(sim.state.vmByName('finance-db')?.status).toBe('down');
    expect(
      (await call(sim, 'POST', '/__sim/hosts/sec-host-1/non-responsive', { auth: 'none' })).status,
    ).toBe(200);
    const state = JSON.parse((await call(sim, 'GET', '/__sim/state', { auth: 'none' })).body) as {
      hosts: { name: string; status: string }[];
    };
    expect(state.hosts.find((h) => h.name === 'sec-host-1')?.status).toBe('non_responsive');
    expect((await call(sim, 'POST', '/__sim/vms/nobody/kill', { auth: 'none' })).status).toBe(400);
    expect((await call(sim, 'DELETE', '/__sim/faults', { auth: 'none' })).status).toBe(200);
  });
});
