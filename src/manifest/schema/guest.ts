/** `kind: Guest` — one virtual machine and how it must be kept. */
import { bool, int, list, obj, ref, str } from './builders.js';
import type { KindSchema } from './kind-schema.js';
import { PATTERNS } from './patterns.js';

const hostList = (description: string) =>
  list(description, ref('name', 'A host name from a Site.'), { uniqueItems: true });

export const GUEST_SCHEMA: KindSchema = {
  kind: 'Guest',
  file: 'guest.schema.json',
  title: 'virtwarden Guest',
  description: 'One virtual machine and how it must be kept: where it runs, how it fails over.',
  spec: obj(
    'The guest and its high-availability policy.',
    {
      site: ref(
        'name',
        'The Site it runs at when no DisasterRecovery plan says otherwise (a guest in a DR plan ' +
          "runs at the plan's activeSite).",
      ),
      name: str(
        'Its name at the hypervisor (libvirt domain name / oVirt VM name). Default: ' +
          '`metadata.name`.',
        { pattern: PATTERNS.hypervisorName.pattern },
      ),
      state: str(
        '`running`: runs on exactly one placement host, defined with the same XML on all of ' +
          'them. `stopped`: defined, running nowhere. `absent`: undefined everywhere (only ' +
          'guests virtwarden owns). Default `running`.',
        { enum: ['running', 'stopped', 'absent'], default: 'running' },
      ),
      definition: obj(
        'libvirt sites only: the domain XML that is the source of truth. Required for libvirt ' +
          'guests that are running or stopped; not allowed for oVirt guests.',
        {
          file: str(
            "Path of the domain XML, relative to this manifest's directory. Its root is " +
              "`<domain type='kvm'>`; a `<name>` in it must equal the guest's hypervisor name; " +
              'a missing `<uuid>` is derived from the name.',
          ),
        },
        { required: ['file'] },
      ),
      placement: obj(
        'Where the guest may run (libvirt). oVirt guests have no placement: the engine places them.',
        {
          hosts: hostList(
            'Hosts it may run on, most preferred first (SystemList). Required for libvirt guests.',
          ),
          autoStart: hostList(
            'Hosts it may be started on from cold, a subset of `hosts` (AutoStartList). ' +
              'Default: all of `hosts`.',
          ),
          failback: bool(
            'Move the guest back to a more preferred host when that host returns. Default false ' +
              '(it stays where it runs: no flapping).',
            false,
          ),
          failbackAfterSeconds: int(
            'With `failback`: a returning host must have been up this long without a break ' +
              'before the guest moves back to it (a host that just failed is not trusted at ' +
              'once). Default 300.',
            { minimum: 0, maximum: 86400, default: 300 },
          ),
        },
      ),
      timing: obj('How long starts and stops may take.', {
        startGraceSeconds: int(
          'Seconds to wait after a start before judging its state (DelayAfterGuestOnline). ' +
            'Default 5.',
          { minimum: 0, maximum: 3600, default: 5 },
        ),
        stopTimeoutSeconds: int(
          'Seconds a graceful shutdown may take before the guest is forced off. Default 30.',
          { minimum: 1, maximum: 86400, default: 30 },
        ),
      }),
      onFailure: obj(
        'Graded response to a failure (crash, unexpected shutdown, I/O-error pause): restarts ' +
          'on the same host first, then `then`.',
        {
          restart: obj('Restarts on the same host before escalating.', {
            max: int('At most this many restarts within the window. Default 2.', {
              minimum: 0,
              maximum: 100,
              default: 2,
            }),
            withinSeconds: int('The window restarts are counted in. Default 600.', {
              minimum: 1,
              maximum: 86400,
              default: 600,
            }),
          }),
          then: str(
            'Once restarts are used up: `failover` (next host in placement), `stop`, or ' +
              '`fault` (mark FAULTED and leave it alone). Default `failover`.',
            { enum: ['failover', 'stop', 'fault'], default: 'failover' },
          ),
        },
      ),
      migration: obj('Live migration when the guest must move while it runs.', {
        live: bool('Migrate live (false: stop, then start on the new host). Default true.', true),
        timeoutSeconds: int('Abort a migration that takes longer. Default 300.', {
          minimum: 1,
          maximum: 86400,
          default: 300,
        }),
        maxDowntimeMs: int('Longest pause allowed at the switch-over. Default 300.', {
          minimum: 1,
          maximum: 60000,
          default: 300,
        }),
        bandwidthMiBps: int('Bandwidth limit in MiB/s. Default: unlimited.', {
          minimum: 1,
          maximum: 1000000,
        }),
        fallback: str(
          'When a live migration fails or times out: `none` keeps the guest running where it ' +
            'is and tries again later; `relocate` stops it there and starts it on the ' +
            'destination (downtime, said so in the plan). Default `none`.',
          { enum: ['none', 'relocate'], default: 'none' },
        ),
      }),
      dependsOn: list(
        'Guests (manifest names) that must run before this one starts and stop after it stops.',
        ref('name', 'A Guest name.'),
        { uniqueItems: true },
      ),
      maintenance: bool('Observe and report only; never act on this guest. Default false.', false),
      health: obj(
        'libvirt sites: the guest itself is watched, not only its process. A guest with ' +
          '`health` whose watchdog fired (a hung kernel) climbs `ladder` instead of being ' +
          'restarted as a crash.',
        {
          ladder: list(
            'The responses to a liveness failure (a watchdog that fired), one rung per failure ' +
              'within `onFailure.restart.withinSeconds`: `reboot` (asks the guest: ACPI or ' +
              'agent), `reset` (hard reset, same process), `restart` (stop and start on the ' +
              'same host); once used up, `onFailure.then`. Default [reset, restart].',
            str('One response to a liveness failure.', { enum: ['reboot', 'reset', 'restart'] }),
            { minItems: 1, maxItems: 10 },
          ),
        },
      ),
    },
    { required: ['site'] },
  ),
  defs: {},
};
