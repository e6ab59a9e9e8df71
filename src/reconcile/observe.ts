/**
 * Observation fan-out: every site's provider observes in parallel (bulk: one list per host or
 * engine), then the per-guest details the planner needs (ownership, definition hashes) are
 * read only for the domains of managed guests — and not at all when a cache (kept by `watch`,
 * invalidated by events) already holds them for the same domain run.
 */
import type { Desired } from '../model/desired.js';
import type { GuestDetail, Observed, ObservedGuest, ObservedSite } from '../model/observed.js';
import { errorMessage } from '../common/errors.js';
import {
  detailKey,
  type DetailRequest,
  type ObserveHints,
  type Provider,
} from '../providers/provider.js';
import { effectivePlacement } from '../common/effective-placement.js';

/**
 * Remembers details per domain run (uuid + libvirt domain id); `watch` drops entries on events.
 *
 * Two rules keep it from hiding a change. A detail read *before* an invalidation of its domain
 * (an event that arrived while the read was in flight) is not stored: it may predate what the
 * event announced, and with the same domain run it would otherwise be served until the guest
 * restarts — an operator's `virsh edit` racing an observation stayed invisible that way. And an
 * entry lives at most `maxAgeMs`, so a change whose event was lost (a callback not yet
 * re-registered after a reconnect) is still seen within that time.
 */
export class DetailCache {
  private readonly entries = new Map<string, { stamp: string; detail: GuestDetail; at: number }>();
  /** Invalidation counter; a read remembers its value when it starts. */
  private tick = 0;
  private readonly invalidatedAt = new Map<string, number>();
  private clearedAt = 0;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: { maxAgeMs?: number; now?: () => number } = {}) {
    this.maxAgeMs = options.maxAgeMs ?? DETAIL_MAX_AGE_MS;
    this.now = options.now ?? Date.now;
  }

  private static stamp(g: ObservedGuest): string {
    return `${g.uuid ?? ''}#${g.active ? String(g.runId ?? '') : 'off'}`;
  }

  /** Taken before reading details; `set` refuses what a later invalidation made doubtful. */
  readStarts(): number {
    return this.tick;
  }

  get(site: string, g: ObservedGuest): GuestDetail | undefined {
    const key = `${site}/${detailKey(request(g))}`;
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (this.now() - e.at > this.maxAgeMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.stamp === DetailCache.stamp(g) ? e.detail : undefined;
  }

  set(site: string, g: ObservedGuest, detail: GuestDetail, readStartedAt = this.tick): void {
    const key = `${site}/${detailKey(request(g))}`;
    const hostKey = `${site}/${g.host ?? ''}/`;
    const last = Math.max(
      this.clearedAt,
      this.invalidatedAt.get(key) ?? 0,
      this.invalidatedAt.get(hostKey) ?? 0,
    );
    if (last > readStartedAt) return;
    this.entries.set(key, { stamp: DetailCache.stamp(g), detail, at: this.now() });
  }

  /** Forget a domain (it was redefined or undefined), or a whole host. */
  invalidate(site: string, host: string | undefined, domainName?: string): void {
    this.tick++;
    const prefix = `${site}/${host ?? ''}/`;
    this.invalidatedAt.set(domainName === undefined ? prefix : prefix + domainName, this.tick);
    for (const key of this.entries.keys()) {
      if (domainName === undefined ? key.startsWith(prefix) : key === prefix + domainName) {
        this.entries.delete(key);
      }
    }
  }

  clear(): void {
    this.tick++;
    this.clearedAt = this.tick;
    this.invalidatedAt.clear();
    this.entries.clear();
  }
}

/** How long a cached detail is trusted without an event (the safety net for a lost one). */
export const DETAIL_MAX_AGE_MS = 60_000;

function request(g: ObservedGuest): DetailRequest {
  return {
    domainName: g.domainName,
    active: g.active,
    ...(g.host !== undefined ? { host: g.host } : {}),
  };
}

function unreachableSite(p: Provider, desired: Desired, reason: string): ObservedSite {
  const site = desired.sites.get(p.site);
  const hosts = site?.provider.kind === 'libvirt' ? site.provider.hosts.map((h) => h.name) : [];
  return {
    name: p.site,
    kind: p.kind,
    reachable: false,
    reason,
    hosts: new Map(hosts.map((h) => [h, { name: h, site: p.site, status: 'unreachable', reason }])),
    guests: [],
  };
}

/** Pools (and golden images) the manifests use at a site: observed with the hosts. */
export function storageHints(
  desired: Desired,
  site: string,
  ownedVolumes?: ReadonlyMap<string, string>,
): ObserveHints {
  const pools = new Set<string>();
  // Pools of volumes virtwarden created there too: an unmapped one must still be seen.
  for (const key of ownedVolumes?.keys() ?? []) {
    const [s, pool] = key.split('/');
    if (s === site && pool !== undefined) pools.add(pool);
  }
  const golden = new Set<string>();
  for (const m of desired.storage.values()) {
    const guest = desired.guests.get(m.guest);
    if (!guest || !effectivePlacement(desired, guest).sites.includes(site)) continue;
    for (const d of m.disks) {
      if (d.source.kind !== 'volume') continue;
      pools.add(d.source.pool);
      if (d.source.backingVolume !== undefined)
        golden.add(`${d.source.pool}/${d.source.backingVolume}`);
    }
  }
  return pools.size === 0 ? {} : { pools: [...pools], volumeDetails: [...golden] };
}

/** Observe every site at once. A provider that throws is reported as unreachable, never as empty. */
export async function observeSites(
  desired: Desired,
  providers: Iterable<Provider>,
  ownedVolumes?: ReadonlyMap<string, string>,
): Promise<Observed> {
  const list = [...providers];
  const sites = await Promise.all(
    list.map((p) =>
      p
        .observe(storageHints(desired, p.site, ownedVolumes))
        .catch((err: unknown) => unreachableSite(p, desired, errorMessage(err))),
    ),
  );
  return { sites: new Map(sites.map((s) => [s.name, s])) };
}

/** Hypervisor names of the guests that have storage mappings (their live disks are read). */
function mappedDomains(desired: Desired): Set<string> {
  const names = new Set<string>();
  for (const m of desired.storage.values()) {
    const g = desired.guests.get(m.guest);
    if (g) names.add(g.domainName);
  }
  return names;
}

/** The domains whose details the planner needs: those of managed guests, on every host. */
export function detailRequests(desired: Desired, site: ObservedSite): ObservedGuest[] {
  if (site.kind !== 'libvirt') return [];
  const managed = new Set([...desired.guests.values()].map((g) => g.domainName));
  return site.guests.filter((g) => managed.has(g.domainName));
}

/** Observation with details filled in for every managed domain (from the cache where valid). */
export async function observeWithDetails(
  desired: Desired,
  providers: ReadonlyMap<string, Provider>,
  cache?: DetailCache,
  ownedVolumes?: ReadonlyMap<string, string>,
): Promise<Observed> {
  const observed = await observeSites(desired, providers.values(), ownedVolumes);
  const sites = await Promise.all(
    [...observed.sites.values()].map(async (site): Promise<ObservedSite> => {
      const wanted = detailRequests(desired, site);
      const readStartedAt = cache?.readStarts() ?? 0;
      const missing = wanted.filter((g) => cache?.get(site.name, g) === undefined);
      const mapped = mappedDomains(desired);
      const provider = providers.get(site.name);
      let fetched: ReadonlyMap<string, GuestDetail> = new Map();
      if (missing.length > 0 && provider) {
        fetched = await provider
          .details(missing.map((g) => ({ ...request(g), liveDisks: mapped.has(g.domainName) })))
          .catch(() => new Map());
      }
      const guests = site.guests.map((g) => {
        const cached = cache?.get(site.name, g);
        const detail = cached ?? fetched.get(detailKey(request(g)));
        if (detail === undefined) return g;
        if (cached === undefined) cache?.set(site.name, g, detail, readStartedAt);
        return { ...g, details: detail };
      });
      return { ...site, guests };
    }),
  );
  return { sites: new Map(sites.map((s) => [s.name, s])) };
}
