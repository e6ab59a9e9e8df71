/**
 * The published schemas: one self-contained file per kind plus `virtwarden.schema.json`, which
 * dispatches on `kind` (if/then) for editors. Every file carries the definitions it uses in its
 * own `$defs` and refers to nothing outside itself, so editors and yaml-language-server load
 * it from a relative path without resolving `$id`s over the network.
 */
import type { Schema } from './builders.js';
import { API_VERSION, COMMON_DEFS, documentSchema, KINDS, type Kind } from './common.js';
import { DR_SCHEMA } from './dr.js';
import { GUEST_SCHEMA } from './guest.js';
import type { KindSchema } from './kind-schema.js';
import { SERVICE_SCHEMA } from './service.js';
import { SITE_SCHEMA } from './site.js';
import { STORAGE_SCHEMA } from './storage.js';

export const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
export const SCHEMA_BASE = 'https://virtwarden.dev/schemas/v1/';
export const UMBRELLA_FILE = 'virtwarden.schema.json';

export const KIND_SCHEMAS: Readonly<Record<Kind, KindSchema>> = {
  Site: SITE_SCHEMA,
  Guest: GUEST_SCHEMA,
  StorageMapping: STORAGE_SCHEMA,
  DisasterRecovery: DR_SCHEMA,
  Service: SERVICE_SCHEMA,
};

function allDefs(): Record<string, Schema> {
  const defs: Record<string, Schema> = { ...COMMON_DEFS };
  for (const kind of KINDS) {
    for (const [name, schema] of Object.entries(KIND_SCHEMAS[kind].defs)) {
      if (name in defs) throw new Error(`schema definition '${name}' is defined twice`);
      defs[name] = schema;
    }
  }
  return defs;
}

function refsIn(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) refsIn(item, out);
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')) {
        out.add(value.slice('#/$defs/'.length));
      } else {
        refsIn(value, out);
      }
    }
  }
}

/** The definitions `root` needs, transitively, in a stable order. */
function reachable(root: Schema, defs: Readonly<Record<string, Schema>>): Record<string, Schema> {
  const seen = new Set<string>();
  const queue = new Set<string>();
  refsIn(root, queue);
  while (queue.size > 0) {
    const [name] = queue;
    if (name === undefined) break;
    queue.delete(name);
    if (seen.has(name)) continue;
    seen.add(name);
    const def = defs[name];
    if (def === undefined) throw new Error(`schema definition '${name}' is missing`);
    const more = new Set<string>();
    refsIn(def, more);
    for (const m of more) if (!seen.has(m)) queue.add(m);
  }
  const out: Record<string, Schema> = {};
  for (const name of [...seen].sort()) {
    const def = defs[name];
    if (def !== undefined) out[name] = def;
  }
  return out;
}

/** The published schema of one kind (a whole document of that kind). */
export function kindSchemaDocument(kind: Kind): Schema {
  const k = KIND_SCHEMAS[kind];
  const body = documentSchema(kind, k.description, k.spec);
  return {
    $schema: SCHEMA_DIALECT,
    $id: SCHEMA_BASE + k.file,
    title: k.title,
    ...body,
    $defs: reachable(body, allDefs()),
  };
}

/** `virtwarden.schema.json`: any virtwarden document, checked by the schema of its kind. */
export function umbrellaSchema(): Schema {
  const defs: Record<string, Schema> = { ...allDefs() };
  for (const kind of KINDS) {
    const k = KIND_SCHEMAS[kind];
    defs[`${kind}Document`] = documentSchema(kind, k.description, k.spec);
  }
  return {
    $schema: SCHEMA_DIALECT,
    $id: SCHEMA_BASE + UMBRELLA_FILE,
    title: 'virtwarden manifest',
    description:
      'Any virtwarden manifest document. `kind` selects the schema the document is checked ' +
      'against: ' +
      KINDS.join(', ') +
      '.',
    type: 'object',
    properties: {
      apiVersion: {
        type: 'string',
        const: API_VERSION,
        description: 'Version of the manifest language. Always `virtwarden/v1`.',
      },
      kind: { type: 'string', enum: [...KINDS], description: 'What this document describes.' },
      metadata: { $ref: '#/$defs/metadata', description: 'Identifies the object.' },
      spec: { description: 'The body of the object; its fields depend on `kind`.' },
    },
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
    allOf: KINDS.map((kind) => ({
      if: { type: 'object', properties: { kind: { const: kind } }, required: ['kind'] },
      then: { $ref: `#/$defs/${kind}Document` },
    })),
    $defs: defs,
  };
}

/** Every published file, by file name under `schemas/`. */
export function publishedSchemas(): ReadonlyMap<string, Schema> {
  const files = new Map<string, Schema>();
  for (const kind of KINDS) files.set(KIND_SCHEMAS[kind].file, kindSchemaDocument(kind));
  files.set(UMBRELLA_FILE, umbrellaSchema());
  return files;
}
