/** Which DisasterRecovery plan (if any) a guest belongs to, and so which sites it may run at. */
import type { DisasterRecovery, Guest } from '../../model/desired.js';
import type { Collected, Entry } from '../collected.js';
import type { WrittenDrSpec } from '../written.js';

export type DrEntry = Entry<DisasterRecovery, WrittenDrSpec>;

/** Guest name → the first plan that lists it. */
export function drPlans(collected: Collected): ReadonlyMap<string, DrEntry> {
  const plans = new Map<string, DrEntry>();
  for (const dr of collected.disasterRecovery) {
    for (const g of dr.value.guests) if (!plans.has(g.guest)) plans.set(g.guest, dr);
  }
  return plans;
}

/** Sites a guest may run at: its own, plus every site of its DR plan. */
export function guestSites(guest: Guest, plan: DrEntry | undefined): readonly string[] {
  return plan === undefined ? [guest.site] : [...new Set([guest.site, ...plan.value.sites])];
}
