/**
 * The engine has no push channel: `watch` polls its event log (`/events?from=N`) and turns the
 * events that name a VM or a host into reconcile triggers. Level-triggered: the event only says
 * which guest to look at.
 */
import { items, ref, str, type OvirtClient } from './client.js';
import type { ProviderEvent } from '../provider.js';

/** Engine event codes meaning a host was lost (HOST_FAILURE, …) or came back (HOST_ACTIVATE). */
const HOST_LOST = new Set(['12', '13', '14']);
const HOST_BACK = new Set(['16']);

export function startEventPoller(
  client: OvirtClient,
  site: string,
  names: () => { vm: (id: string) => string | undefined; host: (id: string) => string | undefined },
  intervalMs: number,
  listener: (e: ProviderEvent) => void,
): () => void {
  let last: number | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // Errors are caught inside; the catch here is for what cannot happen, never a crash.
  const poll = (): void => {
    tick().catch(() => undefined);
  };
  const tick = async (): Promise<void> => {
    try {
      if (last === undefined) {
        const newest = items(await client.get('events', { max: '1' }), 'event')[0];
        last = Number(str(newest?.index) ?? str(newest?.id) ?? '0');
      } else {
        const events = items(await client.get('events', { from: String(last) }), 'event');
        const receivedAt = Date.now();
        for (const ev of [...events].reverse()) {
          const index = Number(str(ev.index) ?? str(ev.id) ?? '0');
          if (index > last) last = index;
          const code = str(ev.code) ?? '';
          const n = names();
          const vmId = ref(ev.vm);
          const hostId = ref(ev.host);
          const domainName = vmId === undefined ? undefined : n.vm(vmId);
          const host = hostId === undefined ? undefined : n.host(hostId);
          if (domainName === undefined && host === undefined) continue;
          listener({
            site,
            ...(host !== undefined ? { host } : {}),
            ...(domainName !== undefined ? { domainName } : {}),
            what: `engine event ${code}: ${str(ev.description) ?? ''}`,
            ...(HOST_LOST.has(code) && domainName === undefined ? { hostLost: true } : {}),
            ...(HOST_BACK.has(code) && domainName === undefined ? { hostBack: true } : {}),
            receivedAt,
          });
        }
      }
    } catch {
      // The engine is unreachable: the periodic resync reports it; keep polling.
    }
    if (!stopped) {
      timer = setTimeout(poll, intervalMs);
      timer.unref();
    }
  };
  poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
