/**
 * The libvirt provider's actions. Each checks what it needs, acts, and returns only once a
 * fresh look at the host agrees (a started domain is running, and stayed so for its start
 * grace; a stopped one is shut off). Live migration is in actions-migrate.ts.
 */
import type { Guest } from '../../model/desired.js';
import type { Action } from '../../model/plan.js';
import { TerminalError, TransientError, WaitingError } from '../../common/errors.js';
import type { ActionContext, ActionOutcome } from '../provider.js';
import { parseOwnership } from './domain-xml.js';
import type { HostLink } from './host-link.js';
import { mapDomainState } from './state-map.js';
import { awaitStartGrace } from './start-grace.js';
import { waitUntil } from './wait.js';

// Moved to its own file; re-exported so the provider's action switch stays as it is.
export { migrate } from './actions-migrate.js';

export interface HostLookup {
  link(host: string | undefined): HostLink;
}

const isActive = (s: { state: string; reason: string } | undefined): boolean =>
  s !== undefined && mapDomainState(s.state, s.reason, false).active;

export async function undefine(links: HostLookup, a: Action, guest: Guest): Promise<ActionOutcome> {
  const link = links.link(a.host);
  const owner = parseOwnership(
    (await link.call('read metadata', (api) => api.ownerElements(guest.domainName, false))).config,
  );
  if (owner?.guest !== guest.name) {
    throw new TerminalError(
      'not-owned',
      `'${guest.domainName}' on ${link.host.name} is not owned by virtwarden: not removed`,
    );
  }
  const state = await link.call('state', (api) => api.domainState(guest.domainName));
  if (isActive(state))
    throw new WaitingError('running', `'${guest.domainName}' still runs on ${link.host.name}`);
  await link.call('undefine', (api) => api.undefine(guest.domainName));
  return { message: 'undefined' };
}

export async function start(
  links: HostLookup,
  a: Action,
  guest: Guest,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const link = links.link(a.host);
  const t0 = Date.now();
  await link.call('start', (api) => api.start(guest.domainName), 120_000);
  const up = await waitUntil(
    'start',
    async () => isActive(await link.call('state', (api) => api.domainState(guest.domainName))),
    15_000,
    { signal: ctx.signal },
  );
  if (!up)
    throw new TransientError(
      'not-started',
      `'${guest.domainName}' is not running on ${link.host.name} after start`,
    );
  const upAt = Date.now();
  const grace = guest.timing.startGraceSeconds;
  await awaitStartGrace(link, guest.domainName, grace, upAt, ctx);
  const running = `running on ${link.host.name} after ${((upAt - t0) / 1000).toFixed(1)} s`;
  return { message: grace > 0 ? `${running}, stable for ${String(grace)} s` : running };
}

export async function stop(
  links: HostLookup,
  a: Action,
  guest: Guest,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const link = links.link(a.host);
  const stopped = async (): Promise<boolean> =>
    !isActive(await link.call('state', (api) => api.domainState(guest.domainName)));
  if (a.force !== true) {
    await link.call('shutdown', (api) => api.shutdown(guest.domainName)).catch(() => undefined);
    const timeoutMs = guest.timing.stopTimeoutSeconds * 1000;
    const graceful = await waitUntil('graceful shutdown', stopped, timeoutMs, {
      intervalMs: 250,
      signal: ctx.signal,
      onWait: (ms) => {
        ctx.progress(
          `waiting for graceful shutdown, ${Math.round(ms / 1000)} s of ${guest.timing.stopTimeoutSeconds} s`,
        );
      },
    });
    if (graceful) return { message: 'shut down gracefully' };
    ctx.progress('graceful shutdown timed out: forcing it off');
  }
  if (!(await stopped()))
    await link.call('destroy', (api) => api.destroy(guest.domainName), 60_000);
  if (!(await waitUntil('destroy', stopped, 10_000))) {
    throw new TransientError(
      'still-running',
      `'${guest.domainName}' still runs on ${link.host.name} after destroy`,
    );
  }
  return {
    message:
      a.force === true
        ? 'forced off'
        : `forced off after ${guest.timing.stopTimeoutSeconds} s without a graceful shutdown`,
  };
}

export async function disableAutostart(
  links: HostLookup,
  a: Action,
  guest: Guest,
): Promise<ActionOutcome> {
  await links
    .link(a.host)
    .call('autostart off', (api) => api.setAutostart(guest.domainName, false));
  return { message: 'autostart off' };
}

/**
 * A rung of `health.ladder` on a guest that runs but does not answer: `reset` is the reset
 * button (virDomainReset: the same process boots again, nothing asked of the guest); `reboot`
 * asks the guest (ACPI or its agent), which a hung guest ignores — the next failure climbs on.
 */
export async function resetOrReboot(
  links: HostLookup,
  a: Action,
  guest: Guest,
): Promise<ActionOutcome> {
  const hard = a.kind === 'reset';
  await links
    .link(a.host)
    .call(hard ? 'reset' : 'reboot', (api) =>
      hard ? api.reset(guest.domainName) : api.reboot(guest.domainName),
    );
  return { message: hard ? 'reset (it boots again)' : 'asked to reboot' };
}
