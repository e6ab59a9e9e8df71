/**
 * The thin shell around the pure core: observe → diff for a plan, and the executor's two hooks
 * (fresh re-check, run) wired to the site providers.
 *
 * The re-check before each action must be fresh, and must not cost O(site): an `apply` of N
 * guests that re-lists every host before each action is O(N²) (46 s for 1,000 guests). The
 * precheck judges one guest — where its copies are, which hosts answer — so where the provider
 * can (`observeGuest`: one lookup per host), the re-check reads only that guest's domain on
 * every host of its sites: O(hosts) per action, O(N × hosts) per apply, and always fresh. A
 * provider without it (the engine) gets a site observation shared between checks while no
 * action has completed in between.
 */
import type { Desired } from '../model/desired.js';
import type { Observed, ObservedSite } from '../model/observed.js';
import type { Action, Plan } from '../model/plan.js';
import { TerminalError } from '../common/errors.js';
import type { Provider } from '../providers/provider.js';
import { diff } from './diff.js';
import { effectivePlacement } from '../common/effective-placement.js';
import type { ExecutorDeps } from './executor.js';
import { observeSites, observeWithDetails, type DetailCache } from './observe.js';
import type { PlanPolicy } from './policy.js';
import { precheck } from './precheck.js';

export interface PlanResult {
  readonly observed: Observed;
  readonly plan: Plan;
  readonly observeMs: number;
}

export async function planOnce(
  desired: Desired,
  providers: ReadonlyMap<string, Provider>,
  policy: PlanPolicy,
  cache?: DetailCache,
): Promise<PlanResult> {
  const t0 = Date.now();
  const observed = await observeWithDetails(desired, providers, cache, policy.ownedVolumes);
  const observeMs = Date.now() - t0;
  return { observed, plan: diff(desired, observed, policy), observeMs };
}

/**
 * The executor's hooks. `fresh` (the watch loop's shared observer) returns an observation of
 * the given sites taken after the call; without it, `apply` observes itself, sharing one
 * observation between checks while no action has completed in between.
 */
export function executionDeps(
  desired: Desired,
  providers: ReadonlyMap<string, Provider>,
  policy: Pick<PlanPolicy, 'fencedHosts' | 'history' | 'drainedHosts'>,
  fresh?: (sites: readonly string[]) => Promise<Observed>,
): ExecutorDeps {
  let generation = 0;
  const snapshots = new Map<string, { generation: number; site: Promise<ObservedSite> }>();

  const freshSite = (name: string): Promise<ObservedSite> => {
    const snap = snapshots.get(name);
    if (snap?.generation === generation) return snap.site;
    const provider = providers.get(name);
    if (!provider)
      return Promise.reject(new TerminalError('no-provider', `no provider for site '${name}'`));
    const site = observeSites(desired, [provider]).then((o) => {
      const s = o.sites.get(name);
      if (!s) throw new TerminalError('no-observation', `site '${name}' was not observed`);
      return s;
    });
    snapshots.set(name, { generation, site });
    return site;
  };

  const guestSite = (name: string, domainName: string): Promise<ObservedSite> => {
    const provider = providers.get(name);
    return provider?.observeGuest ? provider.observeGuest(domainName) : freshSite(name);
  };

  const freshFor = async (action: Action): Promise<Observed> => {
    const guest = desired.guests.get(action.guest);
    const names = [
      ...new Set([action.site, ...(guest ? effectivePlacement(desired, guest).sites : [])]),
    ].filter((n) => providers.has(n));
    if (fresh) return fresh(names);
    const sites = await Promise.all(
      names.map((n) => (guest ? guestSite(n, guest.domainName) : freshSite(n))),
    );
    return { sites: new Map(sites.map((s) => [s.name, s])) };
  };

  return {
    check: async (action) =>
      precheck(action, desired, await freshFor(action), {
        fencedHosts: policy.fencedHosts,
        ...(policy.drainedHosts ? { drainedHosts: policy.drainedHosts } : {}),
        ...((h) => (h ? { history: h } : {}))(policy.history.get(action.guest)),
      }),
    run: async (action, signal, progress) => {
      const provider = providers.get(action.site);
      const guest = desired.guests.get(action.guest);
      if (!provider || !guest) {
        throw new TerminalError(
          'no-provider',
          `no provider for site '${action.site}' or guest '${action.guest}'`,
        );
      }
      try {
        return await provider.apply(action, { desired, guest, signal, progress });
      } finally {
        generation++;
      }
    },
  };
}
