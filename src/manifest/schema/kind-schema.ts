import type { Schema } from './builders.js';
import type { Kind } from './common.js';

/** What each kind contributes to the published schemas. */
export interface KindSchema {
  readonly kind: Kind;
  /** File name under `schemas/`. */
  readonly file: string;
  readonly title: string;
  readonly description: string;
  /** The schema of the document's `spec`. */
  readonly spec: Schema;
  /** Definitions this kind adds to `$defs` (names unique over all kinds). */
  readonly defs: Readonly<Record<string, Schema>>;
}
