/**
 * The detail cache `watch` keeps between observations must never hide a change: a definition
 * edited by hand while an observation was reading it (the event arrives mid-read) has to be read
 * again, and an entry whose event was lost expires.
 */
import { describe, expect, it } from '@jest/globals';
import { DetailCache, observeWithDetails } from '../../../src/reconcile/observe.js';
import type { Desired } from '../../../src/model/desired.js';
import type { GuestDetail, ObservedGuest, ObservedSite } from '../../../src/model/observed.js';
import type { DetailRequest, Provider } from '../../../src/providers/provider.js';
import { detailKey } from '../../../src/providers/provider.js';
import { desiredOf, guest, libvirtSite } from './builders.js';

const running: ObservedGuest = {
  domainName: 'web',
  uuid: '6b3f0c52-0000-4000-8000-000000000001',
  host: 'h1',
  state: 'ONLINE',
  confidence: 100,
  detail: 'running (booted)',
  active: true,
  persistent: true,
  autostart: false,
  managedSave: false,
  runId: 7,
};

const clean: GuestDetail = { owner: { guest: 'web', definitionHash: 'h' } };
const edited: GuestDetail = {
  owner: { guest: 'web', definitionHash: 'h' },
  drift: [{ path: '/domain/memory', applied: '32768', now: '65536' }],
};

/** A site whose `details` answers what `current` says at the moment the read *started*. */
function site(): {
  provider: Provider;
  current: { detail: GuestDetail };
  reads: number[];
  hold: (during: () => void) => void;
} {
  const current = { detail: clean };
  const reads: number[] = [];
  let during: (() => void) | undefined;
  const observedSite: ObservedSite = {
    name: 's',
    kind: 'libvirt',
    reachable: true,
    hosts: new Map([['h1', { name: 'h1', site: 's', status: 'up' }]]),
    guests: [running],
  };
  const provider = {
    kind: 'libvirt',
    site: 's',
    observe: () => Promise.resolve(observedSite),
    details: async (rs: readonly DetailRequest[]) => {
      const answer = current.detail;
      reads.push(rs.length);
      // The edit (and its event) lands while this read is in flight.
      const d = during;
      during = undefined;
      d?.();
      await Promise.resolve();
      return new Map(rs.map((r) => [detailKey(r), answer]));
    },
  } as unknown as Provider;
  return {
    provider,
    current,
    reads,
    hold: (f) => {
      during = f;
    },
  };
}

function desired(): Desired {
  return desiredOf({
    sites: [libvirtSite('s', ['h1'])],
    guests: [guest('web', { hosts: ['h1'], site: 's' })],
  });
}

describe('DetailCache', () => {
  it('serves an entry for the same domain run, and forgets it on an event', () => {
    const cache = new DetailCache();
    cache.set('s', running, clean);
    expect(cache.get('s', running)).toBe(clean);
    expect(cache.get('s', { ...running, runId: 8 })).toBeUndefined();
    cache.invalidate('s', 'h1', 'web');
    expect(cache.get('s', running)).toBeUndefined();
  });

  it('refuses a detail read before an invalidation of its domain or host', () => {
    const cache = new DetailCache();
    const readStarted = cache.readStarts();
    cache.invalidate('s', 'h1', 'web');
    cache.set('s', running, clean, readStarted);
    expect(cache.get('s', running)).toBeUndefined();

    const second = cache.readStarts();
    cache.invalidate('s', 'h1');
    cache.set('s', running, clean, second);
    expect(cache.get('s', running)).toBeUndefined();

    const third = cache.readStarts();
    cache.clear();
    cache.set('s', running, clean, third);
    expect(cache.get('s', running)).toBeUndefined();

    // Another domain's event does not make this read doubtful.
    const fourth = cache.readStarts();
    cache.invalidate('s', 'h1', 'db');
    cache.set('s', running, clean, fourth);
    expect(cache.get('s', running)).toBe(clean);
  });

  it('lets an entry live only so long without an event', () => {
    let now = 1_000;
    const cache = new DetailCache({ maxAgeMs: 60_000, now: () => now });
    cache.set('s', running, clean);
    now += 59_000;
    expect(cache.get('s', running)).toBe(clean);
    now += 2_000;
    expect(cache.get('s', running)).toBeUndefined();
  });
});

describe('observeWithDetails with a cache', () => {
  it('reads a definition edited while the previous read was in flight again', async () => {
    const s = site();
    const cache = new DetailCache();
    // The hand edit happens during the first read; its event invalidates the domain.
    s.hold(() => {
      s.current.detail = edited;
      cache.invalidate('s', 'h1', 'web');
    });
    const first = await observeWithDetails(desired(), new Map([['s', s.provider]]), cache);
    expect(first.sites.get('s')?.guests[0]?.details).toBe(clean);

    const second = await observeWithDetails(desired(), new Map([['s', s.provider]]), cache);
    expect(s.reads).toEqual([1, 1]);
    expect(second.sites.get('s')?.guests[0]?.details?.drift).toHaveLength(1);

    // Unchanged since: served from the cache.
    await observeWithDetails(desired(), new Map([['s', s.provider]]), cache);
    expect(s.reads).toEqual([1, 1]);
  });
});
