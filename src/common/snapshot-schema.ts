/**
 * The JSON Schema of an observation snapshot (`virtwarden observe --save FILE`), published as
 * `schemas/observation-snapshot.schema.json` (a test keeps the file equal to this object) and
 * used by `plan --observed` / `simulate --observed` to check a snapshot before trusting it.
 *
 * It is the provider-neutral `Observed` of src/model/observed.ts written as JSON: maps become
 * lists, every field the planner reads is here, and nothing else is (closed objects), so a
 * snapshot from a newer virtwarden with fields this one does not know is refused, not half-read.
 */

export const SNAPSHOT_KIND = 'ObservationSnapshot';
export const SNAPSHOT_VERSION = 1;
export const SNAPSHOT_SCHEMA_FILE = 'observation-snapshot.schema.json';
export const SNAPSHOT_SCHEMA_ID = `https://virtwarden.dev/schemas/v1/${SNAPSHOT_SCHEMA_FILE}`;

const str = (description: string): Record<string, unknown> => ({ type: 'string', description });
const bool = (description: string): Record<string, unknown> => ({ type: 'boolean', description });
const int = (description: string, minimum = 0): Record<string, unknown> => ({
  type: 'integer',
  minimum,
  description,
});

function closed(
  description: string,
  required: readonly string[],
  properties: Record<string, unknown>,
): Record<string, unknown> {
  return { type: 'object', description, additionalProperties: false, required, properties };
}

const ownership = closed(
  "virtwarden's ownership record from the guest's persistent definition.",
  ['guest'],
  {
    guest: str('Manifest name of the guest that owns this domain.'),
    definitionHash: str('Hash of the definition virtwarden last wrote, disks included.'),
    baseHash: str('Hash of that definition without the disks of storage mappings.'),
    mappedDisks: int('How many mapped disks that definition carries.'),
    defineId: str('Id of the define virtwarden made (another id: redefined by someone else).'),
  },
);

const disk = closed('A disk as the running guest has it.', ['target', 'bus', 'device', 'source'], {
  target: str('Target device, e.g. vdb.'),
  bus: str('virtio, scsi, …'),
  device: str('disk, lun, cdrom, …'),
  source: str('Host path, or pool/volume.'),
  alias: str("User alias; virtwarden's mapped disks have ua-vw-<target>."),
});

const change = closed('One element of a definition changed outside virtwarden.', ['path'], {
  path: str('Where, e.g. /domain/memory.'),
  applied: str('What virtwarden applied (absent: added by hand).'),
  now: str('What is there now (absent: removed by hand).'),
});

const details = closed('Per-domain details the planner reads for managed guests.', [], {
  owner: ownership,
  liveBaseHash: str('Base hash the running instance was started with.'),
  liveDisks: { type: 'array', items: disk, description: "The running guest's disks." },
  drift: { type: 'array', items: change, description: 'Hand edits of the definition.' },
});

const guestStates = ['ONLINE', 'OFFLINE', 'FAULTED', 'UNKNOWN', 'INTENTIONAL_OFFLINE'];

const guest = closed(
  'One guest as one host (libvirt) or one engine (oVirt) reports it.',
  [
    'domainName',
    'state',
    'confidence',
    'detail',
    'active',
    'persistent',
    'autostart',
    'managedSave',
  ],
  {
    domainName: str('The hypervisor name of the domain.'),
    uuid: str('Its UUID.'),
    host: str('libvirt: the host holding it. oVirt: the host it runs on (absent while down).'),
    state: { enum: guestStates, description: 'The provider-neutral state.' },
    confidence: { type: 'integer', minimum: 0, maximum: 100, description: 'How sure, 0–100.' },
    detail: str("The provider's own words, e.g. `running (booted)`."),
    active: bool('A guest process exists.'),
    migrating: bool('One end of a live migration in flight.'),
    persistent: bool('It has a persistent definition on this host.'),
    autostart: bool("libvirt's autostart flag."),
    managedSave: bool('It has a managed save image.'),
    runId: int('libvirt domain id while active.', -1),
    details,
  },
);

const volume = closed(
  'A storage pool volume as one host sees it.',
  ['pool', 'name', 'path', 'capacityBytes'],
  {
    pool: str('Pool name.'),
    name: str('Volume name.'),
    path: str('Its path on the host.'),
    capacityBytes: int('Capacity in bytes.'),
    format: str('raw, qcow2, …'),
    backingPath: str('Backing file of a copy-on-write overlay.'),
  },
);

const pool = closed('A storage pool the manifests use, as one host has it.', ['name', 'active'], {
  name: str('Pool name.'),
  active: bool('The pool is active.'),
  path: str('Its target path.'),
});

const host = closed('One host and what it could do when observed.', ['name', 'status'], {
  name: str('Host name, as in the Site manifest.'),
  status: {
    enum: ['up', 'unreachable', 'maintenance', 'down'],
    description: 'up, unreachable (its guests may still run), maintenance or down.',
  },
  reason: str('Why it is not up, in the provider’s words.'),
  liveMigration: bool('false when its driver cannot live-migrate (moves become relocations).'),
  hotplug: bool('false when its driver cannot hot-plug disks.'),
  pools: { type: 'array', items: pool, description: 'Storage pools the manifests use.' },
  volumes: { type: 'array', items: volume, description: 'Volumes of those pools.' },
});

const site = closed(
  'One site: its hosts and every guest seen on them.',
  ['name', 'kind', 'reachable', 'hosts', 'guests'],
  {
    name: str('Site name, as in the Site manifest.'),
    kind: { enum: ['libvirt', 'ovirt'], description: 'The provider kind.' },
    reachable: bool("The site's control plane answered."),
    reason: str('Why it did not answer.'),
    hosts: { type: 'array', items: host, description: 'Its hosts.' },
    guests: { type: 'array', items: guest, description: 'Every guest seen at the site.' },
  },
);

export const SNAPSHOT_SCHEMA: Record<string, unknown> = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: SNAPSHOT_SCHEMA_ID,
  title: 'virtwarden observation snapshot',
  ...closed(
    'What the providers observed at one moment (`virtwarden observe --save`), for `plan --observed` and `simulate`. Holds no secret.',
    ['kind', 'version', 'takenAt', 'sites'],
    {
      $schema: str('This schema’s URL (for editors).'),
      kind: { const: SNAPSHOT_KIND, description: 'Always ObservationSnapshot.' },
      version: { const: SNAPSHOT_VERSION, description: 'The format version (1).' },
      takenAt: {
        type: 'string',
        pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}',
        description: 'When it was observed (ISO 8601, UTC).',
      },
      sites: { type: 'array', items: site, description: 'Every site of the manifests.' },
    },
  ),
};
