/**
 * Per-domain details for the planner, read with as few calls as the domain needs:
 *
 * - always: the persistent definition, once — ownership (its `<metadata>` record) and hand edits
 *   since virtwarden defined it (against the baseline in that record) come from the same XML;
 * - running, with mapped disks: the live XML, once — the running instance's record and disks;
 * - running, without: only the running instance's record (`<metadata>` of the live definition).
 *
 * Read without VIR_DOMAIN_XML_SECURE: nothing secret reaches a plan or a log.
 */
import type { GuestDetail, ObservedDisk, Ownership } from '../../model/observed.js';
import type { DetailRequest } from '../provider.js';
import { readDefinition, readOwnership } from './definition-record.js';
import { parseDisks } from './disk-xml.js';
import { OWNER_NS, parseOwnership } from './domain-xml.js';
import type { HostLink } from './host-link.js';

interface LiveView {
  readonly owner?: Ownership;
  readonly disks?: readonly ObservedDisk[];
}

async function liveXml(link: HostLink, domain: string): Promise<LiveView> {
  const xml = await link.call('live XML', (api) => api.domainXml(domain, false));
  const owner = readOwnership(xml);
  return { ...(owner ? { owner } : {}), disks: parseDisks(xml) };
}

async function liveView(
  link: HostLink,
  r: DetailRequest,
  persistentOwner: Ownership | undefined,
): Promise<LiveView> {
  if (r.liveDisks === true || (persistentOwner?.mappedDisks ?? 0) > 0)
    return liveXml(link, r.domainName);
  const owner = parseOwnership(
    await link.call('live metadata', (api) => api.liveMetadata(r.domainName, OWNER_NS)),
  );
  // Started with mapped disks that its definition no longer has: their live state matters.
  if ((owner?.mappedDisks ?? 0) > 0) return liveXml(link, r.domainName);
  return owner ? { owner } : {};
}

/** undefined when the definition cannot be read (the domain went away, the host stopped answering). */
export async function readGuestDetail(
  link: HostLink,
  r: DetailRequest,
): Promise<GuestDetail | undefined> {
  let definition: string;
  try {
    definition = await link.call('definition', (api) => api.domainXml(r.domainName, true));
  } catch {
    return undefined;
  }
  const { owner, drift, unverifiable } = readDefinition(definition);
  const live: LiveView = r.active === true ? await liveView(link, r, owner).catch(() => ({})) : {};
  return {
    ...(owner ? { owner } : {}),
    ...(drift ? { drift } : {}),
    ...(unverifiable ? { unverifiable } : {}),
    ...(live.owner?.baseHash !== undefined ? { liveBaseHash: live.owner.baseHash } : {}),
    ...(live.disks !== undefined ? { liveDisks: live.disks } : {}),
  };
}
