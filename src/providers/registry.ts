/**
 * One provider per site, created from the site's manifest. Provider modules are loaded lazily:
 * a fleet without oVirt never loads the HTTP client, one without libvirt never loads the
 * native binding.
 */
import type { Desired, Site } from '../model/desired.js';
import type { Provider, ProviderOptions } from './provider.js';

export type { ProviderOptions } from './provider.js';

export async function createProvider(site: Site, options: ProviderOptions): Promise<Provider> {
  switch (site.provider.kind) {
    case 'libvirt': {
      // Load the binding now: without it every host would read as unreachable (and be planned
      // for fencing). A command that needs it fails here, with one line saying what is missing.
      const { addon } = await import('./libvirt/binding-addon.js');
      addon();
      const { LibvirtProvider } = await import('./libvirt/provider.js');
      return new LibvirtProvider(site.name, site.provider, options);
    }
    case 'ovirt': {
      const { OvirtProvider } = await import('./ovirt/provider.js');
      return new OvirtProvider(site.name, site.provider, options);
    }
  }
}

export async function openProviders(
  desired: Desired,
  options: ProviderOptions,
): Promise<Map<string, Provider>> {
  const entries = await Promise.all(
    [...desired.sites.values()].map(
      async (s) => [s.name, await createProvider(s, options)] as const,
    ),
  );
  return new Map(entries);
}

export async function closeProviders(providers: ReadonlyMap<string, Provider>): Promise<void> {
  await Promise.allSettled([...providers.values()].map((p) => p.close()));
}
