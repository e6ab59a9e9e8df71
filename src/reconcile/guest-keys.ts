/**
 * Which guests an event or a change concerns (events name domains and hosts, keys are guests).
 * Pure: `watch` enqueues these keys, and `simulate` reconciles the same ones.
 */
import type { Desired, Guest } from '../model/desired.js';
import { startDependencies, dependents } from './dependencies.js';
import type { GuestHistory } from './policy.js';

export function guestsByDomain(desired: Desired, domainName: string): string[] {
  return [...desired.guests.values()].filter((g) => g.domainName === domainName).map((g) => g.name);
}

/** Guests that may run on `host`: it is in their placement, or they last ran there. */
export function guestsOfHost(
  desired: Desired,
  host: string,
  history: ReadonlyMap<string, GuestHistory>,
): string[] {
  return [...desired.guests.values()]
    .filter((g) => g.placement.hosts.includes(host) || history.get(g.name)?.lastHost === host)
    .map((g) => g.name);
}

export function dependentsOf(desired: Desired, guest: string): string[] {
  return [...(dependents(startDependencies(desired)).get(guest) ?? [])];
}

/** Guests whose manifest (or definition file) changed between two loads. */
export function changedGuests(before: Desired, after: Desired): string[] {
  const sig = (g: Guest | undefined): string =>
    JSON.stringify(g ?? null, (k, v: unknown) => (k === 'at' ? undefined : v));
  const names = new Set([...before.guests.keys(), ...after.guests.keys()]);
  const mappings = (d: Desired, g: string): string =>
    JSON.stringify(
      [...d.storage.values()].filter((m) => m.guest === g),
      (k, v: unknown) => (k === 'at' ? undefined : v),
    );
  return [...names].filter(
    (n) =>
      sig(before.guests.get(n)) !== sig(after.guests.get(n)) ||
      mappings(before, n) !== mappings(after, n),
  );
}

export function sitesChanged(before: Desired, after: Desired): boolean {
  const sig = (d: Desired): string =>
    JSON.stringify([...d.sites.values()], (k, v: unknown) => (k === 'at' ? undefined : v));
  return sig(before) !== sig(after);
}
