/**
 * Building diagnostics: the severity comes from the code catalogue, so a code can never be an
 * error in one place and a warning in another. User-written values are quoted with `quote`,
 * which escapes control characters (no terminal escape sequences from a manifest reach the
 * screen) and shortens long values.
 */
import type { Diagnostic, SourceSpan } from '../model/diagnostic.js';
import { CODES, type CodeName } from './codes.js';

export interface DiagnosticExtras {
  readonly hint?: string | undefined;
  readonly related?: Diagnostic['related'];
  readonly secretAt?: SourceSpan | undefined;
}

/** A diagnostic with the catalogue's code and severity. */
export function diag(
  name: CodeName,
  message: string,
  at: SourceSpan | undefined,
  extras: DiagnosticExtras = {},
): Diagnostic {
  const info = CODES[name];
  return {
    severity: info.severity,
    code: info.code,
    message,
    ...(extras.hint === undefined ? {} : { hint: extras.hint }),
    ...(at === undefined ? {} : { at }),
    ...(extras.related === undefined || extras.related.length === 0
      ? {}
      : { related: extras.related }),
    ...(extras.secretAt === undefined ? {} : { secretAt: extras.secretAt }),
  };
}

const MAX_QUOTED = 60;

/** A user value inside a message: `'value'`, control characters escaped, long values cut. */
export function quote(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  const raw = typeof value === 'string' ? value : (json ?? String(value));
  const cut = raw.length > MAX_QUOTED ? raw.slice(0, MAX_QUOTED) + '…' : raw;
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  const safe = cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    const hex = c.charCodeAt(0).toString(16).padStart(2, '0');
    return `\\x${hex}`;
  });
  return `'${safe}'`;
}

/** `a, b and c` for messages. */
export function listing(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1] ?? ''}`;
}

/** A JSON-pointer-like path as people read it: `spec.placement.hosts[1]`. */
export function fieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? '(document)' : out;
}
