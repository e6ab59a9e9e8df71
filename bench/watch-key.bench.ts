/**
 * Benchmark (issue 11): what one reconcile of one guest key costs the controller at 1,000 and
 * 5,000 guests — planning, history and status bookkeeping — on a converged in-memory site, with
 * the shared observation already fresh (its cost is the providers', measured by
 * observe-plan.bench.ts). Goal: the two within 2× of each other (O(1) per key; it was ~90 ms at
 * 1,000 and 1.4–2.0 s at 4,000 guests).
 *
 *   npm run bench -- bench/watch-key.bench.ts
 */
import { expect, it } from '@jest/globals';
import { pino } from 'pino';
import { guestDefinition } from '../src/common/guest-definition.js';
import { guestUuid } from '../src/common/guest-identity.js';
import { Journal } from '../src/state/journal.js';
import { HistoryBook } from '../src/watch/history-book.js';
import { WatchMetrics } from '../src/watch/metrics.js';
import { reconcileKey } from '../src/watch/reconcile-key.js';
import { SiteObserver } from '../src/watch/site-observer.js';
import { defaultPolicy } from '../src/reconcile/policy.js';
import { desiredOf, guest, libvirtSite } from '../test/unit/reconcile/builders.js';
import { MemoryProvider } from '../test/helpers/memory-provider.js';
import { median, percentile, table, timeIt } from './bench-util.js';

const HOSTS = Array.from({ length: 10 }, (_, i) => `kvm${String(i + 1)}`);
const silent = pino({ level: 'silent' });

async function perKey(n: number): Promise<{ median: number; p99: number; observeMs: number }> {
  const guests = Array.from({ length: n }, (_, i) =>
    guest(`g${String(i)}`, { hosts: [HOSTS[i % 10] ?? 'kvm1', HOSTS[(i + 1) % 10] ?? 'kvm2'] }),
  );
  const desired = desiredOf({ sites: [libvirtSite('primary', HOSTS)], guests });
  const provider = new MemoryProvider('primary', HOSTS);
  // A converged fleet: each guest defined on its two hosts, running on the first.
  for (const g of guests) {
    const def = guestDefinition(desired, g);
    g.placement.hosts.forEach((h, i) => {
      provider.hosts.get(h)?.domains.set(g.domainName, {
        name: g.domainName,
        uuid: guestUuid(g),
        state: i === 0 ? 'running' : 'shutoff',
        reason: i === 0 ? 'booted' : 'shutdown',
        persistent: true,
        autostart: false,
        owner: {
          guest: g.name,
          ...(def ? { definitionHash: def.hash, baseHash: def.baseHash } : {}),
        },
        runId: i === 0 ? 1 : -1,
      });
    });
  }
  const providers = new Map([['primary', provider]]);
  const observer = new SiteObserver({
    desired: () => desired,
    providers: () => providers,
    now: Date.now,
  });
  const observeMs = await timeIt(() => observer.observe(['primary'], Date.now()));
  const history = new HistoryBook();
  const metrics = new WatchMetrics();
  const journal = new Journal('/nonexistent-never-written', 'bench');
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const key = `g${String((i * 7919) % n)}`;
    times.push(
      await timeIt(async () => {
        const r = await reconcileKey(
          key,
          { at: 0, source: 'bench', notBefore: 0 },
          {
            desired,
            providers,
            observer,
            policy: () => ({
              ...defaultPolicy(Date.now()),
              history: history.all(),
              targets: new Set([key]),
            }),
            history,
            journal,
            log: silent,
            metrics,
            now: Date.now,
            signal: new AbortController().signal,
            executor: undefined,
            setHolds: () => undefined,
            setFacts: () => undefined,
            enqueue: () => undefined,
          },
        );
        expect(r.acted).toBe(false);
      }),
    );
  }
  return { median: median(times), p99: percentile(times, 99), observeMs };
}

it('prints the per-key reconcile cost at 1,000 and 5,000 guests', async () => {
  const a = await perKey(1000);
  const b = await perKey(5000);
  const ratio = b.median / a.median;
  process.stdout.write(
    table('Per-key reconcile (converged, observation shared), 300 keys each:', [
      ['guests', 'median per key', 'p99 per key', 'one bulk observation (10 hosts)'],
      [
        '1,000',
        `${a.median.toFixed(2)} ms`,
        `${a.p99.toFixed(2)} ms`,
        `${a.observeMs.toFixed(0)} ms`,
      ],
      [
        '5,000',
        `${b.median.toFixed(2)} ms`,
        `${b.p99.toFixed(2)} ms`,
        `${b.observeMs.toFixed(0)} ms`,
      ],
      ['5,000 / 1,000', `${ratio.toFixed(2)}×`, '', 'goal: ≤ 2×'],
    ]),
  );
  expect(Number.isFinite(ratio)).toBe(true);
});
