/**
 * The re-check before each action of `apply` (issue 12): through a provider that can look up
 * one domain (`observeGuest`), it reads only that guest on every host of its site — never the
 * whole site per action (that made `apply` O(N²)) — and it is still fresh: a copy an operator
 * started elsewhere after the plan was made stops the start.
 */
import { describe, expect, it } from '@jest/globals';
import { guestUuid } from '../../../src/common/guest-identity.js';
import type { ObservedSite } from '../../../src/model/observed.js';
import { diff } from '../../../src/reconcile/diff.js';
import { DEFAULT_EXECUTOR_OPTIONS, execute } from '../../../src/reconcile/executor.js';
import { observeSites } from '../../../src/reconcile/observe.js';
import { defaultPolicy } from '../../../src/reconcile/policy.js';
import { executionDeps } from '../../../src/reconcile/session.js';
import { MemoryProvider } from '../../helpers/memory-provider.js';
import { desiredOf, guest, libvirtSite } from './builders.js';

class LookupProvider extends MemoryProvider {
  siteLists = 0;
  lookups = 0;
  override observe(): Promise<ObservedSite> {
    this.siteLists++;
    return super.observe();
  }
  async observeGuest(domainName: string): Promise<ObservedSite> {
    this.lookups++;
    const all = await super.observe();
    return { ...all, guests: all.guests.filter((g) => g.domainName === domainName) };
  }
}

const HOSTS = ['kvm1', 'kvm2', 'kvm3'];
const fast = { ...DEFAULT_EXECUTOR_OPTIONS, backoff: { baseMs: 1, capMs: 2 }, maxAttempts: 1 };

describe('apply: the re-check before each action', () => {
  it('reads one guest per check, never the whole site again', async () => {
    const guests = Array.from({ length: 50 }, (_, i) =>
      guest(`g${String(i)}`, { hosts: [HOSTS[i % 3] ?? 'kvm1', HOSTS[(i + 1) % 3] ?? 'kvm2'] }),
    );
    const desired = desiredOf({ sites: [libvirtSite('primary', HOSTS)], guests });
    const p = new LookupProvider('primary', HOSTS);
    const providers = new Map([['primary', p]]);
    const policy = defaultPolicy(Date.now());
    const plan = diff(desired, await observeSites(desired, [p]), policy);
    p.siteLists = 0;
    const report = await execute(plan.actions, executionDeps(desired, providers, policy), {}, fast);
    expect(report.results.every((r) => r.status === 'done')).toBe(true);
    expect(plan.actions.length).toBe(150); // define on two hosts and start, for each guest
    expect(p.lookups).toBe(150);
    expect(p.siteLists).toBe(0);
  });

  it('still sees a copy an operator started on another host after the plan: no second start', async () => {
    const g = guest('db1', { hosts: ['kvm1', 'kvm2'] });
    const desired = desiredOf({ sites: [libvirtSite('primary', HOSTS)], guests: [g] });
    const p = new LookupProvider('primary', HOSTS);
    const policy = defaultPolicy(Date.now());
    const plan = diff(desired, await observeSites(desired, [p]), policy);
    // After the plan, before the apply: `virsh start` of a copy on kvm3 (outside the placement).
    p.hosts.get('kvm3')?.domains.set('db1', {
      name: 'db1',
      uuid: guestUuid(g),
      state: 'running',
      reason: 'booted',
      persistent: true,
      autostart: false,
      runId: 99,
    });
    const report = await execute(
      plan.actions,
      executionDeps(desired, new Map([['primary', p]]), policy),
      {},
      fast,
    );
    const start = report.results.find((r) => r.id.startsWith('start:'));
    expect(start).toMatchObject({ status: 'blocked' });
    expect(start?.message).toMatch(/running on kvm3/);
    expect(p.hosts.get('kvm1')?.domains.get('db1')?.state).not.toBe('running');
  });
});
