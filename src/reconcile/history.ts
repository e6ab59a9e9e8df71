/**
 * How a guest's history (`GuestHistory`) changes — pure transitions, used alike by `watch` and
 * `apply` (both keep the history in the durable state), so the failure ladder counts the same
 * way whoever acted:
 *
 * - a restart after a failure counts; a failover counts once; a failover because the host was
 *   lost does not count (the host failed, not the guest);
 * - a start that failed uses up an attempt like a crash does, so a guest that cannot start still
 *   climbs the ladder;
 * - a live migration that failed is remembered (the next plan waits or falls back);
 * - the ladder giving up marks the guest FAULTED, with the reason; an operator starting it by
 *   hand (or `virtwarden clear`) re-arms it;
 * - where it last ran and where it is defined are only ever updated from what is observed, and
 *   survive a manifest edit (an unreachable host that held it is never forgotten).
 */
import type { Action, Hold } from '../model/plan.js';
import type { GuestHistory } from '../model/history.js';
import type { ObservedGuest } from '../model/observed.js';

/** How long restarts, failovers and failed migrations are kept (longer than any window). */
const KEEP_MS = 24 * 3600_000;
/** At most this many failed migrations are kept. */
const KEEP_MIGRATION_FAILURES = 10;

const recent = <T extends { at: number }>(xs: readonly T[], now: number): T[] =>
  xs.filter((x) => now - x.at < KEEP_MS);

const FAILURE_RESTARTS: ReadonlySet<Action['reason']> = new Set([
  'crashed',
  'io-error',
  'stopped-unexpectedly',
]);

function withoutFault(h: GuestHistory): GuestHistory {
  const { faultedAt: _a, faultReason: _r, rearmed: _x, ...rest } = h;
  return rest;
}

function withoutHealthSteps(h: GuestHistory): GuestHistory {
  const { healthSteps: _s, ...rest } = h;
  return rest;
}

function withoutRearm(h: GuestHistory): GuestHistory {
  const { rearmed: _x, ...rest } = h;
  return rest;
}

/** An action finished successfully. */
export function afterActionDone(h: GuestHistory, a: Action, now: number): GuestHistory {
  return { ...ladderAfterActionDone(h, a, now), lastAppliedAt: now };
}

/** One more `health.ladder` rung taken (a reboot, a reset, or a restart for a liveness failure). */
function withHealthStep(
  h: GuestHistory,
  rung: 'reboot' | 'reset' | 'restart',
  host: string,
  now: number,
): GuestHistory {
  return { ...h, healthSteps: [...recent(h.healthSteps ?? [], now), { rung, host, at: now }] };
}

function ladderAfterActionDone(h: GuestHistory, a: Action, now: number): GuestHistory {
  switch (a.kind) {
    case 'reboot':
    case 'reset':
      return a.host === undefined ? h : withHealthStep(h, a.kind, a.host, now);
    case 'start': {
      const host = a.host ?? h.lastHost;
      if (a.reason === 'unhealthy' && host !== undefined) {
        return { ...withHealthStep(withoutRearm(h), 'restart', host, now), lastHost: host };
      }
      return {
        ...withoutRearm(h),
        restarts:
          FAILURE_RESTARTS.has(a.reason) && host !== undefined
            ? [...recent(h.restarts, now), { host, at: now }]
            : recent(h.restarts, now),
        failovers:
          a.reason === 'failover'
            ? [...recent(h.failovers, now), { from: h.lastHost ?? '?', at: now }]
            : recent(h.failovers, now),
        ...(host !== undefined ? { lastHost: host } : {}),
      };
    }
    case 'migrate': {
      const { migrationFailures: _m, ...rest } = h;
      return a.toHost !== undefined ? { ...rest, lastHost: a.toHost } : rest;
    }
    case 'stop':
      // A deliberate stop ends the story: the next start is a cold start.
      if (a.reason === 'desired-stopped' || a.reason === 'desired-absent') {
        // (healthSteps go too: keepWhereabouts keeps only where it ran and is defined)
        return { restarts: [], failovers: [], ...keepWhereabouts(h) };
      }
      return h;
    default:
      return h;
  }
}

/** An action failed (not refused, not cancelled): `code` is its error code. */
export function afterActionFailed(
  h: GuestHistory,
  a: Action,
  code: string,
  message: string,
  now: number,
): GuestHistory {
  if (a.kind === 'migrate' && code === 'migration-failed' && a.host !== undefined) {
    const failure = { from: a.host, to: a.toHost ?? '?', at: now, message };
    return {
      ...h,
      migrationFailures: [...recent(h.migrationFailures ?? [], now), failure].slice(
        -KEEP_MIGRATION_FAILURES,
      ),
    };
  }
  if ((a.kind === 'reboot' || a.kind === 'reset') && a.host !== undefined) {
    // A rung that failed is used up like one that ran: the next failure climbs on.
    return withHealthStep(h, a.kind, a.host, now);
  }
  if (a.kind !== 'start') return h;
  h = withoutRearm(h);
  const host = a.host ?? h.lastHost;
  if (a.reason === 'unhealthy' && host !== undefined) {
    return { ...withHealthStep(h, 'restart', host, now), lastHost: host };
  }
  if (a.reason === 'failover' || a.reason === 'host-lost') {
    return {
      ...h,
      failovers:
        a.reason === 'failover'
          ? [...recent(h.failovers, now), { from: h.lastHost ?? '?', at: now }]
          : recent(h.failovers, now),
      ...(host !== undefined ? { lastHost: host } : {}),
    };
  }
  if (host === undefined) return h;
  return { ...h, restarts: [...recent(h.restarts, now), { host, at: now }], lastHost: host };
}

/** The plan held the guest; a `faulted` hold marks it FAULTED (once, with the reason). */
export function afterHold(h: GuestHistory, hold: Hold, now: number): GuestHistory {
  if (hold.reason !== 'faulted' || h.faultedAt !== undefined) return h;
  return { ...h, faultedAt: now, faultReason: hold.message };
}

/**
 * What one observation of the guest's sites says: where it runs, where it is defined.
 * `seenHosts` are the hosts that answered (what an unreachable host held is kept).
 * A FAULTED guest seen running again was started by an operator: the ladder is re-armed.
 */
export function afterObservation(
  h: GuestHistory,
  instances: readonly ObservedGuest[],
  seenHosts: ReadonlySet<string>,
): GuestHistory {
  const running = instances.find(
    (i) => i.active && i.state === 'ONLINE' && i.migrating !== true && i.host !== undefined,
  );
  let next = h;
  if (running?.host !== undefined) {
    next =
      h.faultedAt !== undefined
        ? {
            ...withoutHealthSteps(withoutFault(h)),
            restarts: [],
            failovers: [],
            lastHost: running.host,
          }
        : h.lastHost === running.host && h.rearmed !== true
          ? h
          : { ...withoutRearm(h), lastHost: running.host };
  }
  const definedNow = instances.flatMap((i) =>
    i.persistent && i.host !== undefined ? [i.host] : [],
  );
  const kept = (h.definedOn ?? []).filter((x) => !seenHosts.has(x));
  const definedOn = [...new Set([...kept, ...definedNow])].sort();
  const before = [...(h.definedOn ?? [])].sort();
  if (definedOn.join() !== before.join()) {
    next =
      definedOn.length > 0 ? { ...next, definedOn } : (({ definedOn: _d, ...rest }) => rest)(next);
  }
  return next;
}

function keepWhereabouts(h: GuestHistory): Partial<GuestHistory> {
  return {
    ...(h.lastHost !== undefined ? { lastHost: h.lastHost } : {}),
    ...(h.definedOn !== undefined ? { definedOn: h.definedOn } : {}),
    ...(h.lastAppliedAt !== undefined ? { lastAppliedAt: h.lastAppliedAt } : {}),
  };
}

/**
 * The guest's manifest changed: the ladder starts afresh, but where it last ran and where it
 * is defined are facts about the world, not the manifest — kept.
 */
export function afterManifestEdit(h: GuestHistory): GuestHistory {
  return { restarts: [], failovers: [], ...keepWhereabouts(h) };
}

/**
 * `virtwarden clear GUEST`: the failure history and FAULTED mark go, the whereabouts stay, and
 * a guest that runs nowhere gets a cold start (not yet another failure).
 */
export function afterClear(h: GuestHistory): GuestHistory {
  return { ...afterManifestEdit(h), rearmed: true };
}

export function sameHistory(a: GuestHistory, b: GuestHistory): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
