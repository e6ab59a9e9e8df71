/**
 * The catalogue and the docs stay complete: every code is unique, documented in
 * docs/diagnostics.md and exercised by a fixture or a named test; every schema field is
 * explained in docs/manifests.md.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALL_CODES } from '../../../src/manifest/index.js';
import { CONDITION_REASONS } from '../../../src/reconcile/conditions.js';
import { kindSchemaDocument } from '../../../src/manifest/schema/publish.js';
import { KINDS } from '../../../src/manifest/schema/common.js';

const read = (rel: string): string =>
  readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');
const BAD = fileURLToPath(new URL('../../fixtures/manifests/bad/', import.meta.url));

/** Codes that need a real file system state or huge input: tested in load/hostile tests. */
const TESTED_ELSEWHERE = new Set(['VW001', 'VW002', 'VW004', 'VW008', 'VW309']);
/** Planner codes are about the world, not manifests: the planner's unit tests show them. */
const PLANNER = /^VW9\d\d$/;

type Node = Record<string, unknown>;

function fieldPaths(schema: Node, root: Node, prefix: string, out: string[]): void {
  let node = schema;
  while (typeof node.$ref === 'string') {
    node = (root.$defs as Record<string, Node>)[node.$ref.replace('#/$defs/', '')] ?? {};
  }
  for (const [name, child] of Object.entries(
    (node.properties as Record<string, Node> | undefined) ?? {},
  )) {
    const p = `${prefix}.${name}`;
    out.push(p);
    fieldPaths(child, root, p, out);
    let c = child;
    while (typeof c.$ref === 'string')
      c = (root.$defs as Record<string, Node>)[c.$ref.replace('#/$defs/', '')] ?? {};
    if (c.type === 'array' && typeof c.items === 'object')
      fieldPaths(c.items as Node, root, `${p}[]`, out);
    if (typeof c.additionalProperties === 'object')
      fieldPaths(c.additionalProperties as Node, root, `${p}.SITE`, out);
  }
}

describe('diagnostic catalogue', () => {
  it('has unique, well-formed codes', () => {
    const codes = ALL_CODES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^VW\d{3}$/);
  });

  it('documents every code in docs/diagnostics.md, and no other', () => {
    const doc = read('../../../docs/diagnostics.md');
    const documented = [...doc.matchAll(/^### (VW\d{3}) — /gm)].map((m) => m[1]);
    expect(documented).toEqual(ALL_CODES.map((c) => c.code));
    for (const c of ALL_CODES)
      expect(doc).toContain(`### ${c.code} — ${c.summary}\n\n*${c.severity}*`);
  });

  it('exercises every code with a fixture (or a named test)', () => {
    const seen = new Set<string>();
    for (const dir of readdirSync(BAD)) {
      const expected = JSON.parse(readFileSync(`${BAD}${dir}/expect.json`, 'utf8')) as {
        code: string;
      }[];
      for (const e of expected) seen.add(e.code);
    }
    const missing = ALL_CODES.map((c) => c.code).filter(
      (c) => !seen.has(c) && !TESTED_ELSEWHERE.has(c) && !PLANNER.test(c),
    );
    expect(missing).toEqual([]);
  });
});

describe('condition reasons', () => {
  it('documents every reason a guest condition can carry, and no other', () => {
    const doc = read('../../../docs/diagnostics.md');
    const section = doc.slice(doc.indexOf('## Guest conditions'));
    const documented = [...section.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(Object.keys(CONDITION_REASONS));
  });
});

describe('docs/manifests.md', () => {
  it('explains every field of every kind', () => {
    const doc = read('../../../docs/manifests.md');
    const missing: string[] = [];
    for (const kind of KINDS) {
      const root = kindSchemaDocument(kind) as Node;
      const paths: string[] = [];
      fieldPaths((root.properties as Record<string, Node>).spec ?? {}, root, 'spec', paths);
      expect(paths.length).toBeGreaterThan(0);
      for (const p of paths) if (!doc.includes(`\`${p}\``)) missing.push(`${kind} ${p}`);
    }
    expect(missing).toEqual([]);
  });

  it('shows the editor modeline', () => {
    expect(read('../../../docs/manifests.md')).toContain(
      '# yaml-language-server: $schema=../schemas/virtwarden.schema.json',
    );
  });
});
