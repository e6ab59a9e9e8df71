/**
 * DisasterRecovery plans: two different, existing sites with the active one among them; each
 * guest exists, is in no other plan, lives at one of the plan's sites and has a valid network
 * personality for every site of the plan (and none for other sites).
 */
import type { Diagnostic, SourceSpan } from '../../model/diagnostic.js';
import type { Collected, Names } from '../collected.js';
import { diag, listing, quote } from '../diagnostics.js';
import type { Locator, DocPath } from '../locate.js';
import { didYouMean } from '../suggest.js';
import type { WrittenNetworkPersonality } from '../written.js';
import { inSubnet, ipFamily, parseCidr } from './ip.js';
import type { DrEntry } from './membership.js';

function checkPersonality(
  p: WrittenNetworkPersonality,
  path: DocPath,
  locator: Locator,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const cidr = parseCidr(p.address);
  if ('error' in cidr) {
    out.push(
      diag(
        'badAddress',
        `address ${quote(p.address)} is not valid: ${cidr.error}`,
        locator.span([...path, 'address']),
        {
          hint: 'write the address with its prefix length, e.g. 192.168.74.21/22',
        },
      ),
    );
  }
  if (p.gateway !== undefined) {
    const at = locator.span([...path, 'gateway']);
    const family = ipFamily(p.gateway);
    if (family === undefined) {
      out.push(diag('badGateway', `gateway ${quote(p.gateway)} is not an IP address`, at));
    } else if (!('error' in cidr)) {
      if (family !== cidr.family) {
        out.push(
          diag(
            'badGateway',
            `gateway ${quote(p.gateway)} is ${family} but the address is ${cidr.family}`,
            at,
          ),
        );
      } else if (p.gateway === cidr.address) {
        out.push(diag('badGateway', `gateway ${quote(p.gateway)} is the guest's own address`, at));
      } else if (!inSubnet(cidr, p.gateway)) {
        out.push(
          diag(
            'badGateway',
            `gateway ${quote(p.gateway)} is outside the subnet of ${quote(p.address)}`,
            at,
            {
              hint: 'a gateway must be reachable directly: inside the address’s subnet',
            },
          ),
        );
      }
    }
  }
  (p.dnsServers ?? []).forEach((server, i) => {
    if (ipFamily(server) === undefined) {
      out.push(
        diag(
          'badDnsServer',
          `DNS server ${quote(server)} is not an IP address`,
          locator.span([...path, 'dnsServers', i]),
          {
            hint: 'DNS servers are written as addresses (names would need DNS to resolve)',
          },
        ),
      );
    }
  });
  return out;
}

function checkPlanSites(entry: DrEntry, names: Names): Diagnostic[] {
  const { value: dr, written, locator } = entry;
  const out: Diagnostic[] = [];
  if (dr.sites[0] === dr.sites[1]) {
    out.push(
      diag(
        'drSites',
        `plan ${quote(dr.name)} names site ${quote(dr.sites[0])} twice`,
        locator.span(['spec', 'sites', 1]),
        {
          hint: 'a DR plan moves guests between two different sites',
        },
      ),
    );
  }
  dr.sites.forEach((site, i) => {
    if (names.missing('Site', site)) {
      out.push(
        diag(
          'unknownSite',
          `site ${quote(site)} is not defined`,
          locator.span(['spec', 'sites', i]),
          {
            hint: didYouMean(site, names.namesOf('Site')),
          },
        ),
      );
    }
  });
  if (!dr.sites.includes(dr.activeSite)) {
    out.push(
      diag(
        'activeSiteNotInPlan',
        `activeSite ${quote(dr.activeSite)} is not one of the plan's sites ${listing(dr.sites.map(quote))}`,
        locator.span(['spec', 'activeSite']),
        {
          hint: didYouMean(dr.activeSite, dr.sites),
        },
      ),
    );
  }
  const replicationNames = new Map<string, number>();
  (written.replication ?? []).forEach((r, i) => {
    const first = replicationNames.get(r.name);
    if (first !== undefined) {
      out.push(
        diag(
          'duplicateReplication',
          `replication ${quote(r.name)} is listed twice`,
          locator.span(['spec', 'replication', i, 'name']),
          {
            related: [
              {
                message: 'first listed here',
                at: locator.span(['spec', 'replication', first, 'name']),
              },
            ],
          },
        ),
      );
    } else replicationNames.set(r.name, i);
  });
  const kinds = dr.sites.map((s) => names.sites.get(s)?.value.provider.kind);
  if (written.ovirt?.spmHandover !== undefined && kinds.every((k) => k === 'libvirt')) {
    out.push(
      diag(
        'spmWithoutOvirt',
        `spmHandover is set but no site of plan ${quote(dr.name)} is an oVirt site`,
        locator.span(['spec', 'ovirt', 'spmHandover'], 'key'),
        {
          hint: 'the Storage Pool Manager only exists in oVirt; remove ovirt.spmHandover',
        },
      ),
    );
  }
  return out;
}

export function checkDisasterRecovery(collected: Collected, names: Names): Diagnostic[] {
  const out: Diagnostic[] = [];
  const planOf = new Map<string, { plan: string; at: SourceSpan }>();
  for (const entry of collected.disasterRecovery) {
    const { value: dr, written, locator } = entry;
    out.push(...checkPlanSites(entry, names));
    const seen = new Map<string, number>();
    written.guests.forEach((g, i) => {
      const base: DocPath = ['spec', 'guests', i];
      const at = locator.span([...base, 'guest']);
      const again = seen.get(g.guest);
      if (again !== undefined) {
        out.push(
          diag(
            'duplicateDrGuest',
            `guest ${quote(g.guest)} is listed twice in plan ${quote(dr.name)}`,
            at,
            {
              related: [
                {
                  message: 'first listed here',
                  at: locator.span(['spec', 'guests', again, 'guest']),
                },
              ],
            },
          ),
        );
        return;
      }
      seen.set(g.guest, i);
      const other = planOf.get(g.guest);
      if (other !== undefined) {
        out.push(
          diag(
            'guestInTwoPlans',
            `guest ${quote(g.guest)} is already in DisasterRecovery plan ${quote(other.plan)}`,
            at,
            {
              hint: 'a guest follows one plan; one plan may hold many guests',
              related: [{ message: 'listed here', at: other.at }],
            },
          ),
        );
      } else planOf.set(g.guest, { plan: dr.name, at });
      const guest = names.guests.get(g.guest)?.value;
      if (guest === undefined && names.missing('Guest', g.guest)) {
        out.push(
          diag(
            'unknownGuest',
            `plan ${quote(dr.name)} names guest ${quote(g.guest)}, which is not defined`,
            at,
            {
              hint: didYouMean(g.guest, names.namesOf('Guest')),
            },
          ),
        );
      }
      if (guest !== undefined && !dr.sites.includes(guest.site)) {
        out.push(
          diag(
            'guestSiteNotInPlan',
            `guest ${quote(g.guest)} is at site ${quote(guest.site)}, which is not a site of plan ${quote(dr.name)}`,
            at,
            {
              hint: `set the guest's spec.site to ${listing(dr.sites.map(quote), 'or')}`,
            },
          ),
        );
      }
      for (const site of dr.sites) {
        if (!(site in g.network)) {
          out.push(
            diag(
              'missingNetwork',
              `guest ${quote(g.guest)} has no network personality for site ${quote(site)}`,
              locator.span([...base, 'network'], 'key'),
              {
                hint: `add network.${site}: { address: …/prefix, gateway: …, dnsServers: [...] }`,
              },
            ),
          );
        }
      }
      for (const [site, personality] of Object.entries(g.network)) {
        const path: DocPath = [...base, 'network', site];
        // With one site named twice (VW500), the other personality is not the mistake.
        if (!dr.sites.includes(site) && dr.sites[0] !== dr.sites[1]) {
          out.push(
            diag(
              'networkSiteNotInPlan',
              `network personality for ${quote(site)}, which is not a site of plan ${quote(dr.name)}`,
              locator.span(path, 'key'),
              {
                hint:
                  didYouMean(site, dr.sites) ??
                  `the plan's sites are ${listing(dr.sites.map(quote))}`,
              },
            ),
          );
        }
        out.push(...checkPersonality(personality, path, locator));
      }
    });
  }
  return out;
}
