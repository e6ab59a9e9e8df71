/** Hosts drained for planned work: the Site's `maintenance` hosts and `virtwarden drain`. */
import type { Desired } from '../model/desired.js';

export function drainedHosts(
  desired: Desired,
  imperative: ReadonlySet<string> = new Set(),
): ReadonlySet<string> {
  const out = new Set(imperative);
  for (const site of desired.sites.values()) {
    if (site.provider.kind !== 'libvirt') continue;
    for (const h of site.provider.hosts) if (h.maintenance) out.add(h.name);
  }
  return out;
}
