import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Request bodies (`<action>`, `<vm>`, `<cdrom>`) in XML or JSON, read into one plain shape:
 * XML attributes and child elements both become keys, JSON values are taken as they are.
 * Accessors below tolerate both forms (single element vs array, string vs number/boolean).
 */
export type BodyValue = string | number | boolean | null | BodyNode | BodyValue[];
export interface BodyNode {
  [key: string]: BodyValue;
}

/** A body that is neither well-formed XML nor JSON. */
export class BodyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyParseError';
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  trimValues: true,
});

/** Parses a body; `json` when the request's Content-Type is application/json. */
export function parseBody(
  text: string,
  json: boolean,
): { root: string | undefined; node: BodyNode } {
  if (text.trim() === '') return { root: undefined, node: {} };
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new BodyParseError(err instanceof Error ? err.message : String(err));
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new BodyParseError('expected a JSON object');
    }
    return { root: undefined, node: parsed as BodyNode };
  }
  // Deprecated in favour of the separate fast-xml-validator package, which is not a dependency
  // here; the parser alone accepts unclosed elements, so the validator is still needed.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new BodyParseError(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  }
  const doc = parser.parse(text) as Record<string, unknown>;
  const [root] = Object.keys(doc);
  if (root === undefined) return { root: undefined, node: {} };
  const content = doc[root];
  return { root, node: isNode(content) ? content : {} };
}

export function isNode(value: unknown): value is BodyNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a dotted path (`vm.os.boot`); arrays take their first element on the way. */
export function at(node: BodyNode | undefined, path: string): BodyValue | undefined {
  let current: BodyValue | undefined = node;
  for (const key of path.split('.')) {
    if (Array.isArray(current)) current = current[0];
    if (!isNode(current)) return undefined;
    current = current[key];
  }
  return current ?? undefined;
}

export function nodeAt(node: BodyNode | undefined, path: string): BodyNode | undefined {
  const value = at(node, path);
  const first = Array.isArray(value) ? value[0] : value;
  return isNode(first) ? first : undefined;
}

/** A scalar as a string: XML text, or a JSON string/number/boolean; `{ "#text": … }` too. */
export function str(node: BodyNode | undefined, path: string): string | undefined {
  const value = at(node, path);
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (typeof first === 'number' || typeof first === 'boolean') return String(first);
  if (isNode(first) && typeof first['#text'] === 'string') return first['#text'];
  return undefined;
}

/** The model's boolean parsing: true/false case-insensitive, also 1/0 (A01-PrimitiveTypes). */
export function parseBoolean(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return undefined;
}

export function bool(node: BodyNode | undefined, path: string): boolean | undefined {
  return parseBoolean(str(node, path));
}

/**
 * The items of a wrapped list: `<payloads><payload>…</payload></payloads>` or JSON
 * `{"payloads": {"payload": [...]}}`; a single element is a one-item list.
 */
export function list(node: BodyNode | undefined, wrapper: string, item: string): BodyNode[] {
  const value = at(node, `${wrapper}.${item}`);
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => (isNode(v) ? v : typeof v === 'string' ? { '#text': v } : {}));
}

/** Whether a key is present at all (even empty), e.g. `<payloads/>` clears the payloads. */
export function has(node: BodyNode | undefined, path: string): boolean {
  return at(node, path) !== undefined;
}
