/**
 * Observation snapshots: an `Observed` written as a versioned JSON document and read back,
 * checked against its published schema (src/common/snapshot-schema.ts). A snapshot lets
 * `plan` and `simulate` run where no host can be reached (a CI job on a pull request).
 *
 * Secrets: a snapshot holds what providers report, which never carries a secret by contract
 * (definitions are read without VIR_DOMAIN_XML_SECURE), and every string in it goes through
 * the process-wide redactor on the way out, like any other output.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type {
  Observed,
  ObservedGuest,
  ObservedHost,
  ObservedSite,
  ObservedVolume,
} from '../model/observed.js';
import { TerminalError } from './errors.js';
import { secrets } from './redact.js';
import {
  SNAPSHOT_KIND,
  SNAPSHOT_SCHEMA,
  SNAPSHOT_SCHEMA_ID,
  SNAPSHOT_VERSION,
} from './snapshot-schema.js';

interface HostDoc {
  readonly name: string;
  readonly status: ObservedHost['status'];
  readonly reason?: string;
  readonly liveMigration?: boolean;
  readonly hotplug?: boolean;
  readonly pools?: readonly { name: string; active: boolean; path?: string }[];
  readonly volumes?: readonly ObservedVolume[];
}

interface SiteDoc {
  readonly name: string;
  readonly kind: ObservedSite['kind'];
  readonly reachable: boolean;
  readonly reason?: string;
  readonly hosts: readonly HostDoc[];
  readonly guests: readonly ObservedGuest[];
}

export interface SnapshotDocument {
  readonly $schema?: string;
  readonly kind: typeof SNAPSHOT_KIND;
  readonly version: typeof SNAPSHOT_VERSION;
  readonly takenAt: string;
  readonly sites: readonly SiteDoc[];
}

function hostDoc(h: ObservedHost): HostDoc {
  return {
    name: h.name,
    status: h.status,
    ...(h.reason !== undefined ? { reason: h.reason } : {}),
    ...(h.liveMigration !== undefined ? { liveMigration: h.liveMigration } : {}),
    ...(h.hotplug !== undefined ? { hotplug: h.hotplug } : {}),
    ...(h.pools !== undefined
      ? {
          pools: [...h.pools].map(([name, p]) => ({
            name,
            active: p.active,
            ...(p.path !== undefined ? { path: p.path } : {}),
          })),
        }
      : {}),
    ...(h.volumes !== undefined ? { volumes: [...h.volumes.values()] } : {}),
  };
}

/** The snapshot document of an observation (secrets redacted, JSON-ready). */
export function snapshotOf(observed: Observed, takenAt: Date): SnapshotDocument {
  const doc: SnapshotDocument = {
    $schema: SNAPSHOT_SCHEMA_ID,
    kind: SNAPSHOT_KIND,
    version: SNAPSHOT_VERSION,
    takenAt: takenAt.toISOString(),
    sites: [...observed.sites.values()].map((s) => ({
      name: s.name,
      kind: s.kind,
      reachable: s.reachable,
      ...(s.reason !== undefined ? { reason: s.reason } : {}),
      hosts: [...s.hosts.values()].map(hostDoc),
      // Round-tripped through JSON: undefined fields go, the shape is the schema's.
      guests: s.guests.map((g) => JSON.parse(JSON.stringify(g)) as ObservedGuest),
    })),
  };
  return secrets.redactValue(doc);
}

let validator: ValidateFunction | undefined;

function validate(value: unknown): readonly ErrorObject[] {
  validator ??= new Ajv2020({ allErrors: true, strict: true }).compile(SNAPSHOT_SCHEMA);
  return validator(value) ? [] : (validator.errors ?? []);
}

/** `/sites/0/hosts/1/status` → `sites[0] (primary).hosts[1] (kvm2).status`. */
function fieldName(pointer: string, root: unknown): string {
  let node = root;
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      node = node[Number(seg)] as unknown;
      const named = node as { name?: unknown; domainName?: unknown } | undefined;
      const label = typeof named === 'object' ? (named.name ?? named.domainName) : undefined;
      out += `[${seg}]${typeof label === 'string' ? ` (${label})` : ''}`;
    } else {
      node =
        typeof node === 'object' && node !== null
          ? (node as Record<string, unknown>)[seg]
          : undefined;
      out += out === '' ? seg : `.${seg}`;
    }
  }
  return out;
}

function describe(e: ErrorObject, root: unknown): string {
  const at = fieldName(e.instancePath, root);
  const field = (name: string): string => (at === '' ? name : `${at}.${name}`);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `field ${field(String(params.additionalProperty))}: unknown field`;
    case 'required':
      return `field ${field(String(params.missingProperty))}: missing`;
    case 'enum':
      return `field ${at}: must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `field ${at}: must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return `field ${at === '' ? '(document)' : at}: ${e.message ?? 'invalid'}`;
  }
}

/** Where a JSON syntax error is, as line:column, when the engine says its position. */
function jsonErrorAt(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return '';
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const col = before.length - before.lastIndexOf('\n');
  return `:${String(line)}:${String(col)}`;
}

/** The error a bad snapshot gets: it names the file and the field. */
export class SnapshotError extends TerminalError {
  constructor(file: string, problems: readonly string[]) {
    super('bad-snapshot', `${file}: not a usable observation snapshot: ${problems.join('; ')}`);
    this.name = 'SnapshotError';
  }
}

function toSite(s: SiteDoc): ObservedSite {
  const hosts = new Map<string, ObservedHost>();
  for (const h of s.hosts) {
    const { pools, volumes, ...rest } = h;
    hosts.set(h.name, {
      ...rest,
      site: s.name,
      ...(pools !== undefined
        ? {
            pools: new Map(
              pools.map((p) => [
                p.name,
                { active: p.active, ...(p.path !== undefined ? { path: p.path } : {}) },
              ]),
            ),
          }
        : {}),
      ...(volumes !== undefined
        ? { volumes: new Map(volumes.map((v) => [`${v.pool}/${v.name}`, v])) }
        : {}),
    });
  }
  return {
    name: s.name,
    kind: s.kind,
    reachable: s.reachable,
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    hosts,
    guests: s.guests,
  };
}

/** Parse and check a snapshot's text; `file` names it in errors. */
export function parseSnapshot(text: string, file: string): { observed: Observed; takenAt: Date } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new SnapshotError(`${file}${jsonErrorAt(text, message)}`, [`not JSON (${message})`]);
  }
  const errors = validate(value);
  if (errors.length > 0) {
    const shown = errors.slice(0, 5).map((e) => describe(e, value));
    if (errors.length > 5) shown.push(`and ${String(errors.length - 5)} more`);
    throw new SnapshotError(file, shown);
  }
  const doc = value as SnapshotDocument;
  const problems: string[] = [];
  const names = new Set<string>();
  doc.sites.forEach((s, i) => {
    if (names.has(s.name)) problems.push(`field sites[${String(i)}].name: '${s.name}' twice`);
    names.add(s.name);
  });
  if (Number.isNaN(Date.parse(doc.takenAt))) problems.push(`field takenAt: not a date`);
  if (problems.length > 0) throw new SnapshotError(file, problems);
  return {
    observed: { sites: new Map(doc.sites.map((s) => [s.name, toSite(s)])) },
    takenAt: new Date(doc.takenAt),
  };
}

/** The manifests' sites must all be in the snapshot, each of the same kind. */
export function checkSnapshotSites(
  file: string,
  observed: Observed,
  sites: ReadonlyMap<string, { readonly provider: { readonly kind: string } }>,
): void {
  const problems: string[] = [];
  for (const [name, site] of sites) {
    const seen = observed.sites.get(name);
    if (seen === undefined) {
      problems.push(`field sites: no site '${name}' (the manifests have it)`);
    } else if (seen.kind !== site.provider.kind) {
      problems.push(
        `field sites (${name}).kind: '${seen.kind}', but the manifests make it ${site.provider.kind}`,
      );
    }
  }
  if (problems.length > 0) throw new SnapshotError(file, problems);
}
