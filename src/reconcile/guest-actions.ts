/** The start and stop actions every libvirt planning step uses, with their wording. */
import type { ObservedGuest } from '../model/observed.js';
import type { ActionReason } from '../model/plan.js';
import type { GuestContext } from './guest-context.js';
import { siteOfHost, type DefinitionOutcome } from './guest-definitions.js';
import { planVolumes } from './guest-storage.js';

export function definedFirst(defs: DefinitionOutcome, host: string): string[] {
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

function stopWhy(reason: ActionReason, inst: ObservedGuest, host: string): string {
  switch (reason) {
    case 'duplicate-instance':
      return `a second copy runs on ${host}: stopped at once`;
    case 'io-error':
    case 'crashed':
    case 'unhealthy':
      return `${inst.detail} on ${host}: killed before it is started again`;
    case 'restart-requested':
      return `stop on ${host} to restart with the new definition`;
    default:
      return `stop on ${host}`;
  }
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
    why: stopWhy(reason, inst, host),
    before: `${inst.detail} on ${host}`,
    after: 'shut off',
  });
}
