/**
 * Which host a guest should run on. Pure: health is passed in as a predicate.
 *
 * - A running guest stays where it is while that host is allowed and healthy (no flapping);
 *   with `failback` it moves back to a more preferred host once that host is healthy.
 * - A cold start uses the autoStart list, in order.
 * - A failover uses the placement list, in order, skipping the host that failed.
 */
import type { EffectivePlacement } from './effective.js';

export type HostPredicate = (host: string) => boolean;

export function coldStartHost(p: EffectivePlacement, usable: HostPredicate): string | undefined {
  return p.autoStart.find(usable);
}

export function failoverHost(
  p: EffectivePlacement,
  usable: HostPredicate,
  exclude: ReadonlySet<string>,
): string | undefined {
  return p.hosts.find((h) => !exclude.has(h) && usable(h));
}

/** For a guest running on `current`: the host it should move to, or undefined to stay. */
export function moveTarget(
  current: string,
  p: EffectivePlacement,
  usable: HostPredicate,
  failback: boolean,
): { readonly host: string; readonly why: 'host-not-allowed' | 'failback' } | undefined {
  const index = p.hosts.indexOf(current);
  if (index < 0) {
    const host = p.hosts.find(usable);
    return host === undefined ? undefined : { host, why: 'host-not-allowed' };
  }
  if (!failback) return undefined;
  const better = p.hosts.slice(0, index).find(usable);
  return better === undefined ? undefined : { host: better, why: 'failback' };
}
