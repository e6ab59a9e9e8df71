import { describe, expect, it } from '@jest/globals';
import { GuestSignals } from '../../../src/providers/libvirt/guest-signals.js';
import type { DomainRow } from '../../../src/providers/libvirt/host-api.js';
import { toObservedGuest } from '../../../src/providers/libvirt/observe-host.js';

const row = (over: Partial<DomainRow> = {}): DomainRow => ({
  name: 'web',
  uuid: '00000000-0000-4000-8000-000000000001',
  id: 7,
  state: 'running',
  reason: 'booted',
  persistent: true,
  autostart: false,
  managedSave: false,
  ...over,
});

describe('a watchdog that fired makes a running guest FAULTED for that run only', () => {
  it('without events a running guest is ONLINE 100', () => {
    expect(toObservedGuest(row(), 'h1', new GuestSignals())).toMatchObject({
      state: 'ONLINE',
      confidence: 100,
    });
  });

  it('after the watchdog event: FAULTED 100, the evidence in its detail, fault watchdog', () => {
    const s = new GuestSignals();
    s.watchdogFired('web', 'none', Date.UTC(2026, 0, 1, 12, 0, 5));
    const g = toObservedGuest(row(), 'h1', s);
    expect(g).toMatchObject({ state: 'FAULTED', confidence: 100, fault: 'watchdog', active: true });
    expect(g.detail).toBe('running (booted), watchdog fired (action none) at 12:00:05 UTC');
    // It stays FAULTED at the next observation of the same run.
    expect(toObservedGuest(row(), 'h1', s).state).toBe('FAULTED');
  });

  // Then the guest is seen running with `after` as its domain id.
  const ends: [string, (s: GuestSignals) => DomainRow | undefined, number][] = [
    [
      'a reboot or reset event (same process, same id)',
      (s) => {
        s.runEnded('web');
        return undefined;
      },
      7,
    ],
    ['a new domain id (a restart whose events were lost)', () => row({ id: 8 }), 8],
    ['the domain seen shut off', () => row({ id: -1, state: 'shutoff', reason: 'destroyed' }), 7],
  ];
  it.each(ends)('%s ends the mark', (_what, next, after) => {
    const s = new GuestSignals();
    s.watchdogFired('web', 'none', Date.now());
    expect(toObservedGuest(row(), 'h1', s).state).toBe('FAULTED');
    const seen = next(s);
    if (seen !== undefined) toObservedGuest(seen, 'h1', s);
    expect(toObservedGuest(row({ id: after }), 'h1', s).state).toBe('ONLINE');
  });

  it('a guest already paused by its watchdog keeps libvirt’s own state and detail', () => {
    const s = new GuestSignals();
    s.watchdogFired('web', 'pause', Date.now());
    expect(toObservedGuest(row({ state: 'paused', reason: 'watchdog' }), 'h1', s)).toMatchObject({
      state: 'FAULTED',
      detail: 'paused (watchdog)',
    });
  });

  it('a panicked guest (on_crash preserve) is FAULTED, active, fault panic', () => {
    expect(toObservedGuest(row({ state: 'crashed', reason: 'panicked' }), 'h1')).toMatchObject({
      state: 'FAULTED',
      active: true,
      fault: 'panic',
      detail: 'crashed (panicked)',
    });
  });
});
