/**
 * Positions computed only when someone looks at them. The fast parser (js-yaml) keeps no
 * positions; a `LazyLocator` answers with spans whose line and column are worked out — by
 * parsing the file once more with the position-keeping parser — the first time one of them is
 * read. A valid manifest set is thus never parsed twice, while every diagnostic and every
 * model object's `at` still point at the exact node.
 */
import type { SourceSpan } from '../model/diagnostic.js';
import type { DocPath, Locator } from './locate.js';

/** A span whose position is computed on first read (and then kept). */
export function lazySpan(file: string, compute: () => SourceSpan): SourceSpan {
  let cached: SourceSpan | undefined;
  const get = (): SourceSpan => (cached ??= compute());
  return {
    file,
    get line() {
      return get().line;
    },
    get col() {
      return get().col;
    },
    get endLine() {
      return get().endLine ?? get().line;
    },
    get endCol() {
      return get().endCol ?? get().col + 1;
    },
  };
}

export class LazyLocator implements Locator {
  readonly file: string;
  readonly #resolve: () => Locator | undefined;

  /** `resolve` returns the exact locator of this document (computed once, by the caller). */
  constructor(file: string, resolve: () => Locator | undefined) {
    this.file = file;
    this.#resolve = resolve;
  }

  span(path: DocPath, part: 'key' | 'value' = 'value'): SourceSpan {
    return lazySpan(this.file, () => this.#resolve()?.span(path, part) ?? this.#fileStart());
  }

  start(): SourceSpan {
    return lazySpan(this.file, () => this.#resolve()?.start() ?? this.#fileStart());
  }

  #fileStart(): SourceSpan {
    return { file: this.file, line: 1, col: 1, endLine: 1, endCol: 2 };
  }
}
