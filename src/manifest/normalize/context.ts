import path from 'node:path';
import type { Locator } from '../locate.js';
import type { PathPolicy } from '../root.js';

/** A failure to read a referenced file, with the reason in words. */
export interface ReadFailure {
  readonly error: string;
}

/**
 * Reads a file the manifests refer to (a domain XML). Returns its text, `undefined` when it
 * cannot be read, or a `ReadFailure` that says why.
 */
export type ReadReferencedFile = (absPath: string) => string | undefined | ReadFailure;

/** What normalizing one document needs to know. */
export interface NormalizeContext {
  /** The manifest file the document is in. */
  readonly file: string;
  readonly locator: Locator;
  readonly readFile: ReadReferencedFile;
  /** The manifest root that referenced files must be inside (none: no containment). */
  readonly pathPolicy?: PathPolicy | undefined;
}

/** A path written in a manifest, relative to the manifest's directory. */
export function resolveFrom(file: string, written: string): string {
  return path.resolve(path.dirname(file), written);
}
