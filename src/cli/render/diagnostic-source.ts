/**
 * Source lines quoted under a diagnostic: read once per file (size-capped, binary files not
 * quoted), control characters replaced so a manifest cannot send escape sequences to the
 * terminal, tabs expanded, long lines windowed around the span, and secrets masked.
 *
 * Only manifests and domain XMLs are ever quoted, one line each: a file is quoted when its real
 * name ends in `.yaml`/`.yml` or its text starts like XML. Whatever else a diagnostic points
 * at (a definition file that is really `/etc/shadow`, `/proc/self/environ`, a key) is never
 * shown, so a manifest cannot make the output print a file's content.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import type { SourceSpan } from '../../model/diagnostic.js';

const MAX_QUOTED_FILE_BYTES = 8 * 1024 * 1024;
const MAX_LINE_WIDTH = 160;
const TAB_WIDTH = 4;

export type ReadSource = (file: string) => string | undefined;

const YAML_NAME = /\.ya?ml$/i;
/** An XML declaration, comment or element at the start (after a BOM and white space). */
const XML_START = /^\s*<(?:\?xml[\s?]|!--|[A-Za-z_])/;

/** Is this text, read from `real`, a manifest or an XML document that may be quoted? */
export function mayQuote(real: string, text: string): boolean {
  return YAML_NAME.test(real) || XML_START.test(text);
}

/** Reads files for quoting from the file system; undefined for anything unquotable. */
export const readSourceFromDisk: ReadSource = (file) => {
  try {
    const real = realpathSync(file);
    const info = statSync(real);
    if (!info.isFile() || info.size > MAX_QUOTED_FILE_BYTES) return undefined;
    const read = readFileSync(real, 'utf8');
    if (read.includes('\0')) return undefined;
    const text = read.startsWith('\uFEFF') ? read.slice(1) : read;
    return mayQuote(real, text) ? text : undefined;
  } catch {
    return undefined;
  }
};

/** Caches the lines of each file for one rendering. */
export class SourceLines {
  readonly #read: ReadSource;
  readonly #files = new Map<string, readonly string[] | undefined>();

  constructor(read: ReadSource) {
    this.#read = read;
  }

  line(file: string, line: number): string | undefined {
    let lines = this.#files.get(file);
    if (!this.#files.has(file)) {
      const text = this.#read(file);
      lines = text?.split(/\r?\n/);
      this.#files.set(file, lines);
    }
    return lines?.[line - 1];
  }
}

/** One quoted line, ready to print: the text and where the underline goes (0-based columns). */
export interface QuotedLine {
  readonly text: string;
  readonly from: number;
  readonly width: number;
}

/** Mask the parts of `raw` (line `lineNo` of `file`) that secret spans cover. */
function mask(raw: string, file: string, lineNo: number, secrets: readonly SourceSpan[]): string {
  // Columns count UTF-16 code units (as the YAML positions do), so slice by code units.
  let out = raw;
  for (const s of secrets) {
    if (s.file !== file || lineNo < s.line || lineNo > (s.endLine ?? s.line)) continue;
    const start = lineNo === s.line ? s.col - 1 : 0;
    const end =
      lineNo === (s.endLine ?? s.line) && s.endCol !== undefined ? s.endCol - 1 : out.length;
    out = out.slice(0, start) + out.slice(start, end).replace(/[^ ]/g, '*') + out.slice(end);
  }
  return out;
}

/** Prepare `raw` for display with an underline for `span`. */
export function quoteLine(
  raw: string,
  span: SourceSpan,
  secrets: readonly SourceSpan[],
): QuotedLine {
  const masked = mask(raw, span.file, span.line, secrets);
  const start = Math.max(0, Math.min(span.col - 1, masked.length));
  const end =
    span.endLine === span.line && span.endCol !== undefined
      ? Math.max(start + 1, Math.min(span.endCol - 1, masked.length))
      : Math.max(start + 1, masked.length);
  let text = '';
  let from = 0;
  let to = 0;
  for (let i = 0; i <= masked.length; i++) {
    if (i === start) from = text.length;
    if (i === end) to = text.length;
    if (i === masked.length) break;
    const c = masked[i] ?? '';
    const code = c.charCodeAt(0);
    if (c === '\t') text += ' '.repeat(TAB_WIDTH - (text.length % TAB_WIDTH));
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) text += '\uFFFD';
    else text += c;
  }
  if (to <= from) to = from + 1;
  if (text.length > MAX_LINE_WIDTH) {
    const left = Math.max(0, Math.min(from - 40, text.length - MAX_LINE_WIDTH));
    const slice = text.slice(left, left + MAX_LINE_WIDTH);
    const prefix = left > 0 ? '…' : '';
    const suffix = left + MAX_LINE_WIDTH < text.length ? '…' : '';
    return {
      text: prefix + slice + suffix,
      from: from - left + prefix.length,
      width: Math.max(1, Math.min(to, left + MAX_LINE_WIDTH) - from),
    };
  }
  return { text, from, width: to - from };
}
