/**
 * Start-order dependencies between guests: a guest's own `dependsOn`, plus every guest of the
 * tier above it in each Service. "A depends on B" means B runs before A starts and A stops
 * before B stops. The manifest validator has already rejected cycles.
 */
import type { Desired } from '../model/desired.js';

export type DependencyMap = ReadonlyMap<string, ReadonlySet<string>>;

// Desired states are immutable: compute each map once per loaded generation (the watch loop
// plans one guest at a time and must not pay O(guests) per key for it).
const startCache = new WeakMap<Desired, DependencyMap>();
const inverseCache = new WeakMap<DependencyMap, DependencyMap>();

export function startDependencies(desired: Desired): DependencyMap {
  let deps = startCache.get(desired);
  if (!deps) startCache.set(desired, (deps = buildStartDependencies(desired)));
  return deps;
}

function buildStartDependencies(desired: Desired): DependencyMap {
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
  let inverse = inverseCache.get(deps);
  if (!inverse) inverseCache.set(deps, (inverse = buildDependents(deps)));
  return inverse;
}

function buildDependents(deps: DependencyMap): DependencyMap {
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
