/**
 * libvirt definitions of one guest: defined with the manifest's XML on every reachable host of
 * its placement, autostart off everywhere (virtwarden decides where it starts, not the host at
 * boot), and stale copies it owns on other hosts removed. A same-named domain that is a
 * different guest (another UUID, or owned by another manifest guest) is never touched: that host
 * is marked conflicted and the guest is not started there.
 */
import { PLAN_CODES } from '../common/plan-codes.js';
import type { DefinitionChange, ObservedGuest } from '../model/observed.js';
import type { GuestContext } from './guest-context.js';

export interface DefinitionOutcome {
  /** define action per host, where one is planned. */
  readonly defineOn: ReadonlyMap<string, string>;
  /** Hosts holding a different domain of the same name. */
  readonly conflicted: ReadonlySet<string>;
}

function conflictWith(ctx: GuestContext, inst: ObservedGuest): string | undefined {
  if (inst.uuid !== undefined && inst.uuid.toLowerCase() !== ctx.uuid) {
    return `a different domain named '${inst.domainName}' (UUID ${inst.uuid}) is defined on ${inst.host ?? '?'}; the guest's UUID is ${ctx.uuid}`;
  }
  const owner = inst.details?.owner;
  if (owner && owner.guest !== ctx.guest.name) {
    return `domain '${inst.domainName}' on ${inst.host ?? '?'} belongs to guest '${owner.guest}', not '${ctx.guest.name}'`;
  }
  return undefined;
}

export function findConflicts(ctx: GuestContext): ReadonlySet<string> {
  const conflicted = new Set<string>();
  for (const inst of ctx.view.instances) {
    const why = conflictWith(ctx, inst);
    if (why === undefined || inst.host === undefined) continue;
    conflicted.add(inst.host);
    ctx.plan.hold({ guest: ctx.guest.name, reason: 'conflict', host: inst.host, message: why });
    ctx.plan.diagnose({
      severity: 'error',
      code: PLAN_CODES.domainConflict.code,
      message: `guest '${ctx.guest.name}': ${why}; virtwarden will not touch it`,
      hint: "rename one of them (the guest's `name` field), or remove the other domain",
      at: ctx.guest.at,
    });
  }
  return conflicted;
}

export function planDefinitions(
  ctx: GuestContext,
  conflicted: ReadonlySet<string>,
): DefinitionOutcome {
  const { guest, view, plan } = ctx;
  const defineOn = new Map<string, string>();
  if (guest.definition === undefined) return { defineOn, conflicted };

  for (const host of guest.placement.hosts) {
    if (conflicted.has(host) || !ctx.usable(host)) continue;
    const inst = view.definedOn.get(host);
    const owner = inst?.details?.owner;
    const drift = inst?.details?.drift ?? [];
    const unverifiable = inst?.details?.unverifiable === true;
    const clean = drift.length === 0 && !unverifiable;
    if (inst !== undefined && owner?.definitionHash === ctx.hash && clean) continue;
    const reason =
      inst === undefined
        ? 'not-defined'
        : owner?.definitionHash === ctx.hash
          ? 'definition-drift'
          : 'definition-changed';
    const why =
      inst === undefined
        ? `not defined on ${host}: every placement host holds the definition`
        : owner === undefined
          ? `defined on ${host} outside virtwarden: adopted and redefined from ${guest.definition.path}`
          : reason === 'definition-drift'
            ? drift.length > 0
              ? `definition on ${host} was changed by hand (${describeDrift(drift)}): restored from ${guest.definition.path}`
              : `definition on ${host} has no baseline to tell hand edits by (a define was interrupted): defined again from ${guest.definition.path}`
            : `definition on ${host} differs from ${guest.definition.path}`;
    const id = plan.add({
      kind: 'define',
      guest: guest.name,
      site: siteOfHost(ctx, host),
      host,
      reason,
      why,
      before:
        inst === undefined
          ? 'absent'
          : reason === 'definition-drift'
            ? drift.length > 0
              ? 'defined (edited by hand)'
              : 'defined (unverifiable)'
            : 'defined (outdated)',
      after: 'defined',
      ...(reason === 'definition-drift' && drift.length > 0 ? { drift } : {}),
    });
    defineOn.set(host, id);
  }

  for (const inst of view.instances) {
    if (inst.host === undefined || conflicted.has(inst.host)) continue;
    if (inst.autostart) {
      const id = plan.add({
        kind: 'disable-autostart',
        guest: guest.name,
        site: siteOfHost(ctx, inst.host),
        host: inst.host,
        reason: 'autostart-on',
        why: `autostart is on at ${inst.host}: virtwarden decides where the guest starts`,
        before: 'autostart on',
        after: 'autostart off',
      });
      const define = defineOn.get(inst.host);
      if (define !== undefined) plan.addDependency(id, define);
    }
    const stale =
      inst.persistent &&
      !inst.active &&
      !guest.placement.hosts.includes(inst.host) &&
      inst.details?.owner?.guest === guest.name;
    if (stale) {
      plan.add({
        kind: 'undefine',
        guest: guest.name,
        site: siteOfHost(ctx, inst.host),
        host: inst.host,
        reason: 'stale-definition',
        why: `${inst.host} is no longer in the guest's placement: its stale definition is removed`,
        before: 'defined',
        after: 'absent',
      });
    }
  }
  return { defineOn, conflicted };
}

/** `memory, devices/interface[2]/source/@bridge` — the changed places, short. */
function describeDrift(drift: readonly DefinitionChange[]): string {
  const paths = drift.map((d) => d.path.replace(/^\/domain\//, ''));
  return paths.length <= 3
    ? paths.join(', ')
    : `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more`;
}

export function siteOfHost(ctx: GuestContext, host: string): string {
  for (const [name, site] of ctx.desired.sites) {
    if (site.provider.kind === 'libvirt' && site.provider.hosts.some((h) => h.name === host)) {
      return name;
    }
  }
  return ctx.placement.site;
}
