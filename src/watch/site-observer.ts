/**
 * Shared observations for the control loop. A reconcile asks for an observation of its sites
 * that is *no older than its trigger* (the event that enqueued it, the end of the last action);
 * every caller asking meanwhile shares it. Per site there is at most one observation in flight
 * and one waiting to start after it, so a burst of 500 events (a failover wave) costs a few bulk
 * lists, not 500, and no reconcile ever plans from data older than what it reacts to.
 *
 * It also keeps what `/status` and the metrics show: the latest observation of every site, with
 * a host marked unreachable at once when its connection drops (before the next observation).
 */
import type { Desired } from '../model/desired.js';
import type { Observed, ObservedHost, ObservedSite } from '../model/observed.js';
import type { Provider } from '../providers/provider.js';
import { DetailCache, observeWithDetails } from '../reconcile/observe.js';

interface Taken {
  /** When the observation started: it reflects everything that happened before. */
  readonly startedAt: number;
  readonly site: ObservedSite;
}

interface Flight {
  readonly startedAt: number;
  readonly done: Promise<Taken>;
}

export interface ObserverInputs {
  readonly desired: () => Desired;
  readonly providers: () => ReadonlyMap<string, Provider>;
  readonly ownedVolumes?: () => ReadonlyMap<string, string>;
  readonly now: () => number;
}

export class SiteObserver {
  readonly cache = new DetailCache();
  private readonly inputs: ObserverInputs;
  private readonly latest = new Map<string, Taken>();
  private readonly inFlight = new Map<string, Flight>();
  private readonly next = new Map<string, Promise<Taken>>();
  /** Hosts whose connection dropped after the latest observation of their site. */
  private readonly dropped = new Map<string, { site: string; why: string; at: number }>();
  private generation = 0;
  /** Told of every observation that lands (fencing records end when their host is seen up). */
  readonly listeners: ((site: ObservedSite, startedAt: number) => void)[] = [];

  constructor(inputs: ObserverInputs) {
    this.inputs = inputs;
  }

  /** Observations of `sites`, each started no earlier than `notBefore` (ms since epoch). */
  async observe(sites: readonly string[], notBefore: number): Promise<Observed> {
    const taken = await Promise.all(sites.map((s) => this.site(s, notBefore)));
    return { sites: new Map(taken.flatMap((t) => (t ? [[t.site.name, t.site] as const] : []))) };
  }

  /** The latest observation of every site, with dropped connections already shown. */
  snapshot(): Observed {
    return {
      sites: new Map([...this.latest].map(([name, t]) => [name, this.withDrops(t.site)])),
    };
  }

  /** A host's connection dropped: show it unreachable now, and observe it afresh next time. */
  hostUnreachable(site: string, host: string, why: string): void {
    this.dropped.set(host, { site, why, at: this.inputs.now() });
  }

  /** Forget everything (providers or sites replaced). */
  reset(): void {
    this.generation++;
    this.latest.clear();
    this.inFlight.clear();
    this.next.clear();
    this.dropped.clear();
    this.cache.clear();
  }

  private withDrops(site: ObservedSite): ObservedSite {
    const drops = [...this.dropped].filter(([, d]) => d.site === site.name);
    if (drops.length === 0) return site;
    const hosts = new Map<string, ObservedHost>(site.hosts);
    for (const [host, d] of drops) {
      const h = hosts.get(host);
      if (h?.status === 'up') hosts.set(host, { ...h, status: 'unreachable', reason: d.why });
    }
    const lost = new Set(drops.map(([h]) => h));
    return { ...site, hosts, guests: site.guests.filter((g) => !lost.has(g.host ?? '')) };
  }

  private async site(name: string, notBefore: number): Promise<Taken | undefined> {
    if (!this.inputs.providers().has(name)) return undefined;
    const have = this.latest.get(name);
    if (have && have.startedAt >= notBefore) return have;
    const flying = this.inFlight.get(name);
    if (flying && flying.startedAt >= notBefore) return flying.done;
    if (!flying) return this.launch(name).done;
    // One is in flight but started too early: share the one that starts when it ends.
    let queued = this.next.get(name);
    if (!queued) {
      queued = flying.done
        .catch(() => undefined)
        .then(() => {
          this.next.delete(name);
          return this.launch(name).done;
        });
      this.next.set(name, queued);
    }
    return queued;
  }

  private launch(name: string): Flight {
    const generation = this.generation;
    const startedAt = this.inputs.now();
    const provider = this.inputs.providers().get(name);
    const desired = this.inputs.desired();
    const done = observeWithDetails(
      desired,
      new Map(provider ? [[name, provider]] : []),
      this.cache,
      this.inputs.ownedVolumes?.(),
    )
      .then((o): Taken => {
        const site = o.sites.get(name);
        if (!site) throw new Error(`site '${name}' was not observed`);
        const taken = { startedAt, site };
        if (generation === this.generation) {
          const prev = this.latest.get(name);
          if (!prev || prev.startedAt <= startedAt) this.latest.set(name, taken);
          // A drop older than this observation is now reflected in it (or healed).
          for (const [host, d] of this.dropped)
            if (d.site === name && d.at <= startedAt) this.dropped.delete(host);
          for (const l of this.listeners) l(site, startedAt);
        }
        return taken;
      })
      .finally(() => {
        if (this.inFlight.get(name) === flight) this.inFlight.delete(name);
      });
    const flight: Flight = { startedAt, done };
    this.inFlight.set(name, flight);
    return flight;
  }
}
