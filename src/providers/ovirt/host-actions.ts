/**
 * Host operations on an engine: activate, deactivate (maintenance), fence (manual, restart,
 * start, stop, status) and force-select SPM. Like VM actions, "complete" only means accepted:
 * each polls the host until its status (or SPM role) says the work is done.
 */
import { TerminalError, TransientError } from '../../common/errors.js';
import { str, type Json, type OvirtClient } from './client.js';

export type FenceType = 'manual' | 'restart' | 'start' | 'stop' | 'status';

async function hostNow(client: OvirtClient, id: string): Promise<Json> {
  return client.get(`hosts/${id}`);
}

async function poll(
  client: OvirtClient,
  id: string,
  done: (h: Json) => boolean,
  timeoutMs: number,
  pollMs: number,
  what: string,
): Promise<Json> {
  const t0 = Date.now();
  for (;;) {
    const h = await hostNow(client, id);
    if (done(h)) return h;
    if (Date.now() - t0 > timeoutMs)
      throw new TransientError(
        'host-timeout',
        `${what}: host is still ${str(h.status) ?? '?'} after ${Math.round(timeoutMs / 1000)} s`,
      );
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

const status = (h: Json): string => str(h.status) ?? 'unknown';
const spm = (h: Json): string => str(((h.spm ?? {}) as Json).status) ?? 'none';

export async function activateHost(
  client: OvirtClient,
  id: string,
  pollMs: number,
  timeoutMs = 600_000,
): Promise<void> {
  await client.action(`hosts/${id}/activate`);
  await poll(client, id, (h) => status(h) === 'up', timeoutMs, pollMs, 'activate');
}

export async function deactivateHost(
  client: OvirtClient,
  id: string,
  reason: string,
  pollMs: number,
  timeoutMs = 600_000,
): Promise<void> {
  await client.action(`hosts/${id}/deactivate`, { reason });
  await poll(client, id, (h) => status(h) === 'maintenance', timeoutMs, pollMs, 'deactivate');
}

/**
 * Fence a host through the engine. `manual` confirms an operator powered it off (its VMs become
 * startable elsewhere; an SPM gives up its role); `status` returns the power state.
 */
export async function fenceHost(client: OvirtClient, id: string, type: FenceType): Promise<string> {
  const r = await client.action(`hosts/${id}/fence`, { fence_type: type });
  if (type === 'status') {
    const pm = str(((r.power_management ?? {}) as Json).status);
    if (pm === undefined)
      throw new TerminalError('fence-status', 'the engine returned no power state');
    return pm;
  }
  return str(r.status) ?? 'complete';
}

/** Make `id` the SPM of its data center, and wait until the engine says it is. */
export async function forceSelectSpm(
  client: OvirtClient,
  id: string,
  pollMs: number,
  timeoutMs = 600_000,
): Promise<void> {
  await client.action(`hosts/${id}/forceselectspm`);
  await poll(client, id, (h) => spm(h) === 'spm', timeoutMs, pollMs, 'force-select SPM');
}
