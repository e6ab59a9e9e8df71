import { describe, expect, it } from '@jest/globals';
import { isMigrating, mapDomainState } from '../../../src/providers/libvirt/state-map.js';

describe('libvirt state and reason → guest state', () => {
  const cases: [string, string, boolean, string, boolean][] = [
    // state, reason, managedSave → guest state, active
    ['running', 'booted', false, 'ONLINE', true],
    ['running', 'migrated', false, 'ONLINE', true],
    ['running', 'unpaused', false, 'ONLINE', true],
    ['paused', 'ioerror', false, 'FAULTED', true],
    ['paused', 'io_error', false, 'FAULTED', true],
    ['paused', 'watchdog', false, 'FAULTED', true],
    ['paused', 'user', false, 'INTENTIONAL_OFFLINE', true],
    ['paused', 'migration', false, 'INTENTIONAL_OFFLINE', true],
    ['paused', 'save', false, 'INTENTIONAL_OFFLINE', true],
    ['paused', 'starting_up', false, 'ONLINE', true],
    ['shutdown', 'user', false, 'ONLINE', true],
    ['shutoff', 'destroyed', false, 'OFFLINE', false],
    ['shutoff', 'shutdown', false, 'OFFLINE', false],
    ['shutoff', 'crashed', false, 'FAULTED', false],
    ['shutoff', 'failed', false, 'FAULTED', false],
    ['shutoff', 'saved', false, 'INTENTIONAL_OFFLINE', false],
    ['shutoff', 'unknown', true, 'INTENTIONAL_OFFLINE', false],
    ['shutoff', 'migrated', false, 'OFFLINE', false],
    ['crashed', 'panicked', false, 'FAULTED', true],
    ['pmsuspended', 'unknown', false, 'INTENTIONAL_OFFLINE', true],
    ['nostate', 'unknown', false, 'UNKNOWN', true],
  ];
  it.each(cases)('%s (%s) managedSave=%s → %s', (state, reason, saved, expected, active) => {
    const mapped = mapDomainState(state, reason, saved);
    expect(mapped.state).toBe(expected);
    expect(mapped.active).toBe(active);
  });

  it('an I/O-error pause is FAULTED even though the process runs (the failure the old agents missed)', () => {
    expect(mapDomainState('paused', 'ioerror', false)).toEqual({
      state: 'FAULTED',
      confidence: 100,
      active: true,
    });
  });
});

describe('isMigrating', () => {
  it('marks both ends of a live migration in flight, and nothing else', () => {
    expect(isMigrating('paused', 'migration')).toBe(true);
    expect(isMigrating('paused', 'postcopy')).toBe(true);
    expect(isMigrating('running', 'postcopy')).toBe(true);
    expect(isMigrating('running', 'migrated')).toBe(false);
    expect(isMigrating('paused', 'user')).toBe(false);
    expect(isMigrating('running', 'booted')).toBe(false);
  });
});
