/**
 * The control loop on an in-memory site (no I/O, instant actions): the ladder, host loss and
 * fencing, dependencies, and the outcome contract — a terminal failure is not retried and the
 * guest is Stalled; FAULTED survives a restart of the controller and `clear` re-arms it; a
 * held guest is not Ready.
 */
import { guestSpecHash } from '../../../src/common/guest-spec-hash.js';
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { TerminalError } from '../../../src/common/errors.js';
import type { Desired } from '../../../src/model/desired.js';
import type { GuestHistory } from '../../../src/model/history.js';
import type { FenceRecord } from '../../../src/state/controller-state.js';
import { Journal } from '../../../src/state/journal.js';
import { Controller } from '../../../src/watch/controller.js';
import { HostLoss, type FencingStore } from '../../../src/watch/host-loss.js';
import { MemoryProvider } from '../../helpers/memory-provider.js';
import { desiredOf, guest, libvirtSite } from '../reconcile/builders.js';

const silent = pino({ level: 'silent' });
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

class MemoryFencing implements FencingStore {
  readonly records = new Map<string, FenceRecord>();
  fencing(): Promise<ReadonlyMap<string, FenceRecord>> {
    return Promise.resolve(new Map(this.records));
  }
  recordFenced(r: FenceRecord): Promise<void> {
    this.records.set(r.host, r);
    return Promise.resolve();
  }
  clearFenced(host: string): Promise<boolean> {
    return Promise.resolve(this.records.delete(host));
  }
}

interface Setup {
  histories?: Map<string, GuestHistory>;
  provider?: MemoryProvider;
}

async function setup(desired: Desired, o: Setup = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'vw-ctl-'));
  const provider = o.provider ?? new MemoryProvider('primary', ['kvm1', 'kvm2', 'kvm3']);
  const saved = new Map<string, GuestHistory | undefined>();
  const controller = new Controller(desired, new Map([['primary', provider]]), {
    log: silent,
    journal: new Journal(dir, 'test'),
    workers: 2,
    resyncSeconds: 3600,
    restartBackoff: { baseMs: 20, capMs: 100 },
    executor: { backoff: { baseMs: 1, capMs: 5 } },
    ...(o.histories ? { histories: o.histories } : {}),
    saveHistory: (g, h) => saved.set(g, h),
  });
  const fencing = new MemoryFencing();
  const hostLoss = new HostLoss(controller, { store: fencing, log: silent });
  controller.observer.listeners.push((s, at) => {
    hostLoss.observed(s, at);
  });
  cleanup.push(async () => {
    hostLoss.stop();
    await controller.stop(1000);
    await rm(dir, { recursive: true, force: true });
  });
  await controller.start();
  return { provider, controller, saved, fencing, hostLoss };
}

async function eventually(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const site = libvirtSite('primary', ['kvm1', 'kvm2', 'kvm3']);
const condition = (c: Controller, type: string) =>
  c.status().guests[0]?.conditions.find((x) => x.type === type);

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

  it('/status says when it last reconciled a guest and applied to it, and from which manifest', async () => {
    const g = guest('db1');
    const { provider, controller } = await setup(desiredOf({ sites: [site], guests: [g] }));
    await eventually('db1 running on kvm1', () => provider.runningOn('db1').join() === 'kvm1');
    await eventually(
      'status has the apply',
      () => controller.status().guests[0]?.lastAppliedAt !== undefined,
    );
    const s = controller.status().guests[0];
    expect(s?.observedHash).toBe(guestSpecHash(g));
    expect(Date.parse(s?.lastAttemptAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(s?.lastAppliedAt ?? '')).toBeLessThanOrEqual(Date.now());
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
    await eventually('FAULTED', () => condition(controller, 'Stalled')?.reason === 'Faulted', 5000);
    const starts = provider.calls.filter((c) => c.startsWith('start:')).length;
    await new Promise((r) => setTimeout(r, 300));
    expect(provider.calls.filter((c) => c.startsWith('start:')).length).toBe(starts);
    expect(provider.calls.filter((c) => c === 'start:db1@kvm1')).toHaveLength(3);
  });

  it('host loss without fencing never starts a second copy; an operator confirmation releases it', async () => {
    const { provider, controller, fencing, hostLoss } = await setup(
      desiredOf({ sites: [site], guests: [guest('db1')] }),
    );
    await eventually('db1 up on kvm1', () => provider.runningOn('db1').join() === 'kvm1');
    provider.loseHost('kvm1');
    await eventually(
      'waiting for fencing',
      () => condition(controller, 'Ready')?.reason === 'WaitingForFencing',
    );
    expect(controller.status().guests[0]).toMatchObject({ state: 'UNKNOWN', converged: false });
    await new Promise((r) => setTimeout(r, 200));
    expect(provider.calls).not.toContain('start:db1@kvm2');
    await fencing.recordFenced({
      host: 'kvm1',
      by: 'operator',
      confirmedAt: new Date().toISOString(),
    });
    await hostLoss.reload();
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

describe('the outcome contract', () => {
  it('a terminal failure is not retried: the guest is Stalled with its reason', async () => {
    const provider = new MemoryProvider('primary', ['kvm1', 'kvm2', 'kvm3']);
    provider.failActions.set('define:db1@kvm1', new TerminalError('not-owned', 'not ours'));
    const { controller } = await setup(desiredOf({ sites: [site], guests: [guest('db1')] }), {
      provider,
    });
    await eventually('Stalled', () => condition(controller, 'Stalled')?.status === true);
    expect(condition(controller, 'Stalled')).toMatchObject({ reason: 'TerminalError' });
    expect(condition(controller, 'Stalled')?.message).toContain('not-owned');
    expect(condition(controller, 'Ready')).toMatchObject({
      status: false,
      reason: 'TerminalError',
    });
    const tries = provider.calls.filter((c) => c === 'define:db1@kvm1').length;
    await controller.resync('resync');
    await new Promise((r) => setTimeout(r, 400));
    expect(provider.calls.filter((c) => c === 'define:db1@kvm1').length).toBe(tries);
    // Its inputs change (a manifest edit, `virtwarden clear`): it is tried again.
    provider.failActions.delete('define:db1@kvm1');
    controller.inputsChanged('db1');
    controller.enqueue('db1', 'manifest');
    await eventually('Ready', () => condition(controller, 'Ready')?.status === true);
  });

  it('FAULTED survives a restart of the controller, and clear re-arms the guest', async () => {
    const g = guest('db1', {
      onFailure: { restart: { max: 0, withinSeconds: 600 }, then: 'fault' },
    });
    const first = await setup(desiredOf({ sites: [site], guests: [g] }));
    await eventually('up', () => first.provider.runningOn('db1').length === 1);
    first.provider.crash('kvm1', 'db1');
    await eventually('FAULTED', () => condition(first.controller, 'Stalled')?.reason === 'Faulted');
    const remembered = first.saved.get('db1');
    expect(remembered?.faultedAt).toBeDefined();
    await first.controller.stop(1000);

    // A new controller (a restarted `watch`) with the same durable history and the same site.
    const second = await setup(desiredOf({ sites: [site], guests: [g] }), {
      provider: first.provider,
      histories: new Map([['db1', remembered ?? { restarts: [], failovers: [] }]]),
    });
    await eventually(
      'held FAULTED',
      () => condition(second.controller, 'Stalled')?.reason === 'Faulted',
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(first.provider.runningOn('db1')).toEqual([]);
    second.controller.history.clear('db1');
    second.controller.inputsChanged('db1');
    second.controller.enqueue('db1', 'clear');
    await eventually('restarted', () => first.provider.runningOn('db1').length === 1);
  });
});
