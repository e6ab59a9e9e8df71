/**
 * Diagnostics: user errors are data, not exceptions. Every problem found in manifests (and,
 * later, in plans and environment checks) is a Diagnostic with a stable code, so scripts and
 * tests can match on `code` and people can read `message` and `hint`.
 */

export type Severity = 'error' | 'warning';

/** A place in a manifest file. Lines and columns are 1-based, as editors show them. */
export interface SourceSpan {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** End of the span (inclusive line; `endCol` is the column just after the last character). */
  readonly endLine?: number;
  readonly endCol?: number;
}

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable identifier, e.g. `VW201`; never reused for another meaning. */
  readonly code: string;
  /** One sentence: what is wrong. Never contains a secret's value. */
  readonly message: string;
  /** How to fix it, where we can tell. */
  readonly hint?: string;
  /** Where it is; absent only for problems that belong to no file (e.g. an empty directory). */
  readonly at?: SourceSpan;
  /** Other places that explain the problem (the first definition of a duplicate name, …). */
  readonly related?: readonly { readonly message: string; readonly at: SourceSpan }[];
  /**
   * A part of the source that holds a secret (a plain-text password). Renderers that quote
   * source lines must mask it, whichever diagnostic quotes that line.
   */
  readonly secretAt?: SourceSpan;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
