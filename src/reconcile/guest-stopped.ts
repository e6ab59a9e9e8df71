/**
 * libvirt guests whose desired state is `stopped` (defined, running nowhere) or `absent`
 * (undefined everywhere — only what virtwarden owns).
 */
import type { GuestContext, GuestIntent } from './guest-context.js';
import { siteOfHost } from './guest-definitions.js';
import { stopOn } from './guest-actions.js';
import { planVolumes } from './guest-storage.js';

function holdBlind(ctx: GuestContext, what: string): void {
  if (ctx.view.blindHosts.length === 0) return;
  ctx.plan.hold({
    guest: ctx.guest.name,
    reason: 'site-unreachable',
    host: ctx.view.blindHosts[0],
    message: `cannot confirm it is ${what} on ${ctx.view.blindHosts.join(', ')} (unreachable)`,
  });
}

export function planStopped(ctx: GuestContext, conflicted: ReadonlySet<string>): GuestIntent {
  // Mapped volumes are made ready now, on the first host that may start the guest.
  planVolumes(ctx, ctx.placement.hosts.find(ctx.usable), 'stopped');
  const stops = ctx.view.active
    .filter((a) => a.host !== undefined && !conflicted.has(a.host))
    .map((a) => stopOn(ctx, a, 'desired-stopped', false));
  holdBlind(ctx, 'stopped');
  return { stops, willRun: false };
}

export function planAbsent(ctx: GuestContext): GuestIntent {
  const { guest, plan, view } = ctx;
  const stops: string[] = [];
  for (const inst of view.instances) {
    const host = inst.host;
    if (host === undefined) continue;
    if (inst.details?.owner?.guest !== guest.name) {
      plan.hold({
        guest: guest.name,
        reason: 'conflict',
        host,
        message: `'${inst.domainName}' exists on ${host} but virtwarden does not own it: not removed`,
      });
      continue;
    }
    const stop = inst.active ? stopOn(ctx, inst, 'desired-absent', false) : undefined;
    if (stop !== undefined) stops.push(stop);
    if (!inst.persistent) continue;
    plan.add({
      kind: 'undefine',
      guest: guest.name,
      site: siteOfHost(ctx, host),
      host,
      reason: 'desired-absent',
      why: `state: absent — its definition on ${host} is removed`,
      before: 'defined',
      after: 'absent',
      dependsOn: stop === undefined ? [] : [stop],
    });
  }
  holdBlind(ctx, 'absent');
  return { stops, willRun: false };
}
