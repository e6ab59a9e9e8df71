/**
 * A libvirt guest whose desired state is `running`: exactly one copy, on an allowed healthy
 * host. Safety first: it is never started while it runs, or may run, anywhere else.
 */
import type { ObservedGuest } from '../model/observed.js';
import type { ActionReason } from '../model/plan.js';
import { failureResponse } from './failure-ladder.js';
import type { GuestContext, GuestIntent } from './guest-context.js';
import { siteOfHost, type DefinitionOutcome } from './guest-definitions.js';
import { hostOf } from './guest-view.js';
import { planLiveDisks, planVolumes } from './guest-storage.js';
import { coldStartHost, failoverHost, moveTarget } from './placement.js';

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
    code: 'VW902',
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
  if (inst.state === 'FAULTED') return planFailure(ctx, defs, host, inst, 'io-error');

  const move = moveTarget(host, placement, ctx.usable, guest.placement.failback);
  if (move !== undefined) {
    const why =
      move.why === 'failback'
        ? `failback: ${move.host} is preferred to ${host} and is up again`
        : `${host} is not in the guest's placement (${placement.hosts.join(', ')})`;
    // Never live-migrate across sites (a DR switch): stop at the old site, start at the new.
    const crossSite = siteOfHost(ctx, host) !== placement.site;
    const driverCanMigrate =
      hostOf(ctx.observed, host)?.liveMigration !== false &&
      hostOf(ctx.observed, move.host)?.liveMigration !== false;
    if (guest.migration.live && !crossSite && driverCanMigrate) {
      const id = plan.add({
        kind: 'migrate',
        guest: guest.name,
        site: siteOfHost(ctx, host),
        host,
        toHost: move.host,
        live: true,
        reason: move.why,
        why,
        before: `running on ${host}`,
        after: `running on ${move.host}`,
        dependsOn: definedFirst(defs, move.host),
      });
      return { start: id, stops: [], willRun: true, runsNow: true };
    }
    const stop = stopOn(ctx, inst, move.why, false);
    const how = crossSite
      ? 'site switch'
      : guest.migration.live
        ? 'relocation, because the driver cannot live-migrate'
        : 'live migration is off';
    const start = startOn(ctx, defs, move.host, move.why, `${why}; ${how}: stop and start`);
    plan.addDependency(start, stop);
    return { start, stops: [stop], willRun: true, runsNow: true };
  }

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
  const { guest, view, plan, history } = ctx;
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
  const crashed = view.instances.find((i) => i.state === 'FAULTED' && i.host !== undefined);
  const failedOn = crashed?.host ?? history.lastHost;
  if (failedOn !== undefined) {
    return planFailure(ctx, defs, failedOn, crashed, crashed ? 'crashed' : 'stopped-unexpectedly');
  }
  const host = coldStartHost(ctx.placement, ctx.usable);
  if (host === undefined) return noHost(ctx, ctx.placement.autoStart);
  const start = startOn(ctx, defs, host, 'not-running', `not running: cold start on ${host}`);
  return { start, stops: [], willRun: true };
}

function planFailure(
  ctx: GuestContext,
  defs: DefinitionOutcome,
  failedOn: string,
  inst: ObservedGuest | undefined,
  reason: ActionReason,
): GuestIntent {
  const { guest, plan, placement, history, policy } = ctx;
  const onHostUsable = ctx.usable(failedOn) && placement.hosts.includes(failedOn);
  const response = failureResponse(
    guest,
    history,
    failedOn,
    onHostUsable,
    policy.now,
    policy.restartBackoff,
  );
  const what = inst ? `${inst.detail} on ${failedOn}` : `stopped unexpectedly on ${failedOn}`;
  const killFirst = inst?.active === true ? [stopOn(ctx, inst, reason, true)] : [];
  switch (response.kind) {
    case 'restart': {
      const start = startOn(ctx, defs, failedOn, reason, `${what}: restart on the same host`);
      for (const s of killFirst) plan.addDependency(start, s);
      return { start, stops: killFirst, willRun: true };
    }
    case 'failover': {
      const host = failoverHost(placement, ctx.usable, new Set([failedOn]));
      if (host === undefined) return noHost(ctx, placement.hosts, killFirst);
      const start = startOn(ctx, defs, host, 'failover', `${what}: fail over to ${host}`);
      for (const s of killFirst) plan.addDependency(start, s);
      return { start, stops: killFirst, willRun: true };
    }
    case 'stop':
      plan.hold({
        guest: guest.name,
        reason: 'faulted',
        host: failedOn,
        message: `${what}: restarts used up; left stopped (onFailure.then: stop)`,
      });
      return { stops: killFirst, willRun: false };
    case 'fault':
      plan.hold({
        guest: guest.name,
        reason: 'faulted',
        host: failedOn,
        message: `${what}: FAULTED, left alone until an operator acts`,
      });
      return { stops: [], willRun: false };
    case 'backoff':
      plan.hold({
        guest: guest.name,
        reason: 'faulted',
        retryAfterMs: response.retryAfterMs,
        host: failedOn,
        message: `${what}: crash loop, next restart in ${Math.ceil(response.retryAfterMs / 1000)} s`,
      });
      return { stops: [], willRun: false };
  }
}

function noHost(
  ctx: GuestContext,
  candidates: readonly string[],
  stops: readonly string[] = [],
): GuestIntent {
  ctx.plan.hold({
    guest: ctx.guest.name,
    reason: 'no-healthy-host',
    message: `none of its hosts (${candidates.join(', ') || 'none at the active site'}) is up`,
  });
  return { stops, willRun: false };
}

function definedFirst(defs: DefinitionOutcome, host: string): string[] {
  const id = defs.defineOn.get(host);
  return id === undefined ? [] : [id];
}

export function startOn(
  ctx: GuestContext,
  defs: DefinitionOutcome,
  host: string,
  reason: ActionReason,
  why: string,
): string {
  const inst = ctx.view.definedOn.get(host);
  // Mapped volumes missing on that host are created first (a copy-on-write overlay of its golden
  // image, for instance): the guest could not start without them.
  const creates = planVolumes(ctx, host, 'create-only').creates;
  return ctx.plan.add({
    kind: 'start',
    guest: ctx.guest.name,
    site: siteOfHost(ctx, host),
    host,
    reason,
    why,
    before: inst ? inst.detail : 'shut off',
    after: `running on ${host}`,
    dependsOn: [...definedFirst(defs, host), ...creates],
  });
}

export function stopOn(
  ctx: GuestContext,
  inst: ObservedGuest,
  reason: ActionReason,
  force: boolean,
): string {
  const host = inst.host ?? '';
  return ctx.plan.add({
    kind: 'stop',
    guest: ctx.guest.name,
    site: siteOfHost(ctx, host),
    host,
    reason,
    force,
    why:
      reason === 'duplicate-instance'
        ? `a second copy runs on ${host}: stopped at once`
        : reason === 'io-error' || reason === 'crashed'
          ? `${inst.detail} on ${host}: killed before it is started again`
          : reason === 'restart-requested'
            ? `stop on ${host} to restart with the new definition`
            : `stop on ${host}`,
    before: `${inst.detail} on ${host}`,
    after: 'shut off',
  });
}
