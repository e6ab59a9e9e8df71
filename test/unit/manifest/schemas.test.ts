/**
 * The published JSON Schemas: `schemas/*.json` are exactly what the loader validates with
 * (regenerate with `UPDATE_SCHEMAS=1 npm run jest -- test/unit/manifest/schemas.test.ts`;
 * the files are formatted as prettier formats JSON, so `npm run format` leaves them alone),
 * every field is described and closed to unknown fields, and the umbrella schema that editors
 * use accepts the examples and rejects what the loader rejects.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { parseAllDocuments } from 'yaml';
import {
  publishedSchemas,
  SCHEMA_BASE,
  UMBRELLA_FILE,
} from '../../../src/manifest/schema/publish.js';

const SCHEMAS = fileURLToPath(new URL('../../../schemas/', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const published = publishedSchemas();

/** The file's text: the schema as JSON, formatted by the repository's prettier settings. */
async function serialize(file: string, schema: unknown): Promise<string> {
  const target = path.join(SCHEMAS, file);
  const options = (await prettier.resolveConfig(target)) ?? {};
  return prettier.format(JSON.stringify(schema), { ...options, filepath: target });
}

beforeAll(async () => {
  if (process.env.UPDATE_SCHEMAS !== '1') return;
  for (const [file, schema] of published) {
    writeFileSync(path.join(SCHEMAS, file), await serialize(file, schema));
  }
});

/** Every schema node reachable through properties, items, $defs and additionalProperties. */
function* fieldSchemas(
  node: unknown,
  where: string,
): Generator<{ where: string; schema: Record<string, unknown> }> {
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  const props = schema.properties as Record<string, unknown> | undefined;
  for (const [name, child] of Object.entries(props ?? {})) {
    yield { where: `${where}.${name}`, schema: child as Record<string, unknown> };
    yield* fieldSchemas(child, `${where}.${name}`);
  }
  for (const [name, child] of Object.entries(
    (schema.$defs as Record<string, unknown> | undefined) ?? {},
  )) {
    yield* fieldSchemas(child, `#${name}`);
  }
  if (typeof schema.items === 'object') {
    yield { where: `${where}[]`, schema: schema.items as Record<string, unknown> };
    yield* fieldSchemas(schema.items, `${where}[]`);
  }
  if (typeof schema.additionalProperties === 'object') {
    yield { where: `${where}{}`, schema: schema.additionalProperties as Record<string, unknown> };
    yield* fieldSchemas(schema.additionalProperties, `${where}{}`);
  }
}

function exampleDocuments(): { file: string; doc: unknown }[] {
  const out: { file: string; doc: unknown }[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(e.name)) {
        for (const d of parseAllDocuments(readFileSync(full, 'utf8'))) {
          if (!Array.isArray(d)) out.push({ file: full, doc: d.toJS() });
        }
      }
    }
  };
  walk(EXAMPLES);
  return out;
}

describe('published JSON Schemas', () => {
  it('are the files in schemas/, byte for byte', async () => {
    const onDisk = readdirSync(SCHEMAS)
      // Document schemas (the observation snapshot) are checked by their own tests.
      .filter((f) => f.endsWith('.json') && f !== 'observation-snapshot.schema.json')
      .sort();
    expect(onDisk).toEqual([...published.keys()].sort());
    for (const [file, schema] of published) {
      expect(readFileSync(path.join(SCHEMAS, file), 'utf8')).toBe(await serialize(file, schema));
    }
  });

  it.each([...published.keys()])(
    '%s has $id, draft 2020-12 and a described, closed field set',
    (file) => {
      const schema = published.get(file) as Record<string, unknown>;
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(SCHEMA_BASE + file);
      expect(typeof schema.description).toBe('string');
      const undescribed: string[] = [];
      const open: string[] = [];
      for (const { where, schema: field } of fieldSchemas(schema, '')) {
        if (typeof field.description !== 'string' || field.description.length < 10) {
          undescribed.push(where);
        }
        if (field.properties !== undefined && field.additionalProperties !== false)
          open.push(where);
      }
      expect(undescribed).toEqual([]);
      expect(open).toEqual([]);
      // Self-contained: editors load it from a relative path and need nothing else.
      expect(JSON.stringify(schema)).not.toMatch(/"\$ref":"(?!#\/\$defs\/)/);
    },
  );

  it('compile under ajv strict mode', () => {
    for (const schema of published.values()) {
      const ajv = new Ajv2020({ strict: true, allErrors: true });
      expect(() => ajv.compile(schema)).not.toThrow();
    }
  });

  it('accept every example document through the umbrella schema', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const validate = ajv.compile(published.get(UMBRELLA_FILE) as object);
    const docs = exampleDocuments();
    expect(docs.length).toBeGreaterThan(20);
    for (const { file, doc } of docs) {
      const ok = validate(doc);
      if (!ok) throw new Error(`${file}: ${JSON.stringify(validate.errors)}`);
    }
  });

  it('let the umbrella schema reject a typo and a plain password, as the loader does', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const validate = ajv.compile(published.get(UMBRELLA_FILE) as object);
    const guest = {
      apiVersion: 'virtwarden/v1',
      kind: 'Guest',
      metadata: { name: 'db1' },
      spec: { site: 'primary', placment: { hosts: ['kvm1'] } },
    };
    expect(validate(guest)).toBe(false);
    expect(validate.errors?.some((e) => e.params.additionalProperty === 'placment')).toBe(true);
    const site = {
      apiVersion: 'virtwarden/v1',
      kind: 'Site',
      metadata: { name: 'rhev' },
      spec: {
        ovirt: { url: 'https://e/api', user: 'u', password: 'x', cluster: 'c', datacenter: 'd' },
      },
    };
    expect(validate(site)).toBe(false);
    expect(validate({ ...guest, kind: 'Gest' })).toBe(false);
  });
});
