/**
 * Ordering between guests at the edges: a guest in maintenance or mid-migration still counts as
 * running for its dependents, a moving guest is not held back by a dependency, `--target`
 * planning copes with neighbours whose own neighbours are not planned, and a dependency cycle
 * (rejected by validation) never loops (found by `npm run mutation`).
 */
import { describe, expect, it } from '@jest/globals';
import { diff } from '../../../src/reconcile/diff.js';
import { UP3, desiredOf, guest, observedOf, policy, running, shutoff } from './builders.js';
import type { Plan } from '../../../src/model/plan.js';
import { holdsOf, ids as allIds } from './summary.js';

/** What the plan does, leaving out the definitions it copies to the other placement hosts. */
const ids = (plan: Plan): string[] => allIds(plan).filter((id) => !id.startsWith('define:'));

const db = guest('db1');
const app = guest('app1', { dependsOn: ['db1'] });

describe('diff: dependencies at the edges', () => {
  it('a dependency in maintenance counts as running only while it runs', () => {
    const maint = { ...db, maintenance: true };
    const d = desiredOf({ guests: [maint, app] });
    const up = diff(
      d,
      observedOf({ primary: { hosts: UP3, guests: [running(db, 'kvm1'), shutoff(app, 'kvm1')] } }),
      policy(),
    );
    expect(ids(up)).toEqual(['start:app1@kvm1']);
    expect(up.holds).toEqual([
      {
        guest: 'db1',
        reason: 'maintenance',
        message: 'maintenance: observed only, never acted on',
      },
    ]);
    const down = diff(
      d,
      observedOf({ primary: { hosts: UP3, guests: [shutoff(db, 'kvm1'), shutoff(app, 'kvm1')] } }),
      policy(),
    );
    expect(ids(down)).toEqual([]);
    expect(holdsOf(down)).toEqual(['app1:waiting-for-dependency', 'db1:maintenance']);
  });

  it('a dependency mid-migration counts as running; the hold names the source and each end', () => {
    const incoming = running(db, 'kvm2', {
      state: 'INTENTIONAL_OFFLINE',
      detail: 'paused (migration)',
      migrating: true,
      persistent: false,
    });
    const source = running(db, 'kvm1', { migrating: true });
    const plan = diff(
      desiredOf({ guests: [db, app] }),
      observedOf({ primary: { hosts: UP3, guests: [incoming, source, shutoff(app, 'kvm1')] } }),
      policy(),
    );
    expect(ids(plan)).toEqual(['start:app1@kvm1']);
    const hold = plan.holds.find((h) => h.guest === 'db1');
    expect(hold).toMatchObject({ reason: 'migrating', host: 'kvm2' });
    expect(hold?.message).toBe(
      'a live migration is in flight: kvm2 (paused (migration)), kvm1 (running (booted)); left alone until it ends',
    );
  });

  it('the hold names the end that is not migrating', () => {
    const incoming = running(db, 'kvm2', { detail: 'paused (migration)', migrating: true });
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: [incoming, running(db, 'kvm1')] } }),
      policy(),
    );
    expect(plan.holds[0]).toMatchObject({ reason: 'migrating', host: 'kvm1' });
  });

  it('a running guest leaving a drained host moves even while its dependency is stopped', () => {
    const plan = diff(
      desiredOf({ guests: [{ ...db, state: 'stopped' }, app] }),
      observedOf({ primary: { hosts: UP3, guests: [shutoff(db, 'kvm1'), running(app, 'kvm1')] } }),
      policy({ drainedHosts: new Set(['kvm1']) }),
    );
    expect(ids(plan)).toEqual(['migrate:app1@kvm1->kvm2']);
    expect(plan.holds).toEqual([]);
  });

  it('a guest with nothing to start is never held for its dependency', () => {
    const plan = diff(
      desiredOf({
        guests: [
          { ...db, state: 'stopped' },
          { ...app, state: 'stopped' },
        ],
      }),
      observedOf({ primary: { hosts: UP3, guests: [shutoff(db, 'kvm1'), shutoff(app, 'kvm1')] } }),
      policy(),
    );
    expect(ids(plan)).toEqual([]);
    expect(plan.holds).toEqual([]);
  });

  it('the wait names the dependency, and says when it is outside --target', () => {
    // db1 can run only on kvm3, which is down (and fenced): it cannot start.
    const d = desiredOf({ guests: [guest('db1', { hosts: ['kvm3'] }), app] });
    const o = observedOf({
      primary: {
        hosts: { ...UP3, kvm3: 'down' },
        guests: [shutoff(app, 'kvm1'), shutoff(app, 'kvm2')],
      },
    });
    const fencedHosts = new Set(['kvm3']);
    const message = (targets?: Set<string>): string | undefined =>
      diff(d, o, policy(targets ? { targets, fencedHosts } : { fencedHosts })).holds.find(
        (h) => h.guest === 'app1',
      )?.message;
    expect(message()).toBe("waits for 'db1' to run first");
    expect(message(new Set(['app1']))).toBe("waits for 'db1' to run first (not part of --target)");
  });

  it('--target plans a neighbour whose own neighbours are not planned', () => {
    // web1 → app1 → db1, and app1 → cache1: targeting db1 plans app1 (its user), not web1 or cache1.
    const cache = guest('cache1');
    const app2 = guest('app1', { dependsOn: ['db1', 'cache1'], state: 'stopped' });
    const web = guest('web1', { dependsOn: ['app1'] });
    const plan = diff(
      desiredOf({ guests: [db, app2, web, cache] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [
            shutoff(db, 'kvm1'),
            running(app2, 'kvm1'),
            running(web, 'kvm2'),
            shutoff(cache, 'kvm1'),
          ],
        },
      }),
      policy({ targets: new Set(['db1']) }),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm1']);
  });

  it('--target plans a user whose other dependency is not planned', () => {
    const cache = guest('cache1');
    const app2 = guest('app1', { dependsOn: ['db1', 'cache1'] });
    const plan = diff(
      desiredOf({ guests: [db, app2, cache] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [shutoff(db, 'kvm1'), shutoff(app2, 'kvm1'), shutoff(cache, 'kvm1')],
        },
      }),
      policy({ targets: new Set(['db1']) }),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm1']);
  });

  it('a dependency cycle (which validation rejects) still gives a plan', () => {
    const a = guest('a1', { dependsOn: ['b1'] });
    const b = guest('b1', { dependsOn: ['a1'] });
    const plan = diff(
      desiredOf({ guests: [a, b] }),
      observedOf({ primary: { hosts: UP3, guests: [shutoff(a, 'kvm1'), shutoff(b, 'kvm1')] } }),
      policy(),
    );
    expect(ids(plan)).toEqual(['start:a1@kvm1', 'start:b1@kvm1']);
  });
});
