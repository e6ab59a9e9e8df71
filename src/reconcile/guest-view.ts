/**
 * Everything observed about one guest, gathered from every site it may be found at: where it is
 * defined, where it runs, and which hosts cannot be seen (so it *may* be running there).
 */
import type { Desired, Guest } from '../model/desired.js';
import type { Observed, ObservedGuest, ObservedHost, ObservedSite } from '../model/observed.js';
import type { EffectivePlacement } from '../common/effective-placement.js';
import type { GuestHistory } from './policy.js';

export interface GuestView {
  /** Every instance seen (one per host for libvirt). */
  readonly instances: readonly ObservedGuest[];
  /** Instances with a live process. */
  readonly active: readonly ObservedGuest[];
  /** Instances with a persistent definition, by host. */
  readonly definedOn: ReadonlyMap<string, ObservedGuest>;
  /**
   * Hosts that cannot be seen and are not fenced, where the guest may be running: its placement
   * hosts (at every site), the host it last ran on and every host virtwarden last saw holding
   * its definition — whatever the placement says now (a manifest edit that drops an
   * unreachable host does not make the guest any less likely to run there).
   */
  readonly blindHosts: readonly string[];
}

// Observations are immutable: index each site's guests by domain name once (a plan looks up
// every guest, so a scan per guest would make planning quadratic).
const indexes = new WeakMap<ObservedSite, ReadonlyMap<string, readonly ObservedGuest[]>>();

function byDomain(site: ObservedSite): ReadonlyMap<string, readonly ObservedGuest[]> {
  let index = indexes.get(site);
  if (!index) {
    const m = new Map<string, ObservedGuest[]>();
    for (const g of site.guests) {
      const list = m.get(g.domainName);
      if (list) list.push(g);
      else m.set(g.domainName, [g]);
    }
    indexes.set(site, (index = m));
  }
  return index;
}

/** Every instance of a domain at these sites (indexed: O(its instances)). */
export function instancesOf(
  observed: Observed,
  sites: Iterable<string>,
  domainName: string,
): ObservedGuest[] {
  const out: ObservedGuest[] = [];
  for (const name of sites) {
    const site = observed.sites.get(name);
    if (site) out.push(...(byDomain(site).get(domainName) ?? []));
  }
  return out;
}

export function hostOf(observed: Observed, host: string): ObservedHost | undefined {
  for (const site of observed.sites.values()) {
    const h = site.hosts.get(host);
    if (h) return h;
  }
  return undefined;
}

export function hostUsable(observed: Observed, host: string): boolean {
  return hostOf(observed, host)?.status === 'up';
}

export function gatherGuestView(
  desired: Desired,
  observed: Observed,
  guest: Guest,
  placement: EffectivePlacement,
  history: GuestHistory,
  fencedHosts: ReadonlySet<string>,
): GuestView {
  const instances: ObservedGuest[] = [];
  for (const siteName of placement.sites) {
    const site = observed.sites.get(siteName);
    if (!site) continue;
    instances.push(...(byDomain(site).get(guest.domainName) ?? []));
  }
  const definedOn = new Map<string, ObservedGuest>();
  for (const g of instances) if (g.persistent && g.host !== undefined) definedOn.set(g.host, g);

  const mayHold = new Set(guest.placement.hosts);
  if (history.lastHost !== undefined) mayHold.add(history.lastHost);
  for (const h of history.definedOn ?? []) mayHold.add(h);
  const blindHosts = [...mayHold].filter((h) => {
    if (fencedHosts.has(h)) return false;
    const host = hostOf(observed, h);
    // A host no site reports at all was not observed: treat it as blind too.
    return host === undefined ? desiredHostExists(desired, h) : host.status === 'unreachable';
  });
  return { instances, active: instances.filter((g) => g.active), definedOn, blindHosts };
}

function desiredHostExists(desired: Desired, host: string): boolean {
  for (const site of desired.sites.values()) {
    if (site.provider.kind === 'libvirt' && site.provider.hosts.some((h) => h.name === host)) {
      return true;
    }
  }
  return false;
}
