/**
 * What validation needs to know about a guest's libvirt domain XML: that it is well-formed,
 * that its root is `<domain type='…'>`, its `<name>` and `<uuid>`, and whether it has a CD-ROM
 * or boots from one first (both forbidden for DR guests, whose payload uses the CD-ROM).
 * DOCTYPEs are refused outright: a domain definition never needs one, and entity expansion
 * is a classic way to make a parser eat the machine.
 *
 * One pass of a tag tokenizer checks well-formedness and reads the facts; it is several times
 * faster than a general XML parser building a tree, which matters with thousands of guests.
 * libvirt (libxml2) checks the rest of XML's rules when the definition is applied.
 *
 * A definition is also bounded in size: at most 1 MiB and 5,000 elements. `apply` and `watch`
 * hold several parsed trees of it at once (ours, libvirt's copy read back, the recorded
 * baseline), and a tree costs far more per element than the text does: a 7.8 MB file of small
 * elements took 2.4 GB of memory. A real domain XML has a few hundred elements and a few KB,
 * so the bounds cost no real user anything and bound the worst case (measured in
 * bench/definition-memory.bench.ts).
 */

/** Largest definition file accepted, in bytes (UTF-8). */
export const MAX_DEFINITION_BYTES = 1024 * 1024;
/** Most elements a definition may have. */
export const MAX_DEFINITION_ELEMENTS = 5_000;
/** A position inside the XML text (1-based). */
export interface XmlPosition {
  readonly line: number;
  readonly col: number;
}

export type DomainInspection =
  | {
      readonly ok: false;
      readonly problem: 'not-xml' | 'not-domain' | 'too-large';
      readonly message: string;
      readonly at: XmlPosition;
    }
  | {
      readonly ok: true;
      readonly name?: string;
      readonly nameAt?: XmlPosition;
      readonly uuid?: string;
      readonly uuidAt?: XmlPosition;
      /** Position of the first `<disk device='cdrom'>`, when there is one. */
      readonly cdromAt?: XmlPosition;
      /** Position of the first `<boot dev=…>` when it is `cdrom`. */
      readonly cdromBootAt?: XmlPosition;
    };

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITIES: Readonly<Record<string, string>> = {
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
  '&quot;': '"',
  '&apos;': "'",
};

function positionOf(text: string, offset: number): XmlPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(ATTRIBUTE)) out.set(m[1] ?? '', m[2] ?? m[3] ?? '');
  return out;
}

function textAfter(text: string, from: number): string {
  const end = text.indexOf('<', from);
  return text
    .slice(from, end < 0 ? text.length : end)
    .replace(/&(lt|gt|amp|quot|apos);/g, (e) => ENTITIES[e] ?? e)
    .trim();
}

interface Facts {
  readonly roots: { name: string; at: number; type: string | undefined }[];
  name?: { value: string; at: number };
  uuid?: { value: string; at: number };
  cdromAt?: number;
  firstBoot?: { dev: string; at: number };
}

type Scan =
  { ok: true; facts: Facts } | { ok: false; message: string; at: number; tooLarge?: true };

const BAD_TEXT = /<|&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[\da-fA-F]+);)/;

/**
 * One pass over a document: checks that it is well-formed as far as a domain definition can
 * go wrong (every `<` starts a complete tag, comment, CDATA section or processing
 * instruction; attribute values are quoted; `&` starts an entity; tags nest and close; one
 * root and no text outside it), and collects the facts validation needs.
 */
function scan(text: string): Scan {
  const facts: Facts = { roots: [] };
  const stack: string[] = [];
  let last = 0;
  let elements = 0;
  const checkText = (from: number, to: number): Scan | undefined => {
    const segment = text.slice(from, to);
    const bad = BAD_TEXT.exec(segment);
    if (bad !== null) {
      const what = bad[0] === '<' ? 'a malformed tag' : "an '&' that starts no entity";
      return { ok: false, message: `not well-formed XML: ${what}`, at: from + bad.index };
    }
    if (stack.length === 0 && segment.trim() !== '') {
      return { ok: false, message: 'not well-formed XML: text outside the root element', at: from };
    }
    return undefined;
  };
  for (const m of text.matchAll(TOKEN)) {
    const at = m.index;
    const problem = checkText(last, at);
    if (problem !== undefined) return problem;
    last = at + m[0].length;
    const tag = m[2];
    if (tag === undefined) continue;
    if (m[1] === '/') {
      const open = stack.pop();
      if (open !== tag) {
        const expected = open === undefined ? 'no closing tag' : `</${open}>`;
        return {
          ok: false,
          message: `not well-formed XML: </${tag}> where ${expected} was expected`,
          at,
        };
      }
      continue;
    }
    if (++elements > MAX_DEFINITION_ELEMENTS) {
      return {
        ok: false,
        tooLarge: true,
        message: `more than ${MAX_DEFINITION_ELEMENTS.toLocaleString('en-US')} elements (a domain definition has a few hundred)`,
        at,
      };
    }
    const parent = stack.join('/');
    if (stack.length === 0) {
      const type = facts.roots.length === 0 ? attributes(m[3] ?? '').get('type') : undefined;
      facts.roots.push({ name: tag, at, type });
    } else if (parent === 'domain' && tag === 'name') {
      facts.name ??= { value: textAfter(text, last), at };
    } else if (parent === 'domain' && tag === 'uuid') {
      facts.uuid ??= { value: textAfter(text, last), at };
    } else if (parent === 'domain/devices' && tag === 'disk' && facts.cdromAt === undefined) {
      if (attributes(m[3] ?? '').get('device') === 'cdrom') facts.cdromAt = at;
    } else if (parent === 'domain/os' && tag === 'boot' && facts.firstBoot === undefined) {
      facts.firstBoot = { dev: attributes(m[3] ?? '').get('dev') ?? '', at };
    }
    if (m[4] !== '/') stack.push(tag);
  }
  const problem = checkText(last, text.length);
  if (problem !== undefined) return problem;
  if (stack.length > 0) {
    return {
      ok: false,
      message: `not well-formed XML: <${stack.at(-1) ?? ''}> is never closed`,
      at: text.length,
    };
  }
  return { ok: true, facts };
}

/** The line the byte limit falls on (the offending line). */
function lineAtByte(text: string, byte: number): XmlPosition {
  const head = Buffer.from(text, 'utf8').subarray(0, byte);
  let line = 1;
  for (let i = head.indexOf(0x0a); i >= 0; i = head.indexOf(0x0a, i + 1)) line++;
  return { line, col: 1 };
}

/** Inspect a domain definition. Never throws. */
export function inspectDomainXml(text: string): DomainInspection {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_DEFINITION_BYTES) {
    return {
      ok: false,
      problem: 'too-large',
      message: `${(bytes / 1024 / 1024).toFixed(1)} MiB; definition files are limited to ${MAX_DEFINITION_BYTES / 1024 / 1024} MiB`,
      at: lineAtByte(text, MAX_DEFINITION_BYTES),
    };
  }
  const doctype = /<!(DOCTYPE|ENTITY)/i.exec(text);
  if (doctype !== null) {
    return {
      ok: false,
      problem: 'not-xml',
      message: 'DOCTYPE and ENTITY declarations are not allowed in a domain definition',
      at: positionOf(text, doctype.index),
    };
  }
  const scanned = scan(text);
  if (!scanned.ok) {
    return {
      ok: false,
      problem: scanned.tooLarge === true ? 'too-large' : 'not-xml',
      message: scanned.message,
      at: positionOf(text, scanned.at),
    };
  }
  const facts = scanned.facts;
  const root = facts.roots[0];
  const rootAt = root === undefined ? { line: 1, col: 1 } : positionOf(text, root.at);
  if (facts.roots.length !== 1 || root?.name !== 'domain') {
    const what = facts.roots.length === 1 ? `<${root?.name ?? ''}>` : 'missing or repeated';
    return {
      ok: false,
      problem: 'not-domain',
      message: `the root element is ${what}, not <domain>`,
      at: rootAt,
    };
  }
  if (root.type === undefined || root.type.trim() === '') {
    return {
      ok: false,
      problem: 'not-domain',
      message: "<domain> has no type attribute (e.g. <domain type='kvm'>)",
      at: rootAt,
    };
  }
  const { name, uuid, cdromAt, firstBoot } = facts;
  return {
    ok: true,
    ...(name === undefined ? {} : { name: name.value, nameAt: positionOf(text, name.at) }),
    ...(uuid === undefined ? {} : { uuid: uuid.value, uuidAt: positionOf(text, uuid.at) }),
    ...(cdromAt === undefined ? {} : { cdromAt: positionOf(text, cdromAt) }),
    ...(firstBoot?.dev === 'cdrom' ? { cdromBootAt: positionOf(text, firstBoot.at) } : {}),
  };
}
