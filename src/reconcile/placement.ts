/**
 * Which host a guest should run on. Pure: health is passed in as predicates.
 *
 * - A running guest stays where it is while that host is allowed, healthy and not drained (no
 *   flapping); with `failback` it moves back to a more preferred host once that host has been
 *   up for `failbackAfterSeconds` without a break (a host that just failed is not trusted).
 * - A guest on a drained host moves to the first allowed host that can run guests.
 * - A cold start uses the autoStart list, in order.
 * - A failover uses the placement list, in order, skipping the host that failed.
 */
import type { EffectivePlacement } from '../common/effective-placement.js';

export type HostPredicate = (host: string) => boolean;

export function coldStartHost(p: EffectivePlacement, canRun: HostPredicate): string | undefined {
  return p.autoStart.find(canRun);
}

export function failoverHost(
  p: EffectivePlacement,
  canRun: HostPredicate,
  exclude: ReadonlySet<string>,
): string | undefined {
  return p.hosts.find((h) => !exclude.has(h) && canRun(h));
}

export type MoveReason = 'host-not-allowed' | 'failback' | 'drain';

export type MoveDecision =
  | { readonly kind: 'stay' }
  | { readonly kind: 'move'; readonly host: string; readonly why: MoveReason }
  /** It must leave (`why`), but no host can take it now. */
  | { readonly kind: 'stuck'; readonly why: MoveReason }
  /** Failback to `host` once it has been up long enough: look again after `afterMs`. */
  | { readonly kind: 'failback-later'; readonly host: string; readonly afterMs: number };

export interface MoveInputs {
  /** Up, not drained, no conflicting domain. */
  readonly canRun: HostPredicate;
  readonly drained: HostPredicate;
  readonly failback: boolean;
  /** ms the host still has to stay up before it is trusted for a failback (0: trusted now). */
  readonly unstableForMs: (host: string) => number;
}

/** For a guest running on `current`: stay, or the host it should move to and why. */
export function moveTarget(current: string, p: EffectivePlacement, m: MoveInputs): MoveDecision {
  const index = p.hosts.indexOf(current);
  const leave: MoveReason | undefined =
    index < 0 ? 'host-not-allowed' : m.drained(current) ? 'drain' : undefined;
  if (leave !== undefined) {
    const host = p.hosts.find((h) => h !== current && m.canRun(h));
    return host === undefined ? { kind: 'stuck', why: leave } : { kind: 'move', host, why: leave };
  }
  if (!m.failback) return { kind: 'stay' };
  const better = p.hosts.slice(0, index).find(m.canRun);
  if (better === undefined) return { kind: 'stay' };
  const wait = m.unstableForMs(better);
  return wait > 0
    ? { kind: 'failback-later', host: better, afterMs: wait }
    : { kind: 'move', host: better, why: 'failback' };
}
