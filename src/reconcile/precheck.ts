/**
 * The last look before an action runs: the plan was made from an observation that may be
 * seconds old, so every action is checked against a fresh one. Pure. The verdicts:
 * run it; skip it (already true — someone else, or an earlier attempt, did it); or refuse it
 * (no longer safe: above all, never start a guest that runs, or may run, anywhere else).
 */
import type { Desired } from '../model/desired.js';
import type { Observed } from '../model/observed.js';
import type { Action } from '../model/plan.js';
import type { ErrorClass } from '../common/errors.js';
import { drainedHosts } from './drained.js';
import { effectivePlacement } from '../common/effective-placement.js';
import { gatherGuestView, hostUsable } from './guest-view.js';
import type { GuestHistory } from './policy.js';
import { EMPTY_HISTORY } from './policy.js';

export type Verdict =
  | { readonly verdict: 'run' }
  | { readonly verdict: 'skip'; readonly why: string }
  | { readonly verdict: 'refuse'; readonly why: string; readonly errorClass: ErrorClass };

const RUN: Verdict = { verdict: 'run' };
const skip = (why: string): Verdict => ({ verdict: 'skip', why });
const refuse = (why: string, errorClass: ErrorClass = 'waiting'): Verdict => ({
  verdict: 'refuse',
  why,
  errorClass,
});

export interface PrecheckContext {
  readonly fencedHosts: ReadonlySet<string>;
  readonly history?: GuestHistory;
  /** Drained hosts (Site maintenance hosts are read from `desired`). */
  readonly drainedHosts?: ReadonlySet<string>;
}

export function precheck(
  action: Action,
  desired: Desired,
  fresh: Observed,
  context: PrecheckContext,
): Verdict {
  const { fencedHosts } = context;
  const history = context.history ?? EMPTY_HISTORY;
  const guest = desired.guests.get(action.guest);
  if (!guest) return refuse(`guest '${action.guest}' is no longer in the manifests`, 'terminal');
  const placement = effectivePlacement(desired, guest);
  const view = gatherGuestView(desired, fresh, guest, placement, history, fencedHosts);
  const activeOn = view.active.map((g) => g.host);
  const on = (host: string | undefined): boolean => host !== undefined && activeOn.includes(host);
  const hostUp = (host: string | undefined): boolean =>
    host === undefined || hostUsable(fresh, host);
  const engine = desired.sites.get(action.site)?.provider.kind === 'ovirt';
  // A live migration in flight (an operator's, or one still finishing) is one guest moving:
  // nothing may start, stop, define or move it until the job ends.
  const moving = view.active.filter((g) => g.migrating === true);
  if (moving.length > 0) {
    return refuse(
      `a live migration is in flight (${view.active.map((g) => `${g.host ?? '?'}: ${g.detail}`).join(', ')})`,
    );
  }

  const drained = drainedHosts(desired, context.drainedHosts);
  const arrivesOn = action.kind === 'start' ? action.host : action.toHost;
  if (
    (action.kind === 'start' || action.kind === 'migrate') &&
    arrivesOn !== undefined &&
    drained.has(arrivesOn)
  ) {
    return refuse(`${arrivesOn} is drained for maintenance: nothing new starts there`, 'terminal');
  }

  switch (action.kind) {
    case 'start': {
      if (engine ? view.active.length > 0 : on(action.host)) return skip('already running');
      if (view.active.length > 0) {
        return refuse(`now running on ${activeOn.join(', ')}: not started a second time`);
      }
      if (view.blindHosts.length > 0) {
        return refuse(`may be running on ${view.blindHosts.join(', ')} (unreachable, not fenced)`);
      }
      return hostUp(action.host) ? RUN : refuse(`${action.host ?? '?'} is not up`, 'transient');
    }
    case 'reboot':
    case 'reset':
      // Only the copy that failed is reset; a guest no longer running there needs a new plan.
      return on(action.host) ? RUN : skip(`not running on ${action.host ?? '?'}`);
    case 'stop':
      if (engine) return view.active.length > 0 ? RUN : skip('already stopped');
      return on(action.host) ? RUN : skip(`not running on ${action.host ?? '?'}`);
    case 'migrate':
    case 'relocate':
      if (on(action.toHost)) return skip(`already running on ${action.toHost ?? '?'}`);
      if (!on(action.host) && !engine) {
        return action.live === true ? refuse(`no longer running on ${action.host ?? '?'}`) : RUN;
      }
      return hostUp(action.toHost) ? RUN : refuse(`${action.toHost ?? '?'} is not up`, 'transient');
    case 'undefine':
      if (on(action.host)) return refuse(`still running on ${action.host ?? '?'}`);
      return view.definedOn.has(action.host ?? '') ? RUN : skip('already undefined');
    case 'disable-autostart':
      return view.instances.some((g) => g.host === action.host && g.autostart)
        ? RUN
        : skip('autostart already off');
    case 'define':
    case 'create-volume':
    case 'attach-disk':
    case 'detach-disk':
    case 'update-disk':
    case 'delete-volume':
      return hostUp(action.host) ? RUN : refuse(`${action.host ?? '?'} is not up`, 'transient');
  }
}
