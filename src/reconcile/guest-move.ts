/**
 * Moving a running libvirt guest to another host: live migration where the guest and both
 * drivers allow it, otherwise a labelled relocation (stop, then start). A live migration that
 * failed (or timed out and was aborted) is not retried at once: with `migration.fallback:
 * relocate` the next plan relocates it, otherwise it stays where it runs and the migration is
 * tried again after a growing delay — and the plan says which.
 */
import type { MigrationFailure } from '../model/history.js';
import type { ObservedGuest } from '../model/observed.js';
import type { ActionReason } from '../model/plan.js';
import { restartBackoffMs } from './failure-ladder.js';
import { definedFirst, startOn, stopOn } from './guest-actions.js';
import type { GuestContext, GuestIntent } from './guest-context.js';
import { siteOfHost, type DefinitionOutcome } from './guest-definitions.js';
import { hostOf } from './guest-view.js';
import type { MoveReason } from './placement.js';

/** Failed migrations older than this are forgotten when deciding the next attempt. */
const FAILURE_MEMORY_MS = 3_600_000;
const MIGRATION_RETRY = { baseMs: 30_000, capMs: 600_000 };

function moveWhy(ctx: GuestContext, from: string, to: string, why: MoveReason): string {
  switch (why) {
    case 'failback':
      return `failback: ${to} is preferred to ${from} and has been up for ${ctx.guest.placement.failbackAfterSeconds} s`;
    case 'drain':
      return `${from} is drained for maintenance: moved to ${to}`;
    case 'host-not-allowed':
      return `${from} is not in the guest's placement (${ctx.placement.hosts.join(', ')})`;
  }
}

/** Failed live migrations away from `from` that still count, oldest first. */
export function recentMigrationFailures(ctx: GuestContext, from: string): MigrationFailure[] {
  const since = ctx.policy.now - FAILURE_MEMORY_MS;
  return (ctx.history.migrationFailures ?? []).filter((f) => f.from === from && f.at > since);
}

function relocate(
  ctx: GuestContext,
  defs: DefinitionOutcome,
  inst: ObservedGuest,
  to: string,
  reason: ActionReason,
  why: string,
): GuestIntent {
  const stop = stopOn(ctx, inst, reason, false);
  const start = startOn(ctx, defs, to, reason, why);
  ctx.plan.addDependency(start, stop);
  return { start, stops: [stop], willRun: true, runsNow: true };
}

export function planMove(
  ctx: GuestContext,
  defs: DefinitionOutcome,
  inst: ObservedGuest,
  to: string,
  reason: MoveReason,
): GuestIntent {
  const { guest, plan, placement } = ctx;
  const from = inst.host ?? '';
  const why = moveWhy(ctx, from, to, reason);
  // Never live-migrate across sites (a DR switch): stop at the old site, start at the new.
  const crossSite = siteOfHost(ctx, from) !== placement.site;
  const driverCanMigrate =
    hostOf(ctx.observed, from)?.liveMigration !== false &&
    hostOf(ctx.observed, to)?.liveMigration !== false;
  if (!guest.migration.live || crossSite || !driverCanMigrate) {
    const how = crossSite
      ? 'site switch'
      : guest.migration.live
        ? 'relocation, because the driver cannot live-migrate'
        : 'live migration is off';
    return relocate(ctx, defs, inst, to, reason, `${why}; ${how}: stop and start`);
  }
  const failures = recentMigrationFailures(ctx, from);
  const last = failures.at(-1);
  if (last !== undefined) {
    if (guest.migration.fallback === 'relocate') {
      return relocate(
        ctx,
        defs,
        inst,
        to,
        'migration-failed',
        `${why}; the live migration to ${last.to} failed (${last.message}): migration.fallback relocate: stop and start`,
      );
    }
    const wait = last.at + restartBackoffMs(failures.length, MIGRATION_RETRY) - ctx.policy.now;
    if (wait > 0) {
      plan.hold({
        guest: guest.name,
        reason: 'migration-failed',
        host: from,
        retryAfterMs: wait,
        message: `${why}, but the live migration to ${last.to} failed (${last.message}): it keeps running on ${from}; next attempt in ${Math.ceil(wait / 1000)} s (set migration.fallback: relocate to stop and start it instead)`,
      });
      return { stops: [], willRun: true, runsNow: true };
    }
  }
  const fallback = guest.migration.fallback;
  const id = plan.add({
    kind: 'migrate',
    guest: guest.name,
    site: siteOfHost(ctx, from),
    host: from,
    toHost: to,
    live: true,
    fallback,
    reason,
    why: `${why}; if the live migration fails or takes over ${guest.migration.timeoutSeconds} s, ${
      fallback === 'relocate'
        ? 'it is stopped and started there instead'
        : `it keeps running on ${from}`
    }`,
    before: `running on ${from}`,
    after: `running on ${to}`,
    dependsOn: definedFirst(defs, to),
  });
  return { start: id, stops: [], willRun: true, runsNow: true };
}
