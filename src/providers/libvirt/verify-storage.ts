/**
 * `verify` for storage at a libvirt site: every mapped source exists under the same name on
 * every host the guest may run on (read through libvirt, so it works for remote hosts), pools and
 * golden images exist, and a guest that may live-migrate has no host-local disk. One check per
 * source and host, each with its reason.
 */
import path from 'node:path';
import { desiredDisks, sourcePath } from '../../common/mapped-disks.js';
import type { Desired, Guest } from '../../model/desired.js';
import { errorMessage } from '../../common/errors.js';
import type { Check } from '../provider.js';
import type { HostLink } from './host-link.js';
import { parseDisks } from './disk-xml.js';

const check = (name: string, ok: boolean, message: string): Check => ({
  name,
  ok,
  message,
  severity: 'error',
});

/** Directory listings and pool contents per host, read once per verify. */
class HostFiles {
  private readonly dirs = new Map<string, Promise<readonly string[] | undefined>>();
  private readonly pools = new Map<string, Promise<Map<string, boolean>>>();
  private readonly vols = new Map<string, Promise<Set<string>>>();

  private readonly links: ReadonlyMap<string, HostLink>;

  constructor(links: ReadonlyMap<string, HostLink>) {
    this.links = links;
  }

  private link(host: string): HostLink {
    const l = this.links.get(host);
    if (!l) throw new Error(`unknown host ${host}`);
    return l;
  }

  async exists(host: string, file: string): Promise<boolean> {
    const key = `${host}:${path.dirname(file)}`;
    let listing = this.dirs.get(key);
    if (!listing) {
      listing = this.link(host).call('list directory', (api) =>
        api.listDirectory(path.dirname(file)),
      );
      this.dirs.set(key, listing);
    }
    return (await listing)?.includes(path.basename(file)) === true;
  }

  async pool(host: string, pool: string): Promise<boolean | undefined> {
    let p = this.pools.get(host);
    if (!p) {
      p = this.link(host).call(
        'list pools',
        async (api) => new Map((await api.listPools()).map((x) => [x.name, x.active])),
      );
      this.pools.set(host, p);
    }
    return (await p).get(pool);
  }

  async volume(host: string, pool: string, name: string): Promise<boolean> {
    const key = `${host}:${pool}`;
    let v = this.vols.get(key);
    if (!v) {
      v = this.link(host).call(
        'list volumes',
        async (api) => new Set((await api.listVolumes(pool)).map((x) => x.name)),
      );
      this.vols.set(key, v);
    }
    return (await v).has(name);
  }
}

async function checkGuest(
  files: HostFiles,
  hosts: readonly string[],
  guest: Guest,
  desired: Desired,
): Promise<Check[]> {
  const out: Check[] = [];
  const presence = new Map<string, string[]>();
  for (const d of desiredDisks(desired, guest)) {
    const src = d.source;
    for (const host of hosts) {
      try {
        if (src.kind === 'volume') {
          const pool = await files.pool(host, src.pool);
          if (pool !== true) {
            out.push(
              check(
                `guest ${guest.name}: pool ${src.pool} on ${host}`,
                false,
                pool === undefined ? 'no such storage pool' : 'pool not active',
              ),
            );
            continue;
          }
          const exists = await files.volume(host, src.pool, src.name);
          const golden =
            src.backingVolume === undefined ||
            (await files.volume(host, src.pool, src.backingVolume));
          if (!golden) {
            out.push(
              check(
                `guest ${guest.name}: golden image ${src.pool}/${src.backingVolume ?? ''} on ${host}`,
                false,
                'missing: the overlay cannot be created',
              ),
            );
          } else {
            out.push(
              check(
                `guest ${guest.name}: ${d.target} ← pool ${src.pool}/${src.name} on ${host}`,
                true,
                exists ? 'volume present' : 'volume missing: apply creates it',
              ),
            );
          }
          continue;
        }
        const file = sourcePath(src);
        const ok = await files.exists(host, file);
        if (ok) presence.set(file, [...(presence.get(file) ?? []), host]);
        out.push(
          check(
            `guest ${guest.name}: ${d.target} ← ${file} on ${host}`,
            ok,
            ok ? 'present' : `missing on ${host}: the guest could not run there`,
          ),
        );
      } catch (err) {
        out.push(
          check(
            `guest ${guest.name}: ${d.target} on ${host}`,
            false,
            `cannot check: ${errorMessage(err)}`,
          ),
        );
      }
    }
  }
  if (guest.migration.live && hosts.length > 1 && guest.definition) {
    // Disks of the definition itself: a path that only some hosts have is host-local storage.
    const own = parseDisks(guest.definition.xml).filter((x) => x.source.startsWith('/'));
    for (const disk of own) {
      const have: string[] = [];
      for (const host of hosts)
        if (await files.exists(host, disk.source).catch(() => false)) have.push(host);
      const local = have.length > 0 && have.length < hosts.length;
      out.push(
        check(
          `guest ${guest.name}: ${disk.target} (${disk.source}) shared by all its hosts`,
          !local,
          local
            ? `host-local: only on ${have.join(', ')}; live migration and failover would break`
            : have.length === 0
              ? 'not found on any host'
              : 'present on every host',
        ),
      );
    }
  }
  return out;
}

export async function verifyStorage(
  links: ReadonlyMap<string, HostLink>,
  desired: Desired,
): Promise<Check[]> {
  const files = new HostFiles(links);
  const out: Check[] = [];
  for (const guest of desired.guests.values()) {
    const hosts = guest.placement.hosts.filter((h) => links.has(h));
    if (hosts.length === 0 || guest.state === 'absent') continue;
    out.push(...(await checkGuest(files, hosts, guest, desired)));
  }
  return out;
}
