import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Desired } from '../../../src/model/desired.js';
import { Journal } from '../../../src/state/journal.js';
import { Controller } from '../../../src/watch/controller.js';
import { attachHostLoss } from '../../../src/watch/host-loss.js';
import { MemoryProvider } from '../../helpers/memory-provider.js';
import { desiredOf, guest, libvirtSite } from '../reconcile/builders.js';

const silent = pino({ level: 'silent' });
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function setup(desired: Desired, hosts = ['kvm1', 'kvm2', 'kvm3']) {
  const dir = await mkdtemp(path.join(tmpdir(), 'vw-ctl-'));
  const provider = new MemoryProvider('primary', hosts);
  const controller = new Controller(desired, new Map([['primary', provider]]), {
    log: silent,
    journal: new Journal(dir, 'test'),
    workers: 2,
    resyncSeconds: 3600,
    restartBackoff: { baseMs: 20, capMs: 100 },
    executor: { backoff: { baseMs: 1, capMs: 5 } },
  });
  attachHostLoss(controller, dir, silent);
  cleanup.push(async () => {
    await controller.stop(1000);
    await rm(dir, { recursive: true, force: true });
  });
  await controller.start();
  return { provider, controller, dir };
}

async function eventually(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const site = libvirtSite('primary', ['kvm1', 'kvm2', 'kvm3']);

describe('watch controller (in-memory site)', () => {
  it('brings a guest up at startup and restarts it on the same host after a crash', async () => {
    const { provider } = await setup(desiredOf({ sites: [site], guests: [guest('db1')] }));
    await eventually('db1 running on kvm1', () => provider.runningOn('db1').join() === 'kvm1');
    provider.crash('kvm1', 'db1');
    await eventually(
      'db1 restarted',
      () =>
        provider.runningOn('db1').join() === 'kvm1' &&
        provider.calls.filter((c) => c === 'start:db1@kvm1').length === 2,
    );
  });

  it('a guest that keeps crashing climbs the ladder: restarts, failover, then FAULTED and left alone', async () => {
    const g = guest('db1', {
      onFailure: { restart: { max: 2, withinSeconds: 600 }, then: 'failover' },
    });
    const { provider, controller } = await setup(desiredOf({ sites: [site], guests: [g] }));
    await eventually('db1 up', () => provider.runningOn('db1').length === 1);
    provider.crashOnStart.set('db1', 10);
    provider.crash('kvm1', 'db1');
    await eventually('failover to kvm2', () => provider.calls.includes('start:db1@kvm2'), 5000);
    await eventually(
      'FAULTED',
      () => controller.status().guests[0]?.reason.includes('FAULTED') === true,
      5000,
    );
    const starts = provider.calls.filter((c) => c.startsWith('start:')).length;
    await new Promise((r) => setTimeout(r, 300));
    expect(provider.calls.filter((c) => c.startsWith('start:')).length).toBe(starts);
    expect(provider.calls.filter((c) => c === 'start:db1@kvm1')).toHaveLength(3);
  });

  it('host loss without fencing never starts a second copy; an operator confirmation releases it', async () => {
    const { provider, controller } = await setup(
      desiredOf({ sites: [site], guests: [guest('db1')] }),
    );
    await eventually('db1 up on kvm1', () => provider.runningOn('db1').join() === 'kvm1');
    provider.loseHost('kvm1');
    await eventually(
      'waiting for fencing',
      () => controller.status().guests[0]?.reason.includes('fencing') === true,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(provider.calls).not.toContain('start:db1@kvm2');
    controller.fencedHosts = new Set(['kvm1']);
    controller.enqueueAll('fence-confirm');
    await eventually('db1 on kvm2', () => provider.runningOn('db1').join() === 'kvm2');
  });

  it('starts dependents after the guest they depend on', async () => {
    const { provider } = await setup(
      desiredOf({ sites: [site], guests: [guest('db1'), guest('app1', { dependsOn: ['db1'] })] }),
    );
    await eventually(
      'both running',
      () => provider.runningOn('db1').length === 1 && provider.runningOn('app1').length === 1,
    );
    expect(provider.calls.indexOf('start:db1@kvm1')).toBeLessThan(
      provider.calls.indexOf('start:app1@kvm1'),
    );
  });
});
