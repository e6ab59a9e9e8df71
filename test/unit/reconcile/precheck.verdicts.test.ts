/**
 * The last look before each kind of action: what it runs, skips or refuses against a fresh
 * observation, and the reason the operator reads (found by `npm run mutation`: the verdicts
 * for stop, migrate, undefine, autostart and storage actions had no test).
 */
import { describe, expect, it } from '@jest/globals';
import type { Action } from '../../../src/model/plan.js';
import { precheck, type Verdict } from '../../../src/reconcile/precheck.js';
import {
  UP3,
  desiredOf,
  guest,
  libvirtSite,
  observedOf,
  ovirtSite,
  running,
  shutoff,
} from './builders.js';

const db = guest('db1');
const desired = desiredOf({ guests: [db] });
const none = { fencedHosts: new Set<string>() };
const action = (a: Partial<Action>): Action => ({
  id: 'x',
  kind: 'start',
  guest: 'db1',
  address: 'guest/db1',
  site: 'primary',
  host: 'kvm2',
  reason: 'failover',
  why: 'test',
  dependsOn: [],
  ...a,
});
const seen = (...guests: ReturnType<typeof running>[]) =>
  observedOf({ primary: { hosts: UP3, guests } });
const check = (a: Partial<Action>, fresh = seen(), d = desired, ctx = none): Verdict =>
  precheck(action(a), d, fresh, ctx);

describe('precheck: start', () => {
  it('refuses, for good, an action on a guest no longer in the manifests', () => {
    expect(check({ guest: 'gone' })).toEqual({
      verdict: 'refuse',
      why: "guest 'gone' is no longer in the manifests",
      errorClass: 'terminal',
    });
  });

  it('names the hosts it now runs on when it refuses a second start', () => {
    expect(check({}, seen(running(db, 'kvm1')))).toEqual({
      verdict: 'refuse',
      why: 'now running on kvm1: not started a second time',
      errorClass: 'waiting',
    });
  });

  it('names the unreachable host it may run on', () => {
    const fresh = observedOf({ primary: { hosts: { ...UP3, kvm1: 'unreachable' } } });
    expect(check({}, fresh)).toEqual({
      verdict: 'refuse',
      why: 'may be running on kvm1 (unreachable, not fenced)',
      errorClass: 'waiting',
    });
  });

  it('refuses, as transient, a start on a host that is down', () => {
    const fresh = observedOf({ primary: { hosts: { ...UP3, kvm2: 'down' } } });
    expect(check({}, fresh, desired, { fencedHosts: new Set(['kvm2']) })).toEqual({
      verdict: 'refuse',
      why: 'kvm2 is not up',
      errorClass: 'transient',
    });
  });

  it('refuses, for good, a start or a migration onto a drained host, and nothing else', () => {
    const ctx = { fencedHosts: new Set<string>(), drainedHosts: new Set(['kvm2']) };
    const drained = {
      verdict: 'refuse',
      why: 'kvm2 is drained for maintenance: nothing new starts there',
      errorClass: 'terminal',
    };
    expect(check({}, seen(), desired, ctx)).toEqual(drained);
    const migrate = { kind: 'migrate', host: 'kvm1', toHost: 'kvm2', live: true } as const;
    expect(check(migrate, seen(running(db, 'kvm1')), desired, ctx)).toEqual(drained);
    // Leaving a drained host, or stopping there, is what a drain is for.
    expect(check({ kind: 'stop' }, seen(running(db, 'kvm2')), desired, ctx).verdict).toBe('run');
    const away = { kind: 'migrate', host: 'kvm2', toHost: 'kvm1', live: true } as const;
    expect(check(away, seen(running(db, 'kvm2')), desired, ctx).verdict).toBe('run');
    expect(check({ kind: 'define' }, seen(), desired, ctx).verdict).toBe('run');
  });

  it('Site maintenance drains a host as `virtwarden drain` does', () => {
    const site = libvirtSite('primary', ['kvm1', 'kvm2', 'kvm3']);
    if (site.provider.kind !== 'libvirt') throw new Error('libvirt site expected');
    const hosts = site.provider.hosts.map((h) => ({ ...h, maintenance: h.name === 'kvm2' }));
    const d = desiredOf({
      sites: [{ ...site, provider: { ...site.provider, hosts } }],
      guests: [db],
    });
    expect(check({}, seen(), d)).toMatchObject({ verdict: 'refuse', errorClass: 'terminal' });
    expect(check({ host: 'kvm3' }, seen(), d).verdict).toBe('run');
  });

  it('the refusal during a live migration names each end and what it is doing', () => {
    const incoming = running(db, 'kvm3', { detail: 'paused (migration)', migrating: true });
    const v = check({ kind: 'define' }, seen(running(db, 'kvm1'), incoming));
    expect(v).toEqual({
      verdict: 'refuse',
      why: 'a live migration is in flight (kvm1: running (booted), kvm3: paused (migration))',
      errorClass: 'waiting',
    });
  });
});

describe('precheck: engine guests (the engine places the VM)', () => {
  const vm = guest('vm1', { site: 'rhev', hosts: [], autoStart: [] });
  const d = desiredOf({ sites: [ovirtSite('rhev')], guests: [vm] });
  const onEngine = (active: boolean) =>
    observedOf({
      rhev: {
        kind: 'ovirt',
        hosts: { rhevh1: 'up' },
        guests: [{ ...(active ? running(vm, 'rhevh1') : shutoff(vm, 'rhevh1')) }],
      },
    });
  const engineAction = (a: Partial<Action>): Partial<Action> => ({
    guest: 'vm1',
    site: 'rhev',
    ...a,
  });

  it('a start is done once the VM runs on any host; a stop once it runs on none', () => {
    // The engine picks the host: its start names none.
    const { host: _h, ...start } = action(engineAction({ kind: 'start' }));
    expect(precheck(start, d, onEngine(true), none)).toEqual({
      verdict: 'skip',
      why: 'already running',
    });
    expect(precheck(start, d, onEngine(false), none).verdict).toBe('run');
    const stop = engineAction({ kind: 'stop', host: 'elsewhere' });
    expect(check(stop, onEngine(true), d).verdict).toBe('run');
    expect(check(stop, onEngine(false), d)).toEqual({ verdict: 'skip', why: 'already stopped' });
  });

  it('a migration the engine runs is checked against where it is going, not where it was', () => {
    const m = engineAction({ kind: 'migrate', host: 'elsewhere', toHost: 'rhevh2', live: true });
    const fresh = observedOf({
      rhev: {
        kind: 'ovirt',
        hosts: { rhevh1: 'up', rhevh2: 'up' },
        guests: [running(vm, 'rhevh1')],
      },
    });
    expect(check(m, fresh, d).verdict).toBe('run');
  });
});

describe('precheck: stop, migrate, relocate', () => {
  it('stops only a copy that runs on that host', () => {
    expect(check({ kind: 'stop' }, seen(running(db, 'kvm2'))).verdict).toBe('run');
    expect(check({ kind: 'stop' }, seen(running(db, 'kvm1')))).toEqual({
      verdict: 'skip',
      why: 'not running on kvm2',
    });
  });

  const move = (kind: 'migrate' | 'relocate', live?: boolean): Partial<Action> => ({
    kind,
    host: 'kvm1',
    toHost: 'kvm3',
    ...(live !== undefined ? { live } : {}),
  });

  it('a move already done is skipped', () => {
    expect(check(move('migrate', true), seen(running(db, 'kvm3')))).toEqual({
      verdict: 'skip',
      why: 'already running on kvm3',
    });
  });

  it('a live migration of a guest that left its source is refused; a relocation just starts it', () => {
    expect(check(move('migrate', true), seen(shutoff(db, 'kvm1')))).toEqual({
      verdict: 'refuse',
      why: 'no longer running on kvm1',
      errorClass: 'waiting',
    });
    expect(check(move('relocate'), seen(shutoff(db, 'kvm1'))).verdict).toBe('run');
    expect(check(move('migrate', false), seen(shutoff(db, 'kvm1'))).verdict).toBe('run');
  });

  it('a move runs from where it runs, unless the target host is down', () => {
    expect(check(move('migrate', true), seen(running(db, 'kvm1'))).verdict).toBe('run');
    expect(check(move('relocate'), seen(running(db, 'kvm1'))).verdict).toBe('run');
    const down = observedOf({
      primary: { hosts: { ...UP3, kvm3: 'down' }, guests: [running(db, 'kvm1')] },
    });
    expect(check(move('migrate', true), down, desired, { fencedHosts: new Set(['kvm3']) })).toEqual(
      { verdict: 'refuse', why: 'kvm3 is not up', errorClass: 'transient' },
    );
  });
});

describe('precheck: definitions and storage', () => {
  it('undefines only a copy that is defined and not running there', () => {
    const undefine = { kind: 'undefine', host: 'kvm2' } as const;
    expect(check(undefine, seen(running(db, 'kvm2')))).toEqual({
      verdict: 'refuse',
      why: 'still running on kvm2',
      errorClass: 'waiting',
    });
    expect(check(undefine, seen(shutoff(db, 'kvm2'))).verdict).toBe('run');
    expect(check(undefine, seen(shutoff(db, 'kvm1')))).toEqual({
      verdict: 'skip',
      why: 'already undefined',
    });
  });

  it('turns autostart off only where it is on', () => {
    const off = { kind: 'disable-autostart', host: 'kvm2' } as const;
    expect(check(off, seen(shutoff(db, 'kvm2', { autostart: true }))).verdict).toBe('run');
    const skipped = { verdict: 'skip', why: 'autostart already off' };
    expect(check(off, seen(shutoff(db, 'kvm2')))).toEqual(skipped);
    expect(check(off, seen(shutoff(db, 'kvm1', { autostart: true }), shutoff(db, 'kvm2')))).toEqual(
      skipped,
    );
  });

  it.each([
    'define',
    'create-volume',
    'attach-disk',
    'detach-disk',
    'update-disk',
    'delete-volume',
  ] as const)('%s runs while its host is up, and waits while it is down', (kind) => {
    expect(check({ kind })).toEqual({ verdict: 'run' });
    const down = observedOf({ primary: { hosts: { ...UP3, kvm2: 'down' } } });
    expect(check({ kind }, down, desired, { fencedHosts: new Set(['kvm2']) })).toEqual({
      verdict: 'refuse',
      why: 'kvm2 is not up',
      errorClass: 'transient',
    });
  });
});
