/**
 * How the fault suite judges a fence call: against what the host was really doing then.
 * (Grace 10 s, as the fault fleet's site sets it.)
 */
import { describe, expect, it } from '@jest/globals';
import { judgeFence } from './fence-judge.js';
import type { FenceCall } from './power-desk.js';
import type { Episode, HostState } from './host-board.js';

const T = 1_000_000;
function call(state: HostState, episode?: Partial<Episode>, at = T): FenceCall {
  return {
    at,
    host: 'h1',
    state,
    episode:
      episode === undefined
        ? undefined
        : {
            host: 'h1',
            kind: 'freeze' as const,
            from: T - 1000,
            guestsRunning: 2,
            by: 'nemesis' as const,
            ...episode,
          },
  };
}
const kind = (c: FenceCall): string | undefined => judgeFence(c, 10)?.kind;

describe('judging a fence call', () => {
  it('never blames the fence of a host that is off', () => {
    expect(kind(call('off', { kind: 'off', from: T - 100 }))).toBeUndefined();
  });

  it('a fence during a libvirtd restart while guests run is a breach', () => {
    expect(kind(call('daemon-down', { kind: 'daemon-restart', from: T - 100 }))).toBe(
      'fenced-restarted-host',
    );
    expect(
      kind(call('daemon-down', { kind: 'daemon-restart', from: T - 100, guestsRunning: 0 })),
    ).toBe('fenced-before-grace');
  });

  it('…and so is one shortly after the restart, unless the restart outlasted the grace', () => {
    const ended = { kind: 'daemon-restart' as const, from: T - 5000, to: T - 2000 };
    expect(kind(call('up', ended))).toBe('fenced-restarted-host');
    expect(kind(call('daemon-down', { kind: 'daemon-restart', from: T - 12_000 }))).toBeUndefined();
  });

  it('a frozen host may be fenced only after the grace', () => {
    expect(kind(call('frozen', { from: T - 3000 }))).toBe('fenced-before-grace');
    expect(kind(call('frozen', { from: T - 9500 }))).toBeUndefined(); // 1 s slack
    expect(kind(call('frozen', { from: T - 14_000 }))).toBeUndefined();
  });

  it('a freeze right after a restart the host was back from for under a second is one outage', () => {
    const freeze = call('frozen', { from: T - 5500 });
    expect(kind(freeze)).toBe('fenced-before-grace');
    expect(kind({ ...freeze, outageFrom: T - 10_300 })).toBeUndefined();
    expect(kind({ ...freeze, outageFrom: T - 8000 })).toBe('fenced-before-grace');
  });

  it('a host that answers: a race right after a long loss is fine, anything else is a breach', () => {
    expect(kind(call('up', { from: T - 14_000, to: T - 1000 }))).toBeUndefined();
    expect(kind(call('up', { from: T - 9700, to: T - 1000 }))).toBe('fenced-before-grace');
    expect(kind(call('up', { from: T - 60_000, to: T - 20_000 }))).toBe('fenced-healthy-host');
    expect(kind(call('up'))).toBe('fenced-healthy-host');
  });
});
