/** `kind: DisasterRecovery` — bringing guests up at another site. */
import { int, list, map, obj, ref, str } from './builders.js';
import type { KindSchema } from './kind-schema.js';
import { PATTERNS } from './patterns.js';

export const DR_SCHEMA: KindSchema = {
  kind: 'DisasterRecovery',
  file: 'disasterrecovery.schema.json',
  title: 'virtwarden DisasterRecovery',
  description:
    'Bringing guests up at another site: replication follows `activeSite`, guests start ' +
    'there with their network personality for that site. Change `activeSite` (a reviewed ' +
    'commit) to fail over.',
  spec: obj(
    'The two sites, the guests, and how storage follows.',
    {
      sites: list('The two sites of the plan.', ref('name', 'A Site name.'), {
        minItems: 2,
        maxItems: 2,
      }),
      activeSite: ref('name', 'The site the guests run at now; one of `sites`.'),
      guests: list(
        'The guests that move with the plan, each with its network personality per site.',
        ref('drGuest', 'One guest of the plan.'),
        { minItems: 1 },
      ),
      replication: list(
        'Array replication groups whose direction follows `activeSite`: promoted at the ' +
          'active site before its guests start.',
        ref('replication', 'One replication group.'),
      ),
      ovirt: obj('oVirt-specific steps of a site switch.', {
        spmHandover: obj(
          "Move the Storage Pool Manager role to the new site's cluster: deactivate the old " +
            "site's hosts, fence a non-responsive SPM, wait, re-activate them.",
          {
            timeoutSeconds: int('How long to wait for the SPM role to move. Default 600.', {
              minimum: 1,
              maximum: 86400,
              default: 600,
            }),
          },
        ),
      }),
      payload: str(
        'How the network personality reaches the guest on a virtual CD-ROM: `cloud-init` ' +
          '(NoCloud, network-config v2), `legacy` (key=value file) or `both`. Default ' +
          '`cloud-init`.',
        { enum: ['cloud-init', 'legacy', 'both'], default: 'cloud-init' },
      ),
    },
    { required: ['sites', 'activeSite', 'guests'] },
  ),
  defs: {
    drGuest: obj(
      'A guest of the plan. It must have no CD-ROM of its own and must not boot from CD-ROM ' +
        'first: the payload uses the CD-ROM.',
      {
        guest: ref('name', 'The Guest (manifest name).'),
        network: map(
          'Its network personality at each site of the plan, keyed by site name; every site ' +
            'needs one (DROpts).',
          PATTERNS.name.pattern,
          ref('networkPersonality', 'The personality at the site named by the key.'),
        ),
      },
      { required: ['guest', 'network'] },
    ),
    networkPersonality: obj(
      "The guest's network settings at one site.",
      {
        device: str('NIC inside the guest, e.g. `eth0`. Default: the first NIC.', {
          pattern: PATTERNS.nicName.pattern,
        }),
        address: str(
          'IP address with prefix length, e.g. `192.168.74.21/22` or `2001:db8::15/64`.',
          { pattern: PATTERNS.noWhitespace.pattern },
        ),
        gateway: str('Default gateway, inside the address’s subnet. Default: none.', {
          pattern: PATTERNS.noWhitespace.pattern,
        }),
        dnsServers: list(
          'DNS server addresses.',
          str('An IP address.', { pattern: PATTERNS.noWhitespace.pattern }),
          { uniqueItems: true },
        ),
        dnsSearch: list(
          'DNS search domains.',
          str('A domain, e.g. `dr.example.com`.', { pattern: PATTERNS.domain.pattern }),
          { uniqueItems: true },
        ),
      },
      { required: ['address'] },
    ),
    replication: obj(
      'One replication group, driven by hook commands that print JSON on stdout.',
      {
        name: ref('name', 'Name of the group; unique in the plan.'),
        command: obj(
          'The hooks, each an argument vector.',
          {
            status: ref('argv', 'Reports the direction and state of the group.'),
            promote: ref('argv', 'Makes the local copy primary (read-write) at the active site.'),
            demote: ref('argv', 'Makes the local copy secondary at the site being left.'),
          },
          { required: ['status', 'promote', 'demote'] },
        ),
        timeoutSeconds: int('How long each hook may run. Default 60.', {
          minimum: 1,
          maximum: 86400,
          default: 60,
        }),
        passEnv: ref(
          'passEnv',
          'Environment variables of the virtwarden process that the command also receives, by ' +
            'name (e.g. `[IPMI_PASSWORD]`). Hooks otherwise get only PATH, HOME, LANG, LC_*, TZ ' +
            'and nothing else: never the engine password. Default: none.',
        ),
      },
      { required: ['name', 'command'] },
    ),
  },
};
