/**
 * The envelope of a document (`apiVersion`, `kind`, `metadata.name`), read before schema
 * validation so a wrong apiVersion or a misspelt kind gets one clear diagnostic instead of a
 * cascade of schema errors, and so the object's name is known even when its spec is invalid.
 */
import type { Diagnostic } from '../model/diagnostic.js';
import { diag, quote } from './diagnostics.js';
import type { Locator } from './locate.js';
import { API_VERSION, KINDS, type Kind } from './schema/common.js';
import { PATTERNS } from './schema/patterns.js';
import { didYouMean } from './suggest.js';

export interface Envelope {
  /** The kind, when it is one of ours and apiVersion is right: the document is validated. */
  readonly kind?: Kind;
  /** `metadata.name`, when it is a valid name. */
  readonly name?: string;
}

const NAME = new RegExp(PATTERNS.name.pattern);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readEnvelope(
  value: unknown,
  locator: Locator,
  diagnostics: Diagnostic[],
): Envelope {
  if (!isObject(value)) {
    diagnostics.push(
      diag(
        'notAnObject',
        `a manifest document must be a mapping with apiVersion, kind, metadata and spec, not ${Array.isArray(value) ? 'a list' : 'a single value'}`,
        locator.start(),
      ),
    );
    return {};
  }
  const { apiVersion, kind, metadata } = value;
  if (apiVersion !== API_VERSION) {
    diagnostics.push(
      diag(
        'apiVersion',
        apiVersion === undefined
          ? 'missing apiVersion'
          : `unsupported apiVersion ${quote(apiVersion)}`,
        apiVersion === undefined ? locator.start() : locator.span(['apiVersion']),
        { hint: `write apiVersion: ${API_VERSION}` },
      ),
    );
    return {};
  }
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    const guess = typeof kind === 'string' ? didYouMean(kind, KINDS) : undefined;
    diagnostics.push(
      diag(
        'unknownKind',
        kind === undefined ? 'missing kind' : `unknown kind ${quote(kind)}`,
        kind === undefined ? locator.start() : locator.span(['kind']),
        { hint: guess ?? `kind is one of ${KINDS.join(', ')}` },
      ),
    );
    return {};
  }
  const name = isObject(metadata) ? metadata.name : undefined;
  return typeof name === 'string' && NAME.test(name)
    ? { kind: kind as Kind, name }
    : { kind: kind as Kind };
}
