/**
 * The start grace (`timing.startGraceSeconds`, DelayAfterGuestOnline): a start is judged only
 * once the guest has stayed up that long. A guest that stops, crashes or pauses on an I/O error
 * inside the grace did not start: the action fails, so its dependents are not started on top of
 * it and the failure ladder counts it. An administrator's pause inside the grace is not a
 * failure (their act, not the guest's).
 */
import { TerminalError } from '../../common/errors.js';
import type { ActionContext } from '../provider.js';
import type { HostEvent } from './host-api.js';
import type { HostLink } from './host-link.js';
import { describeDomainState, mapDomainState } from './state-map.js';
import { waitUntil } from './wait.js';

/** What a state seen inside the grace says went wrong; undefined while the start holds. */
export function graceFailure(
  s: { readonly state: string; readonly reason: string } | undefined,
): string | undefined {
  if (s === undefined) return 'gone (no longer defined)';
  const mapped = mapDomainState(s.state, s.reason, false);
  return !mapped.active || mapped.state === 'FAULTED'
    ? describeDomainState(s.state, s.reason)
    : undefined;
}

const FAILED_PAUSES = new Set(['ioerror', 'watchdog', 'api-error', 'postcopy-failed']);

/**
 * The same judgement from a lifecycle event: it also catches what is over by the next look at
 * the state (a crash the hypervisor answers with a restart).
 */
export function graceFailureEvent(e: HostEvent, domain: string): string | undefined {
  if (e.type !== 'lifecycle' || e.domain !== domain) return undefined;
  if (e.event === 'stopped' || e.event === 'crashed') return `${e.event} (${e.detail})`;
  if (e.event === 'suspended' && FAILED_PAUSES.has(e.detail)) return `paused (${e.detail})`;
  return undefined;
}

/**
 * Waits out the grace of a guest seen running since `upAt` (ms since epoch), watching its
 * state (every 250 ms) and its lifecycle events. Throws `TerminalError('start-failed')` saying
 * what happened and when; resolves once the guest held for the whole grace.
 */
export async function awaitStartGrace(
  link: HostLink,
  domain: string,
  graceSeconds: number,
  upAt: number,
  ctx: Pick<ActionContext, 'signal' | 'progress'>,
): Promise<void> {
  if (graceSeconds <= 0) return;
  let failure: { what: string; at: number } | undefined;
  const note = (what: string | undefined): void => {
    if (what !== undefined) failure ??= { what, at: Date.now() };
  };
  // Events are a bonus over polling: a connection that cannot subscribe still gets judged.
  const unsubscribe = await link
    .api()
    .then((api) =>
      api.subscribe((e) => {
        note(graceFailureEvent(e, domain));
      }),
    )
    .catch(() => undefined);
  try {
    const remaining = Math.max(0, graceSeconds * 1000 - (Date.now() - upAt));
    await waitUntil(
      'start grace',
      async () => {
        if (failure === undefined)
          note(graceFailure(await link.call('state', (api) => api.domainState(domain))));
        return failure !== undefined;
      },
      remaining,
      {
        intervalMs: 250,
        signal: ctx.signal,
        onWait: () => {
          const up = Math.floor((Date.now() - upAt) / 1000);
          ctx.progress(`start grace: up ${String(up)} s of ${String(graceSeconds)} s`);
        },
      },
    );
  } finally {
    unsubscribe?.();
  }
  if (failure !== undefined) {
    throw new TerminalError(
      'start-failed',
      `'${domain}' was ${failure.what} ${((failure.at - upAt) / 1000).toFixed(1)} s after it ` +
        `started on ${link.host.name}, inside its ${String(graceSeconds)} s start grace`,
    );
  }
}
