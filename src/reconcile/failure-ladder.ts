/**
 * The graded response to a guest failure (`onFailure`): restart on the same host up to `max`
 * times within `withinSeconds`, then escalate once (`failover` to the next healthy host, `stop`,
 * or `fault`); a guest that fails again after its failover in the same window is FAULTED and
 * left alone. Restarts back off exponentially so a crash loop does not spin: no wait before the
 * first restart, then 5 s, 10 s, 20 s … capped at 5 minutes. A guest whose host is lost is
 * not at fault: it fails over at once (after fencing), whatever its restart count.
 *
 * A liveness failure (a guest with `health:` whose watchdog fired) climbs
 * `health.ladder` instead: one rung (`reboot`, `reset`, `restart`) per failure within the same
 * window, then the same escalation (`failover` once, then `fault`; `stop`; `fault`). Guests
 * without `health:` never take this path.
 */
import type { Guest } from '../model/desired.js';
import type { GuestHistory } from './policy.js';

export type FailureResponse =
  | { readonly kind: 'restart'; readonly host: string }
  | { readonly kind: 'reboot' | 'reset'; readonly host: string }
  | { readonly kind: 'failover'; readonly from: string }
  | { readonly kind: 'stop' }
  | { readonly kind: 'fault' }
  | { readonly kind: 'backoff'; readonly retryAfterMs: number };

const BACKOFF_BASE_MS = 5_000;
const BACKOFF_CAP_MS = 300_000;

function windowStart(guest: Guest, now: number): number {
  return now - guest.onFailure.restart.withinSeconds * 1000;
}

export function restartsInWindow(guest: Guest, history: GuestHistory, now: number): number {
  const since = windowStart(guest, now);
  return history.restarts.filter((r) => r.at > since).length;
}

function failoversInWindow(guest: Guest, history: GuestHistory, now: number): number {
  const since = windowStart(guest, now);
  return history.failovers.filter((f) => f.at > since).length;
}

/** Delay required before the next restart, given how many happened in the window. */
export function restartBackoffMs(
  recentRestarts: number,
  backoff: { readonly baseMs: number; readonly capMs: number } = {
    baseMs: BACKOFF_BASE_MS,
    capMs: BACKOFF_CAP_MS,
  },
): number {
  if (recentRestarts <= 0) return 0;
  return Math.min(backoff.capMs, backoff.baseMs * 2 ** (recentRestarts - 1));
}

/**
 * Decide what to do about a guest that failed on `host`. `hostUsable` says whether that host
 * can still run guests (a lost host cannot: that is a failover straight away).
 */
export function failureResponse(
  guest: Guest,
  history: GuestHistory,
  host: string,
  hostUsable: boolean,
  now: number,
  backoff?: { readonly baseMs: number; readonly capMs: number },
): FailureResponse {
  if (history.faultedAt !== undefined) return { kind: 'fault' };
  if (!hostUsable) return { kind: 'failover', from: host };
  const recent = restartsInWindow(guest, history, now);
  if (recent < guest.onFailure.restart.max) {
    const last = history.restarts.at(-1);
    const wait = last === undefined ? 0 : last.at + restartBackoffMs(recent, backoff) - now;
    return wait > 0 ? { kind: 'backoff', retryAfterMs: wait } : { kind: 'restart', host };
  }
  return escalate(guest, history, host, now);
}

/** Restarts (or health rungs) used up: `onFailure.then`. */
function escalate(guest: Guest, history: GuestHistory, host: string, now: number): FailureResponse {
  switch (guest.onFailure.then) {
    case 'failover':
      return failoversInWindow(guest, history, now) === 0
        ? { kind: 'failover', from: host }
        : { kind: 'fault' };
    case 'stop':
      return { kind: 'stop' };
    case 'fault':
      return { kind: 'fault' };
  }
}

/** Health rungs taken within the ladder's window. */
export function healthStepsInWindow(guest: Guest, history: GuestHistory, now: number): number {
  const since = windowStart(guest, now);
  return (history.healthSteps ?? []).filter((s) => s.at > since).length;
}

/**
 * The answer to a liveness failure of a guest with `health:` on `host`: the next rung of
 * `health.ladder` (none taken yet in the window → the first), then `onFailure.then`. Rungs act
 * at once (a hung guest gains nothing by waiting); FAULTED stays FAULTED, and a host that
 * cannot run guests is a failover, as for any failure.
 */
export function healthResponse(
  guest: Guest,
  history: GuestHistory,
  host: string,
  hostUsable: boolean,
  now: number,
): FailureResponse {
  if (history.faultedAt !== undefined) return { kind: 'fault' };
  if (!hostUsable) return { kind: 'failover', from: host };
  const rung = guest.health?.ladder[healthStepsInWindow(guest, history, now)];
  if (rung === undefined) return escalate(guest, history, host, now);
  return { kind: rung, host };
}
