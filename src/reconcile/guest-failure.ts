/**
 * A libvirt guest that should run but does not: what failed, where, and the ladder's answer.
 *
 * The failure is attributed from what happened to the *live* instance — the copy on the host the
 * guest last ran on — never from a stale `shut off (crashed)` copy left on another host by an
 * earlier failure. A guest whose host was lost (and fenced) is not at fault: it fails over at
 * once, and that failover does not count against its ladder.
 */
import type { ObservedGuest } from '../model/observed.js';
import type { ActionReason } from '../model/plan.js';
import { failureResponse, healthResponse, type FailureResponse } from './failure-ladder.js';
import type { GuestContext, GuestIntent } from './guest-context.js';
import type { DefinitionOutcome } from './guest-definitions.js';
import { startOn, stopOn } from './guest-actions.js';
import { siteOfHost } from './guest-definitions.js';
import { hostUsable } from './guest-view.js';
import { failoverHost } from './placement.js';

export interface Failure {
  /** The host it failed on (where it last ran). */
  readonly host: string;
  /** Its instance there, if that host still reports one. */
  readonly inst?: ObservedGuest;
  readonly reason: Extract<
    ActionReason,
    'crashed' | 'stopped-unexpectedly' | 'io-error' | 'host-lost' | 'unhealthy'
  >;
}

/** Where it failed, or undefined when it never ran (a cold start). */
export function attributeFailure(ctx: GuestContext): Failure | undefined {
  const { view, history, observed, placement } = ctx;
  // Cleared by an operator: this start is a cold start, not one more failure.
  if (history.rearmed === true) return undefined;
  const last = history.lastHost;
  if (last !== undefined) {
    // Blind hosts were handled before: a lost host here is fenced (or reported down).
    if (!hostUsable(observed, last)) return { host: last, reason: 'host-lost' };
    const inst = view.instances.find((i) => i.host === last);
    return inst?.state === 'FAULTED'
      ? { host: last, inst, reason: 'crashed' }
      : { host: last, ...(inst ? { inst } : {}), reason: 'stopped-unexpectedly' };
  }
  // No history (a first `apply`, a new state directory): a crashed copy is the best evidence,
  // one on an allowed host first.
  const crashed = view.instances.filter((i) => i.state === 'FAULTED' && i.host !== undefined);
  const inst = crashed.find((i) => placement.hosts.includes(i.host ?? '')) ?? crashed[0];
  return inst?.host === undefined ? undefined : { host: inst.host, inst, reason: 'crashed' };
}

/** The ladder's answer for a guest that failed on `failure.host`. */
export function ladderResponse(ctx: GuestContext, failure: Failure): FailureResponse {
  if (failure.reason === 'host-lost') return { kind: 'failover', from: failure.host };
  const onHostUsable = ctx.canRun(failure.host) && ctx.placement.hosts.includes(failure.host);
  if (failure.reason === 'unhealthy') {
    return healthResponse(ctx.guest, ctx.history, failure.host, onHostUsable, ctx.policy.now);
  }
  return failureResponse(
    ctx.guest,
    ctx.history,
    failure.host,
    onHostUsable,
    ctx.policy.now,
    ctx.policy.restartBackoff,
  );
}

/**
 * Holds for the answers that do not act now; shared by libvirt and engine guests so both
 * report the same reasons (`faulted`, `crash-loop-backoff`).
 */
export function holdForResponse(
  ctx: GuestContext,
  response: FailureResponse,
  what: string,
  host: string | undefined,
): boolean {
  const hold = (
    reason: 'faulted' | 'crash-loop-backoff',
    message: string,
    retry?: number,
  ): void => {
    ctx.plan.hold({
      guest: ctx.guest.name,
      reason,
      ...(host !== undefined ? { host } : {}),
      message,
      ...(retry !== undefined ? { retryAfterMs: retry } : {}),
    });
  };
  switch (response.kind) {
    case 'fault': {
      const why = ctx.history.faultReason;
      hold(
        'faulted',
        `${what}: FAULTED, left alone until an operator acts (\`virtwarden clear ${ctx.guest.name}\`)${why !== undefined ? `; last failure: ${why}` : ''}`,
      );
      return true;
    }
    case 'stop':
      hold('faulted', `${what}: restarts used up; left stopped (onFailure.then: stop)`);
      return true;
    case 'backoff':
      hold(
        'crash-loop-backoff',
        `${what}: crash loop, next restart in ${Math.ceil(response.retryAfterMs / 1000)} s`,
        response.retryAfterMs,
      );
      return true;
    case 'restart':
    case 'reboot':
    case 'reset':
    case 'failover':
      return false;
  }
}

export function planFailure(
  ctx: GuestContext,
  defs: DefinitionOutcome,
  failure: Failure,
  noHost: (stops: readonly string[]) => GuestIntent,
): GuestIntent {
  const { plan, placement } = ctx;
  const { host: failedOn, inst } = failure;
  const response = ladderResponse(ctx, failure);
  const what =
    failure.reason === 'host-lost'
      ? `${failedOn}, where it ran, is lost and fenced`
      : inst?.state === 'FAULTED'
        ? `${inst.detail} on ${failedOn}`
        : `stopped unexpectedly on ${failedOn}`;
  // Only an answer that acts kills what is left of it (a paused copy); "left alone" means
  // no action at all, and a backoff leaves it as it is until the restart.
  const kill = (): string[] =>
    inst?.active === true ? [stopOn(ctx, inst, failure.reason, true)] : [];
  if (holdForResponse(ctx, response, what, failedOn)) {
    return { stops: response.kind === 'stop' ? kill() : [], willRun: false };
  }
  if ((response.kind === 'reboot' || response.kind === 'reset') && inst !== undefined) {
    const rung = response.kind === 'reboot' ? 'ask it to reboot' : 'hard reset';
    const id = plan.add({
      kind: response.kind,
      guest: ctx.guest.name,
      site: siteOfHost(ctx, failedOn),
      host: failedOn,
      reason: failure.reason,
      why: `${what}: ${rung} (health.ladder)`,
      before: `${inst.detail} on ${failedOn}`,
      after: `booting again on ${failedOn}`,
    });
    return { start: id, stops: [], willRun: true };
  }
  if (response.kind === 'restart' || response.kind === 'reboot' || response.kind === 'reset') {
    const stops = kill();
    const start = startOn(ctx, defs, failedOn, failure.reason, `${what}: restart on the same host`);
    for (const s of stops) plan.addDependency(start, s);
    return { start, stops, willRun: true };
  }
  const host = failoverHost(placement, ctx.canRun, new Set([failedOn]));
  if (host === undefined) return noHost([]);
  const stops = kill();
  const reason = failure.reason === 'host-lost' ? 'host-lost' : 'failover';
  const start = startOn(ctx, defs, host, reason, `${what}: fail over to ${host}`);
  for (const s of stops) plan.addDependency(start, s);
  return { start, stops, willRun: true };
}
