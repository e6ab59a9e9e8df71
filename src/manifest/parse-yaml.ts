/**
 * One file's text to YAML documents with source positions, in bounded time and memory:
 * - flow collections nested deeper than `MAX_DEPTH` are refused by a lexer pass before the
 *   parser (whose cost grows badly with nesting) ever sees them; block nesting is refused after
 *   parsing, before conversion;
 * - at most `MAX_DOCUMENTS` documents per file;
 * - alias expansion is capped (billion-laughs documents fail fast);
 * - duplicate keys, tabs used as indentation and every other YAML error become diagnostics
 *   that point at the offending character.
 * YAML 1.2 core schema; `!!binary`-style tags are not resolved (the value stays a string and a
 * warning says the tag was ignored).
 */
import { Composer, isScalar, LineCounter, Parser } from 'yaml';
import type { Document, YAMLError } from 'yaml';
import type { Diagnostic } from '../model/diagnostic.js';
import type { CodeName } from './codes.js';
import { diag } from './diagnostics.js';
import { DocLocator, spanOf, type Locator } from './locate.js';
import {
  deepFlowOffset,
  firstAlias,
  MAX_ALIAS_COUNT,
  MAX_DEPTH,
  MAX_DOCUMENTS,
  tooDeepNode,
} from './yaml-limits.js';

export { MAX_DEPTH, MAX_DOCUMENTS } from './yaml-limits.js';

/** One parsed document. */
export interface YamlDocument {
  /** 0-based position of the document in its file. */
  readonly index: number;
  /** The document as plain data (mappings become objects). */
  readonly value: unknown;
  readonly locator: Locator;
}

export interface ParsedYamlFile {
  readonly documents: readonly YamlDocument[];
  readonly diagnostics: readonly Diagnostic[];
  /** False when some document could not be read at all (its objects are unknown). */
  readonly complete: boolean;
}

const COMPOSE_OPTIONS = {
  prettyErrors: false,
  uniqueKeys: true,
  strict: true,
  resolveKnownTags: false,
  logLevel: 'error',
  version: '1.2',
  schema: 'core',
} as const;

function codeOf(error: YAMLError): CodeName {
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return 'tabIndent';
    case 'DUPLICATE_KEY':
      return 'duplicateKey';
    case 'RESOURCE_EXHAUSTION':
      return 'tooDeep';
    default:
      return 'yamlSyntax';
  }
}

const HINTS: Partial<Record<CodeName, string>> = {
  tabIndent: 'YAML indentation must use spaces',
  duplicateKey: 'remove one of the two entries (YAML keeps neither silently)',
  tooDeep: `manifests need far fewer than ${MAX_DEPTH} levels of nesting`,
};

function messageOf(error: YAMLError): string {
  if (error.code === 'DUPLICATE_KEY')
    return 'duplicate key: this key is already set in the same mapping';
  if (error.code === 'TAB_AS_INDENT') return 'tab character used for indentation';
  if (error.code === 'RESOURCE_EXHAUSTION') return `YAML is nested too deeply (limit ${MAX_DEPTH})`;
  const first = error.message.split('\n')[0] ?? error.message;
  return `YAML: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}

/**
 * yaml reports a missing closing quote where the input ends; the opening quote, the last one
 * of its kind before that, is where the fix goes.
 */
function openingQuote(text: string, error: YAMLError): number | undefined {
  if (error.code !== 'MISSING_CHAR') return undefined;
  const quote = /closing (["'])quote/.exec(error.message)?.[1];
  if (quote === undefined) return undefined;
  const at = text.lastIndexOf(quote, error.pos[0] - 1);
  return at >= 0 ? at : undefined;
}

/**
 * Line starts of the whole text, indexed up front: the parser's own new-line callback misses
 * line breaks inside tokens it gives up on, which would shift every later position.
 */
function lineIndex(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

/** Parse one file's text. */
export function parseYamlFile(file: string, text: string): ParsedYamlFile {
  const diagnostics: Diagnostic[] = [];
  const lines = lineIndex(text);
  const deep = deepFlowOffset(text);
  if (deep >= 0) {
    diagnostics.push(
      diag('tooDeep', `YAML is nested deeper than ${MAX_DEPTH} levels`, spanOf(file, lines, deep), {
        hint: HINTS.tooDeep,
      }),
    );
    return { documents: [], diagnostics, complete: false };
  }

  const parser = new Parser();
  const composer = new Composer(COMPOSE_OPTIONS);
  const documents: YamlDocument[] = [];
  let complete = true;
  let count = 0;
  const report = (error: YAMLError, asWarning: boolean, seen: Set<string>): void => {
    // After the first syntax error the parser reports every following token as unexpected;
    // the first error of each kind per document is the useful one.
    const kind = asWarning
      ? `w:${error.code}`
      : error.code === 'DUPLICATE_KEY'
        ? `${error.pos[0]}`
        : codeOf(error);
    if (seen.has(kind)) return;
    seen.add(kind);
    const start = openingQuote(text, error) ?? error.pos[0];
    const at = spanOf(file, lines, start, start === error.pos[0] ? error.pos[1] : start + 1);
    if (asWarning) {
      diagnostics.push(diag('yamlWarning', `YAML: ${error.message}; ignored`, at));
      return;
    }
    const code = codeOf(error);
    diagnostics.push(diag(code, messageOf(error), at, { hint: HINTS[code] }));
  };

  for (const doc of composer.compose(parser.parse(text))) {
    if (++count > MAX_DOCUMENTS) {
      // The whole file is refused: thousands of per-document diagnostics would help no one.
      const tooMany = diag(
        'tooManyDocuments',
        `file holds more than ${MAX_DOCUMENTS} documents`,
        spanOf(file, lines, doc.range[0]),
        { hint: 'split the manifests over several files' },
      );
      return { documents: [], diagnostics: [tooMany], complete: false };
    }
    const parsed = readDocument(file, text, doc, lines, count - 1, report, diagnostics);
    if (parsed === 'broken') complete = false;
    else if (parsed !== undefined) documents.push(parsed);
  }
  const stream = composer.streamInfo();
  const seen = new Set<string>();
  for (const error of stream.errors) report(error, false, seen);
  for (const warning of stream.warnings) report(warning, true, seen);
  if (count === 0 || (documents.length === 0 && diagnostics.length === 0)) {
    diagnostics.push(
      diag(
        'emptyFile',
        'file contains no YAML documents',
        { file, line: 1, col: 1 },
        {
          hint: 'delete it, or add a manifest',
        },
      ),
    );
  }
  return { documents, diagnostics, complete };
}

function readDocument(
  file: string,
  text: string,
  doc: Document.Parsed,
  lines: LineCounter,
  index: number,
  report: (error: YAMLError, asWarning: boolean, seen: Set<string>) => void,
  diagnostics: Diagnostic[],
): YamlDocument | 'broken' | undefined {
  const seen = new Set<string>();
  for (const error of doc.errors) report(error, false, seen);
  for (const warning of doc.warnings) report(warning, true, seen);
  const locator = new DocLocator(file, text, doc, lines);
  if (doc.errors.length > 0) return 'broken';
  // A document with nothing in it (`---` at the end of a file) is not an object.
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return undefined;
  }

  const deepNode = tooDeepNode(doc.contents);
  if (deepNode !== undefined) {
    const start = deepNode.range?.[0] ?? doc.range[0];
    diagnostics.push(
      diag(
        'tooDeep',
        `YAML is nested deeper than ${MAX_DEPTH} levels`,
        spanOf(file, lines, start),
        {
          hint: HINTS.tooDeep,
        },
      ),
    );
    return 'broken';
  }
  try {
    const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { index, value, locator };
  } catch (err) {
    const alias = firstAlias(doc.contents);
    const at =
      alias?.range == null ? locator.start() : spanOf(file, lines, alias.range[0], alias.range[1]);
    const bomb = err instanceof Error && /resource exhaustion/i.test(err.message);
    diagnostics.push(
      bomb
        ? diag('aliasLimit', 'aliases expand to too many nodes (possible alias bomb)', at, {
            hint: `aliases may expand to at most ${MAX_ALIAS_COUNT} nodes per document`,
          })
        : // The first line only: later lines of a parser's message may quote the input.
          diag(
            'yamlSyntax',
            `YAML: ${(err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''}`,
            at,
          ),
    );
    return 'broken';
  }
}
