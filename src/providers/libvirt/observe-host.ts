/** One host's domain list → observed guests (pure), and the host-level observation. */
import type { ObservedGuest, ObservedHost, ObservedVolume } from '../../model/observed.js';
import type { ObserveHints } from '../provider.js';
import { parseVolume } from './disk-xml.js';
import { errorMessage } from '../../common/errors.js';
import type { DomainRow } from './host-api.js';
import type { HostLink } from './host-link.js';
import type { GuestSignals } from './guest-signals.js';
import { describeDomainState, isMigrating, mapDomainState, normalizeReason } from './state-map.js';

/**
 * A domain row as a guest. `signal` is what the host's events said about this run (a watchdog
 * that fired): a running guest with one is FAULTED with that evidence, not ONLINE.
 */
export function toObservedGuest(
  row: DomainRow,
  host: string,
  signals?: GuestSignals,
): ObservedGuest {
  const mapped = mapDomainState(row.state, row.reason, row.managedSave);
  // An inactive domain's mark is dropped (current() without a run id).
  const signal = signals?.current(row.name, mapped.active ? row.id : undefined);
  const described =
    row.managedSave && !mapped.active
      ? 'shut off (managed save)'
      : describeDomainState(row.state, row.reason);
  const faulted = signal !== undefined && mapped.state === 'ONLINE';
  const panicked = row.state === 'crashed' && normalizeReason(row.reason) === 'panicked';
  return {
    domainName: row.name,
    uuid: row.uuid.toLowerCase(),
    host,
    state: faulted ? 'FAULTED' : mapped.state,
    confidence: faulted ? 100 : mapped.confidence,
    detail: faulted ? `${described}, ${signal.evidence}` : described,
    ...(faulted ? { fault: 'watchdog' as const } : panicked ? { fault: 'panic' as const } : {}),
    active: mapped.active,
    ...(mapped.active && isMigrating(row.state, row.reason) ? { migrating: true } : {}),
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

async function observeStorage(
  link: HostLink,
  hints: ObserveHints,
  left: () => number,
): Promise<Pick<ObservedHost, 'pools' | 'volumes'>> {
  const wanted = hints.pools ?? [];
  if (wanted.length === 0) return {};
  const all = await link.call('list pools', (api) => api.listPools(), left());
  const pools = new Map(
    all.filter((p) => wanted.includes(p.name)).map((p) => [p.name, { active: p.active }]),
  );
  const volumes = new Map<string, ObservedVolume>();
  const details = new Set(hints.volumeDetails ?? []);
  for (const [pool, { active }] of pools) {
    if (!active) continue;
    for (const v of await link.call('list volumes', (api) => api.listVolumes(pool), left())) {
      const key = `${pool}/${v.name}`;
      const extra = details.has(key)
        ? parseVolume(await link.call('volume XML', (api) => api.volumeXml(pool, v.name), left()))
        : {};
      volumes.set(key, { pool, name: v.name, path: v.path, capacityBytes: v.capacity, ...extra });
    }
  }
  return { pools, volumes };
}

/**
 * List one host within `deadlineMs`; an unreachable host is reported as such, never as "no
 * guests". A host already known not to answer (a call to it hangs, its connection is dead and
 * the reconnect backoff runs) is reported at once, without a call.
 */
export async function observeHost(
  link: HostLink,
  site: string,
  hints: ObserveHints = {},
  deadlineMs = link.timeoutMs,
): Promise<HostObservation> {
  const name = link.host.name;
  const deadline = Date.now() + deadlineMs;
  const left = (): number => Math.max(1, deadline - Date.now());
  try {
    const rows = await link.call('list domains', (api) => api.listDomains(), left());
    const api = await link.api(left());
    const storage = await observeStorage(link, hints, left);
    return {
      host: {
        name,
        site,
        status: 'up',
        ...(api.canMigrate ? {} : { liveMigration: false }),
        ...(api.canHotplug ? {} : { hotplug: false }),
        ...storage,
      },
      guests: rows.map((r) => toObservedGuest(r, name, link.signals)),
    };
  } catch (err) {
    return { host: { name, site, status: 'unreachable', reason: errorMessage(err) }, guests: [] };
  }
}

/**
 * One domain on one host within `deadlineMs` (one lookup): the re-check before an action needs
 * only its own guest's copies, not the host's whole list (O(hosts) per action, not O(site)).
 */
export async function observeHostDomain(
  link: HostLink,
  site: string,
  domainName: string,
  deadlineMs = link.timeoutMs,
): Promise<HostObservation> {
  const name = link.host.name;
  try {
    const row = await link.call('look up domain', (api) => api.domainRow(domainName), deadlineMs);
    return {
      host: { name, site, status: 'up' },
      guests: row === undefined ? [] : [toObservedGuest(row, name, link.signals)],
    };
  } catch (err) {
    return { host: { name, site, status: 'unreachable', reason: errorMessage(err) }, guests: [] };
  }
}
