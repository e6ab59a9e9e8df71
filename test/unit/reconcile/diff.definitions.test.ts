import { describe, expect, it } from '@jest/globals';
import { diff } from '../../../src/reconcile/diff.js';
import {
  UP3,
  definedEverywhere,
  desiredOf,
  guest,
  observedOf,
  policy,
  running,
  shutoff,
} from './builders.js';
import { depsOf, holdsOf, ids } from './summary.js';

const db = guest('db1');

describe('diff: definitions and ownership', () => {
  it('a changed definition file redefines the guest on every host', () => {
    const old = guest('db1', {
      xml: '<domain type="test"><name>db1</name><memory>1</memory></domain>',
    });
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [shutoff(db, 'kvm1', { owned: old }), shutoff(db, 'kvm2', { owned: old })],
        },
      }),
      policy(),
    );
    expect(ids(plan)).toEqual(['define:db1@kvm1', 'define:db1@kvm2', 'start:db1@kvm1']);
    expect(plan.actions[0]?.reason).toBe('definition-changed');
  });

  it('a running guest with a changed definition is redefined but only restarted with --allow-restart', () => {
    const old = guest('db1', {
      xml: '<domain type="test"><name>db1</name><memory>1</memory></domain>',
    });
    const observed = observedOf({
      primary: {
        hosts: UP3,
        guests: [
          running(db, 'kvm1', { owned: old, live: 'sha256:old' }),
          shutoff(db, 'kvm2', { owned: old }),
        ],
      },
    });
    const plan = diff(desiredOf({ guests: [db] }), observed, policy());
    expect(ids(plan)).toEqual(['define:db1@kvm1', 'define:db1@kvm2']);
    expect(holdsOf(plan)).toEqual(['db1:restart-needed']);

    const allowed = diff(desiredOf({ guests: [db] }), observed, policy({ allowRestart: true }));
    expect(ids(allowed)).toEqual([
      'define:db1@kvm1',
      'define:db1@kvm2',
      'start:db1@kvm1',
      'stop:db1@kvm1',
    ]);
    expect(depsOf(allowed, 'start:db1@kvm1')).toEqual(['define:db1@kvm1', 'stop:db1@kvm1']);
    expect(allowed.actions.find((a) => a.kind === 'stop')?.force).toBe(false);
  });

  it('adopts a domain defined by hand with the same UUID (redefines it with ownership)', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [running(db, 'kvm1', { owned: false }), shutoff(db, 'kvm2')],
        },
      }),
      policy(),
    );
    expect(ids(plan)).toEqual(['define:db1@kvm1']);
    expect(plan.actions[0]?.why).toContain('adopted');
  });

  it('turns host autostart off: virtwarden decides where guests start', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [running(db, 'kvm1', { autostart: true }), shutoff(db, 'kvm2')],
        },
      }),
      policy(),
    );
    expect(ids(plan)).toEqual(['disable-autostart:db1@kvm1']);
  });

  it('removes its own stale definition from a host that left the placement', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: { hosts: UP3, guests: [...definedEverywhere(db, 'kvm1'), shutoff(db, 'kvm3')] },
      }),
      policy(),
    );
    expect(ids(plan)).toEqual(['undefine:db1@kvm3']);
  });

  it('leaves a foreign same-named definition outside the placement alone', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [...definedEverywhere(db, 'kvm1'), shutoff(db, 'kvm3', { owned: false })],
        },
      }),
      policy(),
    );
    expect(plan.actions).toEqual([]);
  });

  it('does not define on an unreachable host (it is defined when the host returns)', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: { hosts: { ...UP3, kvm2: 'unreachable' }, guests: [running(db, 'kvm1')] },
      }),
      policy(),
    );
    expect(plan.actions).toEqual([]);
  });
});

describe('diff: stopped and absent', () => {
  it('state: stopped stops a running guest gracefully, on every host it runs on', () => {
    const g = guest('db1', { state: 'stopped' });
    const plan = diff(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: definedEverywhere(g, 'kvm2') } }),
      policy(),
    );
    expect(ids(plan)).toEqual(['stop:db1@kvm2']);
    expect(plan.actions[0]?.force).toBe(false);
    expect(plan.actions[0]?.reason).toBe('desired-stopped');
  });

  it('state: stopped on a stopped guest does nothing', () => {
    const g = guest('db1', { state: 'stopped' });
    const plan = diff(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: definedEverywhere(g) } }),
      policy(),
    );
    expect(plan.actions).toEqual([]);
  });

  it('state: absent stops and undefines what virtwarden owns', () => {
    const g = guest('db1', { state: 'absent' });
    const plan = diff(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: definedEverywhere(g, 'kvm1') } }),
      policy(),
    );
    expect(ids(plan)).toEqual(['stop:db1@kvm1', 'undefine:db1@kvm1', 'undefine:db1@kvm2']);
    expect(depsOf(plan, 'undefine:db1@kvm1')).toEqual(['stop:db1@kvm1']);
  });

  it('state: absent never removes a domain virtwarden does not own', () => {
    const g = guest('db1', { state: 'absent' });
    const plan = diff(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: [shutoff(g, 'kvm1', { owned: false })] } }),
      policy(),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:conflict']);
  });
});
