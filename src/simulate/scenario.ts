/**
 * What-if scenarios for `virtwarden simulate`: the events, their one-line text form (the same
 * on the command line and in a scenario file) and their check against the manifests. Pure.
 *
 *   host-dies HOST [fence=auto|fails|confirm|none]
 *   site-lost SITE [fence=…]
 *   guest-crashes GUEST [TIMES]
 *   host-drained HOST
 *   active-site SITE
 *   each-host-dies [fence=…]          one scenario per host of the manifests
 *
 * Several events in one scenario are separated by `;` and happen one after the other, each
 * once `watch` has done what the previous one needed.
 */
import type { Desired } from '../model/desired.js';
import { TerminalError } from '../common/errors.js';

/**
 * How fencing goes for a dead host. `auto`: as the manifest says — its fence command succeeds,
 * and a host without one waits for an operator. `fails`: its fence command keeps failing.
 * `confirm`: an operator runs `virtwarden fence confirm` when watch cannot fence it. `none`: as
 * if the host had no fence command.
 */
export type FenceMode = 'auto' | 'fails' | 'confirm' | 'none';

export type ScenarioEvent =
  | { readonly kind: 'host-dies'; readonly host: string; readonly fence: FenceMode }
  | { readonly kind: 'site-lost'; readonly site: string; readonly fence: FenceMode }
  | { readonly kind: 'guest-crashes'; readonly guest: string; readonly times: number }
  | { readonly kind: 'host-drained'; readonly host: string }
  | { readonly kind: 'active-site'; readonly site: string };

export interface Scenario {
  readonly name: string;
  readonly events: readonly ScenarioEvent[];
}

export class ScenarioError extends TerminalError {
  constructor(message: string) {
    super('bad-scenario', message);
    this.name = 'ScenarioError';
  }
}

const FENCE_MODES: readonly FenceMode[] = ['auto', 'fails', 'confirm', 'none'];
const KINDS = [
  'host-dies',
  'site-lost',
  'guest-crashes',
  'host-drained',
  'active-site',
  'each-host-dies',
];

export function eventText(e: ScenarioEvent): string {
  const fence = (m: FenceMode): string => (m === 'auto' ? '' : ` fence=${m}`);
  switch (e.kind) {
    case 'host-dies':
      return `host-dies ${e.host}${fence(e.fence)}`;
    case 'site-lost':
      return `site-lost ${e.site}${fence(e.fence)}`;
    case 'guest-crashes':
      return `guest-crashes ${e.guest} ${String(e.times)}`;
    case 'host-drained':
      return `host-drained ${e.host}`;
    case 'active-site':
      return `active-site ${e.site}`;
  }
}

function libvirtHosts(desired: Desired): Map<string, string> {
  const hosts = new Map<string, string>();
  for (const s of desired.sites.values())
    if (s.provider.kind === 'libvirt') for (const h of s.provider.hosts) hosts.set(h.name, s.name);
  return hosts;
}

const list = (xs: Iterable<string>): string => [...xs].join(', ') || 'none';

function fenceOption(words: readonly string[]): FenceMode {
  let mode: FenceMode = 'auto';
  for (const w of words) {
    const m = /^fence=(.*)$/.exec(w);
    if (!m) throw new ScenarioError(`unexpected '${w}' (options: fence=${FENCE_MODES.join('|')})`);
    const value = m[1] as FenceMode;
    if (!FENCE_MODES.includes(value))
      throw new ScenarioError(`fence=${m[1] ?? ''}: use one of ${FENCE_MODES.join(', ')}`);
    mode = value;
  }
  return mode;
}

function needHost(desired: Desired, host: string | undefined): string {
  const hosts = libvirtHosts(desired);
  if (host === undefined) throw new ScenarioError(`needs a host (one of ${list(hosts.keys())})`);
  if (!hosts.has(host)) {
    throw new ScenarioError(
      `no libvirt host '${host}' in the manifests (hosts: ${list(hosts.keys())}; an oVirt engine fences its own hosts)`,
    );
  }
  return host;
}

function needSite(desired: Desired, site: string | undefined): string {
  if (site === undefined || !desired.sites.has(site))
    throw new ScenarioError(
      `${site === undefined ? 'needs a site' : `no site '${site}' in the manifests`} (sites: ${list(desired.sites.keys())})`,
    );
  return site;
}

/**
 * `activeSite` flips are what the planner expresses for a DR plan's guests (stopped at the old
 * site, started at the new one with their network personality). Replication groups are not:
 * `diff` plans no promote/demote, so a flip of a plan that has them cannot be simulated honestly.
 */
function checkActiveSite(desired: Desired, site: string): void {
  const plans = [...desired.disasterRecovery.values()].filter((d) => d.sites.includes(site));
  if (plans.length === 0) {
    throw new ScenarioError(
      `no DisasterRecovery plan has site '${site}' (plans: ${list(desired.disasterRecovery.keys())})`,
    );
  }
  for (const dr of plans) {
    if (dr.replication.length > 0) {
      throw new ScenarioError(
        `DisasterRecovery/${dr.name} has replication groups (${list(dr.replication.map((r) => r.name))}): the planner does not plan their promote/demote yet, so simulate cannot show what a flip does; not simulated`,
      );
    }
  }
  if (plans.every((d) => d.activeSite === site))
    throw new ScenarioError(
      `'${site}' is already the active site of ${list(plans.map((d) => `DisasterRecovery/${d.name}`))}`,
    );
}

function parseEvent(desired: Desired, text: string): ScenarioEvent {
  const [kind, ...words] = text.trim().split(/\s+/);
  switch (kind) {
    case 'host-dies':
      return { kind, host: needHost(desired, words[0]), fence: fenceOption(words.slice(1)) };
    case 'site-lost':
      return { kind, site: needSite(desired, words[0]), fence: fenceOption(words.slice(1)) };
    case 'guest-crashes': {
      const guest = words[0];
      if (guest === undefined || !desired.guests.has(guest))
        throw new ScenarioError(
          guest === undefined ? 'needs a guest' : `no guest '${guest}' in the manifests`,
        );
      const times = words[1] === undefined ? 1 : Number(words[1]);
      if (!Number.isInteger(times) || times < 1 || times > 100 || words.length > 2)
        throw new ScenarioError(`guest-crashes ${guest} TIMES: a whole number from 1 to 100`);
      return { kind, guest, times };
    }
    case 'host-drained':
    case 'drain':
      if (words.length > 1) throw new ScenarioError(`unexpected '${words[1] ?? ''}'`);
      return { kind: 'host-drained', host: needHost(desired, words[0]) };
    case 'active-site': {
      if (words.length > 1) throw new ScenarioError(`unexpected '${words[1] ?? ''}'`);
      const site = needSite(desired, words[0]);
      checkActiveSite(desired, site);
      return { kind, site };
    }
    default:
      throw new ScenarioError(`unknown event '${kind ?? ''}' (events: ${KINDS.join(', ')})`);
  }
}

/**
 * One scenario's text (events separated by `;`), or several for `each-host-dies`. Errors say
 * which event is wrong; the caller prefixes where the text came from.
 */
export function parseScenario(desired: Desired, text: string, name?: string): Scenario[] {
  const parts = text
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) throw new ScenarioError('an empty scenario');
  const [first, ...rest] = parts;
  if (first !== undefined && /^each-host-dies\b/.test(first)) {
    if (rest.length > 0) throw new ScenarioError('each-host-dies is a scenario of its own');
    const fence = fenceOption(first.split(/\s+/).slice(1));
    return [...libvirtHosts(desired).keys()].map((host) => {
      const event: ScenarioEvent = { kind: 'host-dies', host, fence };
      return { name: eventText(event), events: [event] };
    });
  }
  const events = parts.map((p) => {
    try {
      return parseEvent(desired, p);
    } catch (err) {
      if (err instanceof ScenarioError && parts.length > 1)
        throw new ScenarioError(`'${p}': ${err.message}`);
      throw err;
    }
  });
  return [{ name: name ?? events.map(eventText).join('; '), events }];
}
