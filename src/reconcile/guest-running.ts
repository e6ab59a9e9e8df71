/**
 * A libvirt guest whose desired state is `running`: exactly one copy, on an allowed healthy
 * host. Safety first: it is never started while it runs, or may run, anywhere else.
 */
import { PLAN_CODES } from '../common/plan-codes.js';
import type { ObservedGuest } from '../model/observed.js';
import { startOn, stopOn } from './guest-actions.js';
import type { GuestContext, GuestIntent } from './guest-context.js';
import type { DefinitionOutcome } from './guest-definitions.js';
import { attributeFailure, planFailure } from './guest-failure.js';
import { planMove } from './guest-move.js';
import { planLiveDisks, planVolumes } from './guest-storage.js';
import { coldStartHost, moveTarget } from './placement.js';

export function planRunning(ctx: GuestContext, defs: DefinitionOutcome): GuestIntent {
  const { view } = ctx;
  const active = view.active.filter((a) => a.host !== undefined && !defs.conflicted.has(a.host));
  if (active.length > 1) return planDuplicates(ctx, defs, active);
  const only = active[0];
  if (only !== undefined) return planActive(ctx, defs, only);
  return planInactive(ctx, defs);
}

/** Seen running on several hosts: keep one, kill the others at once (no graceful wait). */
function planDuplicates(
  ctx: GuestContext,
  defs: DefinitionOutcome,
  active: readonly ObservedGuest[],
): GuestIntent {
  const rank = (g: ObservedGuest): number => {
    if (g.host === ctx.history.lastHost) return -1;
    const i = ctx.placement.hosts.indexOf(g.host ?? '');
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const [keep, ...others] = [...active].sort((a, b) => rank(a) - rank(b));
  if (keep === undefined) return planInactive(ctx, defs);
  const hosts = active.map((a) => a.host).join(', ');
  ctx.plan.diagnose({
    severity: 'error',
    code: PLAN_CODES.runningTwice.code,
    message: `guest '${ctx.guest.name}' is running on several hosts at once (${hosts}); keeping the copy on ${keep.host ?? '?'}`,
    at: ctx.guest.at,
  });
  const stops = others.map((other) => stopOn(ctx, other, 'duplicate-instance', true));
  const intent = planActive(ctx, defs, keep);
  return { ...intent, stops: [...intent.stops, ...stops] };
}

function planActive(ctx: GuestContext, defs: DefinitionOutcome, inst: ObservedGuest): GuestIntent {
  const { guest, plan, placement } = ctx;
  const host = inst.host ?? '';
  if (inst.state === 'INTENTIONAL_OFFLINE') {
    plan.hold({
      guest: guest.name,
      reason: 'intentional-offline',
      host,
      message: `${inst.detail} on ${host}: an administrator's act, left alone`,
    });
    return { stops: [], willRun: false };
  }
  if (inst.state === 'FAULTED') {
    // A guest with `health:` that hangs (its watchdog fired) climbs health.ladder; otherwise a
    // hung or panicked guest crashed, and any other running-but-failed one is paused on an I/O
    // error (or by its watchdog's `pause` action).
    const reason =
      inst.fault === 'watchdog' && guest.health !== undefined
        ? 'unhealthy'
        : inst.fault !== undefined
          ? 'crashed'
          : 'io-error';
    return planFailure(ctx, defs, { host, inst, reason }, (stops) =>
      noHost(ctx, placement.hosts, stops),
    );
  }

  const move = moveTarget(host, placement, {
    canRun: ctx.canRun,
    drained: ctx.drained,
    failback: guest.placement.failback,
    unstableForMs: (h) => unstableForMs(ctx, h),
  });
  switch (move.kind) {
    case 'move':
      return planMove(ctx, defs, inst, move.host, move.why);
    case 'stuck':
      plan.hold({
        guest: guest.name,
        reason: 'no-healthy-host',
        host,
        message:
          move.why === 'drain'
            ? `${host} is drained, but none of its other hosts (${placement.hosts.filter((h) => h !== host).join(', ') || 'none'}) can take it: it keeps running on ${host}`
            : `${host} is not in its placement, and none of its hosts (${placement.hosts.join(', ')}) is up: it keeps running on ${host}`,
      });
      return { stops: [], willRun: true, runsNow: true };
    case 'failback-later':
      plan.hold({
        guest: guest.name,
        reason: 'failback-pending',
        host,
        retryAfterMs: move.afterMs,
        message: `failback to ${move.host} once it has been up for ${guest.placement.failbackAfterSeconds} s (in ${Math.ceil(move.afterMs / 1000)} s); running on ${host}`,
      });
      return { stops: [], willRun: true, runsNow: true };
    case 'stay':
      return planInPlace(ctx, defs, inst, host);
  }
}

/** How long `host` must still stay up before a failback may trust it. */
function unstableForMs(ctx: GuestContext, host: string): number {
  const since = ctx.policy.hostUpSince?.get(host);
  if (since === undefined) return 0;
  return Math.max(0, since + ctx.guest.placement.failbackAfterSeconds * 1000 - ctx.policy.now);
}

/** It runs where it should: only storage and definition changes that need a restart remain. */
function planInPlace(
  ctx: GuestContext,
  defs: DefinitionOutcome,
  inst: ObservedGuest,
  host: string,
): GuestIntent {
  const { guest, plan } = ctx;
  const volumes = planVolumes(ctx, host, 'running');
  const why = [...volumes.restartFor, ...planLiveDisks(ctx, inst, volumes.creates)];
  const live = inst.details?.liveBaseHash;
  if (live !== undefined && ctx.baseHash !== undefined && live !== ctx.baseHash) {
    why.unshift('it runs with an older definition');
  }
  if (why.length === 0) return { stops: [], willRun: true, runsNow: true };
  if (!ctx.policy.allowRestart) {
    plan.hold({
      guest: guest.name,
      reason: 'restart-needed',
      host,
      message: `${why.join('; ')}: takes effect at its next start (use --allow-restart to restart it now)`,
    });
    return { stops: [], willRun: true, runsNow: true };
  }
  const stop = stopOn(ctx, inst, 'restart-requested', false);
  const start = startOn(
    ctx,
    defs,
    host,
    'restart-requested',
    `restart to apply: ${why.join('; ')}`,
  );
  plan.addDependency(start, stop);
  for (const grow of volumes.offlineGrows) {
    plan.addDependency(grow, stop);
    plan.addDependency(start, grow);
  }
  return { start, stops: [stop], willRun: true, runsNow: true };
}

function planInactive(ctx: GuestContext, defs: DefinitionOutcome): GuestIntent {
  const { guest, view, plan } = ctx;
  if (view.blindHosts.length > 0) {
    const hosts = view.blindHosts.join(', ');
    plan.hold({
      guest: guest.name,
      reason: 'waiting-for-fencing',
      host: view.blindHosts[0],
      message: `may still be running on ${hosts} (unreachable): waiting for fencing (fence command, or \`virtwarden fence confirm ${view.blindHosts[0] ?? ''}\`)`,
    });
    return { stops: [], willRun: false };
  }
  const saved = view.instances.find((i) => i.managedSave);
  if (saved !== undefined) {
    plan.hold({
      guest: guest.name,
      reason: 'intentional-offline',
      host: saved.host,
      message: `has a managed save image on ${saved.host ?? '?'}: left alone (start it by hand to restore it)`,
    });
    return { stops: [], willRun: false };
  }
  const failure = attributeFailure(ctx);
  if (failure !== undefined) {
    return planFailure(ctx, defs, failure, (stops) => noHost(ctx, ctx.placement.hosts, stops));
  }
  const host = coldStartHost(ctx.placement, ctx.canRun);
  if (host === undefined) return noHost(ctx, ctx.placement.autoStart);
  const start = startOn(ctx, defs, host, 'not-running', `not running: cold start on ${host}`);
  return { start, stops: [], willRun: true };
}

function noHost(
  ctx: GuestContext,
  candidates: readonly string[],
  stops: readonly string[] = [],
): GuestIntent {
  const drained = candidates.filter(ctx.drained);
  ctx.plan.hold({
    guest: ctx.guest.name,
    reason: 'no-healthy-host',
    message: `none of its hosts (${candidates.join(', ') || 'none at the active site'}) can run it${drained.length > 0 ? ` (drained: ${drained.join(', ')})` : ''}`,
  });
  return { stops, willRun: false };
}
