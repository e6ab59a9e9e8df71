/**
 * Guests against the rest: their site exists and fits what they say (libvirt guests need a
 * definition and placement hosts, oVirt guests have neither), placement hosts exist and belong
 * to the guest's site (or, for a DR guest, to one of the plan's sites), autoStart is a subset
 * of placement, dependencies exist, and no two guests share a hypervisor name at one site.
 */
import type { Diagnostic, SourceSpan } from '../../model/diagnostic.js';
import type { Collected, GuestEntry, Names } from '../collected.js';
import { diag, listing, quote } from '../diagnostics.js';
import { didYouMean } from '../suggest.js';
import { checkHealth } from './health.js';
import { drPlans, guestSites, type DrEntry } from './membership.js';

/** Are all hosts known? Only when every declared site was read and is valid. */
function hostsComplete(collected: Collected, names: Names): boolean {
  if (!collected.complete) return false;
  return names.namesOf('Site').every((s) => names.sites.has(s));
}

function checkPlacement(
  entry: GuestEntry,
  plan: DrEntry | undefined,
  names: Names,
  allHostsKnown: boolean,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { value: guest, written, locator } = entry;
  const sites = guestSites(guest, plan);
  guest.placement.hosts.forEach((host, i) => {
    // Spans are only worked out for hosts that are reported (thousands of guests).
    const at = (): SourceSpan => locator.span(['spec', 'placement', 'hosts', i]);
    const hostSite = names.hostSite.get(host);
    if (hostSite === undefined) {
      if (allHostsKnown) {
        out.push(
          diag('unknownHost', `host ${quote(host)} is not defined in any site`, at(), {
            hint:
              didYouMean(host, names.allHosts()) ??
              `hosts of ${quote(guest.site)}: ${names.hostsOf(guest.site).join(', ')}`,
          }),
        );
      }
    } else if (!sites.includes(hostSite)) {
      out.push(
        diag(
          'hostOutsideSite',
          `host ${quote(host)} belongs to site ${quote(hostSite)}, not to ${listing(sites.map(quote), 'or')}`,
          at(),
          {
            hint:
              plan === undefined
                ? `a guest runs on hosts of its own site; a guest in a DisasterRecovery plan may also use the plan's sites`
                : `hosts of the DisasterRecovery plan ${quote(plan.value.name)}'s sites only`,
          },
        ),
      );
    }
  });
  const placed = new Set(guest.placement.hosts);
  (written.placement?.autoStart ?? []).forEach((host, i) => {
    if (!placed.has(host)) {
      out.push(
        diag(
          'autoStartNotInHosts',
          `autoStart host ${quote(host)} is not in placement.hosts`,
          locator.span(['spec', 'placement', 'autoStart', i]),
          { hint: 'a guest can only be started on a host it may run on; add it to hosts' },
        ),
      );
    }
  });
  return out;
}

function checkSiteFit(entry: GuestEntry, names: Names): Diagnostic[] {
  const { value: guest, written, locator } = entry;
  const site = names.sites.get(guest.site);
  if (site === undefined) {
    if (!names.missing('Site', guest.site)) return [];
    return [
      diag(
        'unknownSite',
        `site ${quote(guest.site)} is not defined`,
        locator.span(['spec', 'site']),
        {
          hint:
            didYouMean(guest.site, names.namesOf('Site')) ?? 'add a Site manifest with this name',
        },
      ),
    ];
  }
  const out: Diagnostic[] = [];
  if (site.value.provider.kind === 'ovirt') {
    if (written.definition !== undefined) {
      out.push(
        diag(
          'definitionNotAllowed',
          `guest ${quote(guest.name)} is at oVirt site ${quote(guest.site)} and cannot have a libvirt definition`,
          locator.span(['spec', 'definition'], 'key'),
          { hint: 'the engine holds the VM definition; remove definition' },
        ),
      );
    }
    if (guest.placement.hosts.length > 0) {
      out.push(
        diag(
          'ovirtPlacement',
          `guest ${quote(guest.name)} is at oVirt site ${quote(guest.site)}, whose engine places it: placement hosts are not used`,
          locator.span(['spec', 'placement', 'hosts'], 'key'),
          { hint: 'remove placement.hosts (and autoStart)' },
        ),
      );
    }
    return out;
  }
  if (guest.state !== 'absent' && written.definition === undefined) {
    out.push(
      diag(
        'definitionRequired',
        `guest ${quote(guest.name)} is ${guest.state} at libvirt site ${quote(guest.site)} but has no definition`,
        locator.span(['spec'], 'key'),
        { hint: 'add definition: { file: guests/NAME.xml } with its domain XML' },
      ),
    );
  }
  if (guest.state !== 'absent' && guest.placement.hosts.length === 0) {
    out.push(
      diag(
        'noPlacement',
        `guest ${quote(guest.name)} has no placement hosts to run on`,
        locator.span(written.placement === undefined ? ['spec'] : ['spec', 'placement'], 'key'),
        {
          hint: `add placement: { hosts: [...] } with hosts of ${quote(guest.site)}: ${names.hostsOf(guest.site).join(', ')}`,
        },
      ),
    );
  }
  return out;
}

export function checkGuests(collected: Collected, names: Names): Diagnostic[] {
  const out: Diagnostic[] = [];
  const plans = drPlans(collected);
  const allHostsKnown = hostsComplete(collected, names);
  const byDomainName = new Map<string, { entry: GuestEntry; sites: readonly string[] }[]>();
  for (const entry of collected.guests) {
    const { value: guest, locator } = entry;
    const plan = plans.get(guest.name);
    out.push(...checkSiteFit(entry, names), ...checkHealth(entry, names));
    if (names.sites.get(guest.site)?.value.provider.kind === 'libvirt') {
      out.push(...checkPlacement(entry, plan, names, allHostsKnown));
    }
    guest.dependsOn.forEach((dep, i) => {
      if (names.missing('Guest', dep)) {
        out.push(
          diag(
            'unknownGuest',
            `dependsOn names guest ${quote(dep)}, which is not defined`,
            locator.span(['spec', 'dependsOn', i]),
            {
              hint: didYouMean(dep, names.namesOf('Guest')),
            },
          ),
        );
      }
    });
    const sites = guestSites(guest, plan);
    const same = byDomainName.get(guest.domainName) ?? [];
    const clash = same.find((other) => other.sites.some((s) => sites.includes(s)));
    if (clash !== undefined) {
      out.push(
        diag(
          'duplicateDomainName',
          `guests ${quote(clash.entry.value.name)} and ${quote(guest.name)} both have the hypervisor name ${quote(guest.domainName)}`,
          locator.span(entry.written.name === undefined ? ['metadata', 'name'] : ['spec', 'name']),
          {
            hint: 'two guests with one name at one site would fight over one VM; set spec.name',
            related: [{ message: 'the other guest', at: clash.entry.value.at }],
          },
        ),
      );
    }
    same.push({ entry, sites });
    byDomainName.set(guest.domainName, same);
  }
  return out;
}
