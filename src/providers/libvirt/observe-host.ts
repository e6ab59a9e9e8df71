/** One host's domain list → observed guests (pure), and the host-level observation. */
import type { ObservedGuest, ObservedHost } from '../../model/observed.js';
import { errorMessage } from '../../common/errors.js';
import type { DomainRow } from './host-api.js';
import type { HostLink } from './host-link.js';
import { describeDomainState, mapDomainState } from './state-map.js';

export function toObservedGuest(row: DomainRow, host: string): ObservedGuest {
  const mapped = mapDomainState(row.state, row.reason, row.managedSave);
  return {
    domainName: row.name,
    uuid: row.uuid.toLowerCase(),
    host,
    state: mapped.state,
    confidence: mapped.confidence,
    detail:
      row.managedSave && !mapped.active
        ? 'shut off (managed save)'
        : describeDomainState(row.state, row.reason),
    active: mapped.active,
    persistent: row.persistent,
    autostart: row.autostart,
    managedSave: row.managedSave,
    ...(mapped.active && row.id !== undefined && row.id >= 0 ? { runId: row.id } : {}),
  };
}

export interface HostObservation {
  readonly host: ObservedHost;
  readonly guests: readonly ObservedGuest[];
}

/** List one host; an unreachable host is reported as such, never as "no guests". */
export async function observeHost(link: HostLink, site: string): Promise<HostObservation> {
  const name = link.host.name;
  try {
    const rows = await link.call('list domains', (api) => api.listDomains());
    const canMigrate = (await link.api()).canMigrate;
    return {
      host: { name, site, status: 'up', ...(canMigrate ? {} : { liveMigration: false }) },
      guests: rows.map((r) => toObservedGuest(r, name)),
    };
  } catch (err) {
    return { host: { name, site, status: 'unreachable', reason: errorMessage(err) }, guests: [] };
  }
}
