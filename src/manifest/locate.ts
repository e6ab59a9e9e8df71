/**
 * From a path inside a document (`['spec', 'placement', 'hosts', 1]`) back to where it is
 * written. Every later step (schema errors, normalization, cross-object checks) reports through
 * a `DocLocator`, so each diagnostic points at the offending node, or at its key when that is
 * the clearer place (an unknown field, a missing one). A path that does not exist in the source
 * points at its nearest written ancestor.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Pair } from 'yaml';
import type { SourceSpan } from '../model/diagnostic.js';

export type DocPath = readonly (string | number)[];

type AnyNode = NonNullable<Document.Parsed['contents']>;

/** A span from character offsets, via the file's line counter (lines and columns 1-based). */
export function spanOf(
  file: string,
  lines: LineCounter,
  start: number,
  end: number = start + 1,
): SourceSpan {
  const from = lines.linePos(start);
  const to = lines.linePos(Math.max(end, start + 1));
  return { file, line: from.line, col: from.col, endLine: to.line, endCol: to.col };
}

interface Found {
  node?: AnyNode | null | undefined;
  key?: AnyNode | null | undefined;
}

/** Finds where paths of one document are written. */
export interface Locator {
  readonly file: string;
  /** Where the node at `path` is written; `part: 'key'` prefers the key of a mapping entry. */
  span(path: DocPath, part?: 'key' | 'value'): SourceSpan;
  /** Span of the document itself (its first node). */
  start(): SourceSpan;
}

export class DocLocator implements Locator {
  readonly file: string;
  readonly #doc: Document.Parsed;
  readonly #lines: LineCounter;
  readonly #text: string;

  constructor(file: string, text: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.#text = text;
    this.#doc = doc;
    this.#lines = lines;
  }

  /** Where the node at `path` is written; `part: 'key'` prefers the key of a mapping entry. */
  span(path: DocPath, part: 'key' | 'value' = 'value'): SourceSpan {
    const found = this.#find(path);
    const preferred = part === 'key' ? (found.key ?? found.node) : (found.node ?? found.key);
    const target = hasRange(preferred) && !isEmpty(preferred) ? preferred : found.key;
    const range = hasRange(target) ? target.range : this.#doc.range;
    // A block collection (or block scalar) runs over many lines; its first line is the useful
    // part to underline.
    const newline = this.#text.indexOf('\n', range[0]);
    const end = newline >= 0 && newline < range[1] ? newline : range[1];
    return spanOf(this.file, this.#lines, range[0], end);
  }

  /** Span of the document itself (its first node). */
  start(): SourceSpan {
    const node = this.#doc.contents;
    const offset = hasRange(node) ? node.range[0] : this.#doc.range[0];
    return spanOf(this.file, this.#lines, offset);
  }

  #find(path: DocPath): Found {
    let node: AnyNode | null | undefined = this.#doc.contents;
    let key: AnyNode | null | undefined;
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(this.#doc) as AnyNode | undefined;
      if (isMap(node) && typeof seg === 'string') {
        const items: readonly Pair[] = node.items;
        const pair = items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
        if (pair === undefined) return { node, key };
        key = pair.key as AnyNode;
        node = pair.value as AnyNode | null;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as AnyNode | null | undefined;
        if (item === undefined) return { node, key };
        key = undefined;
        node = item;
      } else {
        return { node, key };
      }
    }
    return { node, key };
  }
}

function hasRange(node: unknown): node is { range: [number, number, number] } {
  return (
    typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range)
  );
}

function isEmpty(node: { range: [number, number, number] }): boolean {
  return node.range[1] <= node.range[0];
}
