/**
 * Start-order dependencies between guests: a guest's own `dependsOn`, plus every guest of the
 * tier above it in each Service. "A depends on B" means B runs before A starts and A stops
 * before B stops. The manifest validator has already rejected cycles.
 */
import type { Desired } from '../model/desired.js';

export type DependencyMap = ReadonlyMap<string, ReadonlySet<string>>;

export function startDependencies(desired: Desired): DependencyMap {
  const deps = new Map<string, Set<string>>();
  const add = (guest: string, on: string): void => {
    if (guest === on) return;
    let set = deps.get(guest);
    if (!set) deps.set(guest, (set = new Set()));
    set.add(on);
  };
  for (const guest of desired.guests.values()) {
    for (const on of guest.dependsOn) add(guest.name, on);
  }
  for (const service of desired.services.values()) {
    service.tiers.forEach((tier, i) => {
      const above = i > 0 ? service.tiers[i - 1] : undefined;
      if (!above) return;
      for (const guest of tier) for (const on of above) add(guest, on);
    });
  }
  return deps;
}

/** The inverse: who depends on each guest (stop those first). */
export function dependents(deps: DependencyMap): DependencyMap {
  const inverse = new Map<string, Set<string>>();
  for (const [guest, ons] of deps) {
    for (const on of ons) {
      let set = inverse.get(on);
      if (!set) inverse.set(on, (set = new Set()));
      set.add(guest);
    }
  }
  return inverse;
}
