/**
 * Was a fence call a breach? Judged against what the host was really doing when the fence
 * command ran (the board's episode, recorded by the power desk):
 *
 * - already off: never a breach (confirming that is what a fence command is for);
 * - libvirtd restarting while its guests ran: `fenced-restarted-host`, also up to 60 s after
 *   the restart ended (a decision taken on the stale loss), unless the restart itself outlasted
 *   the grace (then it was a real outage);
 * - frozen, or libvirtd down, for less than the grace: `fenced-before-grace` (the outage counts
 *   from an earlier episode the host was back from only briefly, `BOUNDS.unseenUpMs`);
 * - up: `fenced-healthy-host`, except a fence right after (`BOUNDS.fenceRaceMs`) a loss that
 *   outlasted the grace — a race between the decision and the host's return.
 */
import { BOUNDS } from './bounds.js';
import type { FenceCall } from './power-desk.js';

export interface FenceBreach {
  readonly kind: 'fenced-restarted-host' | 'fenced-before-grace' | 'fenced-healthy-host';
  readonly detail: string;
}

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function judgeFence(call: FenceCall, graceSeconds: number): FenceBreach | undefined {
  const graceMs = graceSeconds * 1000 - BOUNDS.graceSlackMs;
  const grace = `grace ${String(graceSeconds)} s`;
  const ep = call.episode;
  const lasted = ep === undefined ? 0 : (ep.to ?? call.at) - ep.from;
  // While the host is still out: the whole outage counts, including an earlier episode it
  // never really came back from (see BOUNDS.unseenUpMs).
  const outage = ep === undefined ? 0 : call.at - (call.outageFrom ?? ep.from);
  switch (call.state) {
    case 'off':
      return undefined;
    case 'daemon-down':
      if (lasted >= graceMs || outage >= graceMs) return undefined;
      return ep !== undefined && ep.guestsRunning > 0
        ? {
            kind: 'fenced-restarted-host',
            detail: `${call.host} was fenced ${s(lasted)} into a libvirtd restart, while ${String(ep.guestsRunning)} guest(s) ran on it (${grace})`,
          }
        : {
            kind: 'fenced-before-grace',
            detail: `${call.host} was fenced ${s(lasted)} into a libvirtd restart (${grace})`,
          };
    case 'frozen':
      return lasted < graceMs && outage < graceMs
        ? {
            kind: 'fenced-before-grace',
            detail: `${call.host} was fenced after its libvirtd had been frozen for ${s(lasted)} (${grace})`,
          }
        : undefined;
    case 'up': {
      const sinceEnd = ep?.to === undefined ? Infinity : call.at - ep.to;
      const restartWithGuests = ep?.kind === 'daemon-restart' && ep.guestsRunning > 0;
      if (ep !== undefined && sinceEnd <= BOUNDS.fenceRaceMs) {
        // Decided during the loss that just ended: fine if the loss outlasted the grace.
        if (lasted >= graceMs) return undefined;
        if (!restartWithGuests)
          return {
            kind: 'fenced-before-grace',
            detail: `${call.host} was fenced ${s(sinceEnd)} after a ${s(lasted)} ${ep.kind} ended, shorter than the ${grace}`,
          };
      }
      if (ep !== undefined && restartWithGuests && sinceEnd < 60_000)
        return {
          kind: 'fenced-restarted-host',
          detail: `${call.host} was fenced ${s(sinceEnd)} after its libvirtd came back from a ${s(lasted)} restart during which ${String(ep.guestsRunning)} guest(s) kept running`,
        };
      return {
        kind: 'fenced-healthy-host',
        detail: `${call.host} was fenced while it answered${ep === undefined ? '' : ` (${s(sinceEnd)} after a ${s(lasted)} ${ep.kind} ended)`}`,
      };
    }
  }
}
