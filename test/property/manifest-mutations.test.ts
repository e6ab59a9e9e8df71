/**
 * Property: whatever is done to valid manifests — nodes deleted, duplicated, retyped or
 * renamed, garbage bytes injected, files truncated — `parseManifestSources` never throws and
 * reports only diagnostics that carry a code and a position inside an existing file.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { parseManifestSources } from '../../src/manifest/index.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

interface Example {
  readonly yaml: ReadonlyMap<string, string>;
  readonly other: ReadonlyMap<string, string>;
}

function readExample(dir: string): Example {
  const yaml = new Map<string, string>();
  const other = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(e.name)) yaml.set(full, readFileSync(full, 'utf8'));
      else other.set(full, readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return { yaml, other };
}

const examples = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => readExample(path.join(EXAMPLES, e.name)));

type Content = string | Uint8Array;

/** Check the result of loading `sources`; throws with a description when a property fails. */
function checkLoad(
  sources: ReadonlyMap<string, Content>,
  other: ReadonlyMap<string, Content>,
): void {
  const all = new Map([...sources, ...other]);
  const result = parseManifestSources(
    [...sources].map(([p, content]) => ({ path: p, content })),
    (p) => {
      const c = other.get(p);
      return c === undefined
        ? undefined
        : typeof c === 'string'
          ? c
          : Buffer.from(c).toString('utf8');
    },
  );
  for (const d of result.diagnostics) {
    expect(d.code).toMatch(/^VW\d{3}$/);
    expect(d.message.length).toBeGreaterThan(0);
    if (d.at === undefined) throw new Error(`no position: ${d.code} ${d.message}`);
    const content = all.get(d.at.file);
    if (content === undefined) throw new Error(`unknown file ${d.at.file} in ${d.code}`);
    const lines = Buffer.from(content).toString('latin1').split('\n');
    const line = lines[d.at.line - 1];
    if (d.at.line < 1 || line === undefined) {
      throw new Error(`${d.code} line ${d.at.line} outside ${lines.length} lines: ${d.message}`);
    }
    if (d.at.col < 1 || d.at.col > line.length + 2) {
      throw new Error(`${d.code} column ${d.at.col} outside line of ${line.length}: ${d.message}`);
    }
  }
  const errors = result.diagnostics.some((d) => d.severity === 'error');
  expect(result.desired === undefined).toBe(errors);
}

// ---------------------------------------------------------------- text and byte mutations

const textMutation = fc.oneof(
  fc.record({
    kind: fc.constant('truncate' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('inject' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({ kind: fc.constant('deleteLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('tabIndent' as const), line: fc.nat() }),
  fc.record({
    kind: fc.constant('replaceChar' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    char: fc.constantFrom(
      ':',
      '-',
      '[',
      ']',
      '{',
      '}',
      '&',
      '*',
      '!',
      '"',
      "'",
      '#',
      '|',
      '>',
      ' ',
      '\n',
      '%',
    ),
  }),
);

type TextMutation = typeof textMutation extends fc.Arbitrary<infer T> ? T : never;

function mutateText(text: string, m: TextMutation): Content {
  const bytes = Buffer.from(text);
  const lines = text.split('\n');
  const pick = (n: number): number => n % Math.max(1, lines.length);
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, Math.floor(bytes.length * m.at));
    case 'inject': {
      const at = Math.floor(bytes.length * m.at);
      return Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
    }
    case 'deleteLine':
      return lines.filter((_, i) => i !== pick(m.line)).join('\n');
    case 'duplicateLine':
      return lines.flatMap((l, i) => (i === pick(m.line) ? [l, l] : [l])).join('\n');
    case 'swapLines': {
      const copy = [...lines];
      const [a, b] = [pick(m.a), pick(m.b)];
      [copy[a], copy[b]] = [copy[b] ?? '', copy[a] ?? ''];
      return copy.join('\n');
    }
    case 'tabIndent':
      return lines.map((l, i) => (i === pick(m.line) ? '\t' + l : l)).join('\n');
    case 'replaceChar': {
      const at = Math.floor(text.length * m.at);
      return text.slice(0, at) + m.char + text.slice(at + 1);
    }
  }
}

// ---------------------------------------------------------------- node mutations

const nodeMutation = fc.record({
  node: fc.nat(),
  kind: fc.constantFrom('delete', 'duplicate', 'retype', 'rename'),
  value: fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -5, max: 100000 }),
    fc.double({ noNaN: true }),
    fc.string({ maxLength: 12 }),
    fc.constant([] as unknown[]),
    fc.constant({}),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  ),
  name: fc.string({ minLength: 1, maxLength: 12 }),
});

type NodeMutation = typeof nodeMutation extends fc.Arbitrary<infer T> ? T : never;

/** Every (parent collection, index) pair of a document, in document order. */
function slots(root: unknown): { parent: YamlNode; index: number }[] {
  const out: { parent: YamlNode; index: number }[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node) || isSeq(node)) {
      node.items.forEach((item, index) => {
        out.push({ parent: node, index });
        stack.push(isMap(node) ? (item as { value: unknown }).value : item);
      });
    }
  }
  return out;
}

function mutateNode(text: string, m: NodeMutation): string {
  const docs = text.split(/^---$/m);
  const which = m.node % docs.length;
  const doc = parseDocument(docs[which] ?? '');
  // An earlier mutation may have made the document invalid YAML (a duplicated key): it is
  // still loaded as it is, just not mutated further through the YAML model.
  if (doc.errors.length > 0) return text;
  const all = slots(doc.contents);
  const slot = all[m.node % Math.max(1, all.length)];
  if (slot === undefined) return text;
  const parent = slot.parent;
  if (isMap(parent)) {
    const pair = parent.items[slot.index];
    if (pair === undefined) return text;
    if (m.kind === 'delete') parent.items.splice(slot.index, 1);
    else if (m.kind === 'duplicate') parent.items.splice(slot.index, 0, pair);
    else if (m.kind === 'retype') pair.value = doc.createNode(m.value);
    else if (isScalar(pair.key)) pair.key = doc.createNode(m.name);
  } else if (isSeq(parent)) {
    const item = parent.items[slot.index];
    if (m.kind === 'delete') parent.items.splice(slot.index, 1);
    else if (m.kind === 'duplicate') parent.items.splice(slot.index, 0, item);
    else parent.items[slot.index] = doc.createNode(m.kind === 'rename' ? m.name : m.value);
  }
  docs[which] = doc.toString();
  return docs.join('---\n');
}

// ---------------------------------------------------------------- properties

const target = fc.record({ example: fc.nat(), file: fc.nat() });

function applyTo(
  choice: { example: number; file: number },
  mutate: (text: string) => Content,
): void {
  const example = examples[choice.example % examples.length];
  if (example === undefined) throw new Error('no examples');
  const files = [...example.yaml.keys()];
  const file = files[choice.file % files.length] ?? '';
  const sources = new Map<string, Content>(example.yaml);
  sources.set(file, mutate(example.yaml.get(file) ?? ''));
  checkLoad(sources, example.other);
}

describe('manifest loader under mutation', () => {
  it('has examples to mutate', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  it('never throws on text and byte mutations', () => {
    fc.assert(
      fc.property(target, fc.array(textMutation, { minLength: 1, maxLength: 3 }), (choice, ms) => {
        applyTo(choice, (text) =>
          ms.reduce<Content>((t, m) => mutateText(Buffer.from(t).toString('utf8'), m), text),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on node mutations (delete, duplicate, retype, rename)', () => {
    fc.assert(
      fc.property(target, fc.array(nodeMutation, { minLength: 1, maxLength: 3 }), (choice, ms) => {
        applyTo(choice, (text) => ms.reduce((t, m) => mutateNode(t, m), text));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on mutated domain XML', () => {
    fc.assert(
      fc.property(fc.nat(), textMutation, (n, m) => {
        const example = examples.find(
          (e) => e.other.size > 0 && [...e.other.keys()].some((k) => k.endsWith('.xml')),
        );
        if (example === undefined) throw new Error('no example with XML');
        const xmlFiles = [...example.other.keys()].filter((k) => k.endsWith('.xml'));
        const file = xmlFiles[n % xmlFiles.length] ?? '';
        const other = new Map<string, Content>(example.other);
        other.set(file, mutateText(example.other.get(file) ?? '', m));
        checkLoad(example.yaml, other);
      }),
      { numRuns: 200 },
    );
  });
});
