/**
 * The fast path for the common case — plain, valid YAML: js-yaml (YAML 1.2 core schema)
 * parses about fifteen times faster than the position-keeping `yaml` parser, and positions
 * are only worked out when something asks for them (see `locate-lazy.ts`).
 *
 * Whatever is not plainly fine goes to the full parser (`parse-yaml.ts`), which has the
 * protections against hostile input and the precise diagnostics: any js-yaml error (syntax,
 * duplicate key, tab indentation, unknown tag, stack overflow on deep nesting), directives,
 * too many documents, nesting deeper than the limit, and any alias of a collection. js-yaml
 * does not copy what an alias refers to but shares it, so a "billion laughs" document loads
 * instantly here — and would then make every later walk over it explode; a shared object is
 * therefore sent to the full parser, whose alias expansion is capped. Both parsers read
 * YAML 1.2 the same way for the documents the fast path accepts.
 */
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { diag } from './diagnostics.js';
import { LazyLocator } from './locate-lazy.js';
import {
  MAX_DEPTH,
  MAX_DOCUMENTS,
  parseYamlFile,
  type ParsedYamlFile,
  type YamlDocument,
} from './parse-yaml.js';

/** Directives (`%YAML 1.1` changes how values read): the full parser's business. */
const NEEDS_FULL_PARSER = /^%/m;

class FastPathRefused extends Error {
  override readonly name = 'FastPathRefused';
}

/**
 * Is this document beyond the fast path: nested deeper than the limit, or (when the text has
 * anchors at all: `checkSharing`) holding one object in two places?
 */
function needsFullParser(root: unknown, checkSharing: boolean): boolean {
  const seen = new Set<object>();
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() ?? [undefined, 0];
    if (typeof node !== 'object' || node === null) continue;
    if (depth > MAX_DEPTH) return true;
    if (checkSharing) {
      if (seen.has(node)) return true;
      seen.add(node);
    }
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Parse one file on the fast path, or undefined when it needs the full parser. */
export function parseYamlFast(file: string, text: string): ParsedYamlFile | undefined {
  if (NEEDS_FULL_PARSER.test(text)) return undefined;
  let values: unknown[];
  try {
    values = loadAll(text, null, {
      schema: CORE_SCHEMA,
      filename: file,
      onWarning: () => {
        throw new FastPathRefused('warning');
      },
    });
  } catch {
    return undefined;
  }
  if (values.length > MAX_DOCUMENTS) return undefined;
  // Without a '&' there is no anchor, so no alias can share anything.
  const checkSharing = text.includes('&');
  if (values.some((value) => needsFullParser(value, checkSharing))) return undefined;

  let exact: ParsedYamlFile | undefined;
  const exactLocator = (index: number): YamlDocument['locator'] | undefined => {
    exact ??= parseYamlFile(file, text);
    return exact.documents.find((d) => d.index === index)?.locator;
  };
  const documents: YamlDocument[] = [];
  values.forEach((value, index) => {
    // A document with nothing in it (`---` at the end of a file) is not an object.
    if (value === null || value === undefined) return;
    documents.push({ index, value, locator: new LazyLocator(file, () => exactLocator(index)) });
  });
  const diagnostics =
    documents.length === 0
      ? [
          diag(
            'emptyFile',
            'file contains no YAML documents',
            { file, line: 1, col: 1 },
            {
              hint: 'delete it, or add a manifest',
            },
          ),
        ]
      : [];
  return { documents, diagnostics, complete: true };
}
