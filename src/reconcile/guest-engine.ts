/**
 * Guests at an engine-managed site (oVirt / RHV): the engine owns the definition and places the
 * VM itself, so the plan only starts, stops and (when a placement list is given) migrates it.
 */
import { PLAN_CODES } from '../common/plan-codes.js';
import type { ObservedGuest } from '../model/observed.js';
import type { Action } from '../model/plan.js';
import { payloadFiles } from '../common/dr-payload.js';
import type { GuestContext, GuestIntent } from './guest-context.js';
import { failureResponse } from './failure-ladder.js';
import { holdForResponse } from './guest-failure.js';
import { coldStartHost, moveTarget } from './placement.js';

function add(
  ctx: GuestContext,
  kind: 'start' | 'stop' | 'migrate',
  fields: {
    host?: string;
    toHost?: string;
    reason:
      | 'not-running'
      | 'stopped-unexpectedly'
      | 'crashed'
      | 'failover'
      | 'desired-stopped'
      | 'host-not-allowed'
      | 'failback'
      | 'drain'
      | 'io-error';
    why: string;
    before?: string;
    after?: string;
    force?: boolean;
    live?: boolean;
    dependsOn?: string[];
    payload?: NonNullable<Action['payload']>;
  },
): string {
  return ctx.plan.add({ kind, guest: ctx.guest.name, site: ctx.placement.site, ...fields });
}

function engineStop(ctx: GuestContext, inst: ObservedGuest, force: boolean): string {
  return add(ctx, 'stop', {
    ...(inst.host !== undefined ? { host: inst.host } : {}),
    reason: force ? 'io-error' : 'desired-stopped',
    force,
    why: force ? `${inst.detail}: stopped before it is started again` : 'state: stopped',
    before: inst.detail,
    after: 'down',
  });
}

/** A DR guest starts with its network personality for the active site on a payload CD-ROM. */
function drPayload(ctx: GuestContext): Action['payload'] {
  const dr = ctx.placement.dr;
  const entry = dr?.guests.find((g) => g.guest === ctx.guest.name);
  const personality = entry?.network[ctx.placement.site];
  if (!dr || !personality) return undefined;
  return {
    site: ctx.placement.site,
    files: payloadFiles(ctx.guest.name, ctx.placement.site, personality, dr.payload),
  };
}

export function planEngineGuest(ctx: GuestContext): GuestIntent {
  const { guest, plan, placement } = ctx;
  const site = ctx.observed.sites.get(placement.site);
  if (!site?.reachable) {
    plan.hold({
      guest: guest.name,
      reason: 'site-unreachable',
      message: `the engine of site '${placement.site}' does not answer${site?.reason ? `: ${site.reason}` : ''}`,
    });
    return { stops: [], willRun: false };
  }
  const vm = site.guests.find((g) => g.domainName === guest.domainName);
  if (vm === undefined) {
    plan.hold({
      guest: guest.name,
      reason: 'conflict',
      message: `VM '${guest.domainName}' does not exist in the engine of site '${placement.site}'`,
    });
    plan.diagnose({
      severity: 'error',
      code: PLAN_CODES.engineVmMissing.code,
      message: `guest '${guest.name}': VM '${guest.domainName}' not found at site '${placement.site}'`,
      hint: 'create the VM in the engine (virtwarden manages the power state and placement of existing oVirt VMs)',
      at: guest.at,
    });
    return { stops: [], willRun: false };
  }
  if (guest.state === 'absent') {
    plan.hold({
      guest: guest.name,
      reason: 'conflict',
      message: 'removing oVirt VMs is not supported: delete it in the engine',
    });
    return { stops: [], willRun: false };
  }
  if (guest.state === 'stopped') {
    return vm.active
      ? { stops: [engineStop(ctx, vm, false)], willRun: false }
      : { stops: [], willRun: false };
  }
  if (vm.state === 'INTENTIONAL_OFFLINE') {
    plan.hold({
      guest: guest.name,
      reason: 'intentional-offline',
      message: `${vm.detail}: an administrator's act, left alone`,
    });
    return { stops: [], willRun: false };
  }
  if (vm.state === 'UNKNOWN') {
    plan.hold({
      guest: guest.name,
      reason: 'waiting-for-fencing',
      ...(vm.host !== undefined ? { host: vm.host } : {}),
      message: `${vm.detail}: its host does not answer; waiting for fencing`,
    });
    return { stops: [], willRun: false };
  }
  if (vm.active && vm.state !== 'FAULTED') return planEngineRunning(ctx, vm);
  return planEngineDown(ctx, vm);
}

function planEngineRunning(ctx: GuestContext, vm: ObservedGuest): GuestIntent {
  const { guest, placement } = ctx;
  const host = vm.host;
  if (host === undefined || placement.hosts.length === 0) {
    return { stops: [], willRun: true, runsNow: true };
  }
  const move = moveTarget(host, placement, {
    canRun: ctx.canRun,
    drained: ctx.drained,
    failback: guest.placement.failback,
    unstableForMs: (h) => {
      const since = ctx.policy.hostUpSince?.get(h);
      return since === undefined
        ? 0
        : Math.max(0, since + guest.placement.failbackAfterSeconds * 1000 - ctx.policy.now);
    },
  });
  if (move.kind !== 'move') return { stops: [], willRun: true, runsNow: true };
  const id = add(ctx, 'migrate', {
    host,
    toHost: move.host,
    live: true,
    reason: move.why,
    why:
      move.why === 'failback'
        ? `failback: ${move.host} is preferred to ${host}`
        : move.why === 'drain'
          ? `${host} is drained for maintenance`
          : `${host} is not in the guest's placement`,
    before: `up on ${host}`,
    after: `up on ${move.host}`,
  });
  return { start: id, stops: [], willRun: true, runsNow: true };
}

/**
 * Down or failed: the same ladder as libvirt guests (restarts with backoff, one failover, then
 * FAULTED), and the same holds for the answers that do not act.
 */
function planEngineDown(ctx: GuestContext, vm: ObservedGuest): GuestIntent {
  const { guest, placement, history } = ctx;
  const failedOn = vm.host ?? history.lastHost;
  let target = placement.hosts.length > 0 ? coldStartHost(placement, ctx.canRun) : undefined;
  let reason: 'crashed' | 'stopped-unexpectedly' | 'failover' | 'not-running' =
    vm.state === 'FAULTED' ? 'crashed' : 'not-running';
  let stops: string[] = [];
  if (failedOn !== undefined && (vm.state === 'FAULTED' || history.lastHost !== undefined)) {
    if (reason === 'not-running') reason = 'stopped-unexpectedly';
    const response = failureResponse(
      guest,
      history,
      failedOn,
      ctx.canRun(failedOn),
      ctx.policy.now,
      ctx.policy.restartBackoff,
    );
    const what = `${vm.detail}${vm.host !== undefined ? ` on ${vm.host}` : ''}`;
    if (holdForResponse(ctx, response, what, failedOn)) {
      // "Left alone" and a backoff act on nothing; only `then: stop` powers it off.
      return {
        stops: response.kind === 'stop' && vm.active ? [engineStop(ctx, vm, true)] : [],
        willRun: false,
      };
    }
    if (response.kind === 'restart' && placement.hosts.length > 0) target = failedOn;
    if (response.kind === 'failover') {
      reason = 'failover';
      target = placement.hosts.find((h) => h !== failedOn && ctx.canRun(h));
    }
  }
  if (vm.active) stops = [engineStop(ctx, vm, true)];
  const payload = drPayload(ctx);
  const start = add(ctx, 'start', {
    ...(payload ? { payload } : {}),
    ...(target !== undefined ? { host: target } : {}),
    reason,
    why:
      target !== undefined
        ? `not running: start on ${target}`
        : 'not running: start (the engine picks the host)',
    before: vm.detail,
    after: target !== undefined ? `up on ${target}` : 'up',
    dependsOn: stops,
  });
  return { start, stops, willRun: true };
}
