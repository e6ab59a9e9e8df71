/** `kind: Site` — a failure domain and the infrastructure in it (libvirt hosts or an oVirt engine). */
import { bool, int, list, obj, ref, str } from './builders.js';
import type { KindSchema } from './kind-schema.js';

export const SITE_SCHEMA: KindSchema = {
  kind: 'Site',
  file: 'site.schema.json',
  title: 'virtwarden Site',
  description:
    'A failure domain and the infrastructure in it: a set of libvirt hosts, or one oVirt / ' +
    'RHV engine (which places VMs on the hosts of its cluster itself).',
  spec: obj(
    'What the site is made of. Exactly one of `libvirt` or `ovirt`.',
    {
      libvirt: ref('libvirtSite', 'The site is a set of libvirt hosts (KVM/QEMU, Xen, LXC, …).'),
      ovirt: ref('ovirtSite', 'The site is one cluster of an oVirt / RHV engine.'),
    },
    { minProperties: 1, maxProperties: 1 },
  ),
  defs: {
    libvirtSite: obj(
      'A site made of libvirt hosts, each reached through its own connection URI.',
      {
        hosts: list(
          'The hosts of the site. Host names are unique over all sites; guests name them in ' +
            '`placement.hosts`.',
          ref('libvirtHost', 'One libvirt host.'),
          { minItems: 1 },
        ),
        keepalive: obj(
          'Host-loss detection: a host counts as lost after `count` unanswered keepalive probes ' +
            'sent `intervalSeconds` apart (libvirt connection keepalive).',
          {
            intervalSeconds: int('Seconds between keepalive probes. Default 1.', {
              minimum: 1,
              maximum: 60,
              default: 1,
            }),
            count: int('Unanswered probes after which the host is lost. Default 3.', {
              minimum: 1,
              maximum: 100,
              default: 3,
            }),
          },
        ),
        hostLossGraceSeconds: int(
          'A host whose connection dropped counts as lost (fenced, its guests started ' +
            'elsewhere) only once it has been unreachable this long without a break, while ' +
            'virtwarden keeps reconnecting: a restarted libvirtd or a short network blip is ' +
            'not a lost host. Default 15.',
          { minimum: 0, maximum: 3600, default: 15 },
        ),
      },
      { required: ['hosts'] },
    ),
    libvirtHost: obj(
      'One libvirt host.',
      {
        name: ref('name', 'The host name guests use in `placement.hosts`; unique over all sites.'),
        uri: str(
          'libvirt connection URI, e.g. `qemu+ssh://root@kvm1.example.com/system`, ' +
            '`qemu+tls://kvm1/system` or `test:///default`. `test:///./FILE` is a libvirt test ' +
            "driver file relative to this manifest's directory.",
        ),
        migrationUri: str(
          'Where other hosts send live-migration traffic for this host, e.g. ' +
            '`tcp://kvm1-mig.example.com` (a dedicated migration network). Default: the address ' +
            'libvirt chooses.',
        ),
        fence: ref('fence', 'How to power the host off when it is lost. Default: no fencing.'),
        maintenance: bool(
          'Drain the host for planned work: its guests are live-migrated away (dependencies ' +
            'first kept running), nothing new starts there, and it is reported as in ' +
            'maintenance. `virtwarden drain HOST` does the same without a commit. Default false.',
          false,
        ),
      },
      { required: ['name', 'uri'] },
    ),
    fence: obj(
      'A fence agent run on the management host. A lost host is fenced before its guests ' +
        'are started elsewhere, so a guest never runs twice.',
      {
        command: ref(
          'argv',
          'Powers the host off; exit status 0 means it is off. E.g. `[fence_ipmilan, ' +
            '--ip=10.0.0.11, --username=admin, --password-script=/etc/vw/ipmi-pass, --action=off]`. ' +
            'Never put a password on the command line: use the agent’s password-script option.',
        ),
        statusCommand: ref(
          'argv',
          'Optional: reports the power state; exit 0 with `off` on stdout confirms the host is off.',
        ),
        timeoutSeconds: int('How long each command may run. Default 60.', {
          minimum: 1,
          maximum: 3600,
          default: 60,
        }),
        passEnv: ref(
          'passEnv',
          'Environment variables of the virtwarden process that the command also receives, by ' +
            'name (e.g. `[IPMI_PASSWORD]`). Hooks otherwise get only PATH, HOME, LANG, LC_*, TZ ' +
            'and nothing else: never the engine password. Default: none.',
        ),
      },
      { required: ['command'] },
    ),
    ovirtSite: obj(
      'A site that is one cluster of an oVirt / RHV engine, reached through its REST API v4.',
      {
        url: str(
          'API base URL, e.g. `https://rhevm.example.com/ovirt-engine/api`. Must be https://.',
        ),
        user: str('Engine user, e.g. `admin@internal`.'),
        passwordFrom: ref(
          'secretRef',
          'Where the password is read from: `{ env: NAME }` or `{ file: /abs/path }`. A plain ' +
            '`password` field is rejected.',
        ),
        caFile: str(
          "CA bundle (PEM) that signs the engine's certificate; relative to this manifest's " +
            'directory, inside the manifest root. Default: the system CAs. The certificate ' +
            "must also be issued for the url's host name.",
        ),
        insecure: bool(
          'Switch TLS verification off — neither the certificate chain nor the host name is ' +
            'checked, and the password goes to whoever answers (lab use only; validate warns, ' +
            'VW602). Default false.',
          false,
        ),
        cluster: str('The oVirt cluster whose hosts make up this site, e.g. `RHEV-PRIM-CLUS`.'),
        datacenter: str('The oVirt datacenter of the cluster, e.g. `dc1`.'),
        manualFencing: bool(
          'When a host crashes, confirm its fencing through the engine before its VMs are ' +
            'started elsewhere (UseManualRHEVMFencing). Default false.',
          false,
        ),
        pollIntervalSeconds: int(
          "How often `virtwarden watch` polls the engine's event log. Default 2.",
          { minimum: 1, maximum: 3600, default: 2 },
        ),
      },
      { required: ['url', 'user', 'passwordFrom', 'cluster', 'datacenter'] },
    ),
  },
};
