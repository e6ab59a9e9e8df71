/**
 * Where a guest belongs right now. A guest named by a DisasterRecovery plan lives at the plan's
 * active site; otherwise at its own site. Its placement is the placement list narrowed to that
 * site, so a guest never live-migrates across sites.
 */
import type { Desired, DisasterRecovery, Guest } from '../model/desired.js';

export interface EffectivePlacement {
  readonly site: string;
  /** Allowed hosts at the active site, most preferred first. */
  readonly hosts: readonly string[];
  /** Cold-start hosts at the active site, in order. */
  readonly autoStart: readonly string[];
  /** Every site the guest may be found at (its own, and every site of its DR plan). */
  readonly sites: readonly string[];
  readonly dr?: DisasterRecovery;
}

export function drPlanOf(desired: Desired, guest: string): DisasterRecovery | undefined {
  for (const dr of desired.disasterRecovery.values()) {
    if (dr.guests.some((g) => g.guest === guest)) return dr;
  }
  return undefined;
}

export function siteHosts(desired: Desired, site: string): readonly string[] {
  const s = desired.sites.get(site);
  if (s?.provider.kind !== 'libvirt') return [];
  return s.provider.hosts.map((h) => h.name);
}

export function effectivePlacement(desired: Desired, guest: Guest): EffectivePlacement {
  const dr = drPlanOf(desired, guest.name);
  const site = dr?.activeSite ?? guest.site;
  const atSite = new Set(siteHosts(desired, site));
  const sites = dr ? [...new Set([guest.site, ...dr.sites])] : [guest.site];
  return {
    site,
    hosts: guest.placement.hosts.filter((h) => atSite.has(h)),
    autoStart: guest.placement.autoStart.filter((h) => atSite.has(h)),
    sites,
    ...(dr ? { dr } : {}),
  };
}
