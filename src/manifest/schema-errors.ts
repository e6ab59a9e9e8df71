/**
 * One ajv error as a diagnostic people can act on: the field path in words, the offending
 * node's position (the key for unknown and missing fields), and a hint — the closest known
 * field name for a typo, the allowed values for an enum, YAML 1.2 spelling for booleans.
 * A `password` field gets its own code, and its value is marked secret so no renderer
 * prints it.
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../model/diagnostic.js';
import { diag, fieldPath, listing, quote } from './diagnostics.js';
import type { Locator, DocPath } from './locate.js';
import { patternMeaning } from './schema/patterns.js';
import { didYouMean } from './suggest.js';

/** Field names that can only mean a secret written in plain text. */
export const PASSWORD_FIELD = /^(password|passwd|pass|pwd|secret)$/i;

/** Device names that follow enumeration order: a different disk after a reboot. */
const ENUMERATED = /^\/dev\/((sd|vd|hd|xvd)[a-z]+|nvme\d+n\d+|dm-\d+|mmcblk\d+)(p?\d+)?$/;
/** Links whose names the guest controls (it can relabel or reformat the disk). */
const GUEST_WRITABLE_LINK = /^\/dev\/disk\/by-(label|partlabel|uuid|partuuid)\//;

/**
 * A disk source written as a device path the storage rules forbid, wherever it was written
 * (`byId: /dev/sdb`, `source: /dev/sdb`, `device: /dev/sdb`), as its own diagnostic.
 */
function forbiddenSource(value: unknown, path: DocPath, locator: Locator): Diagnostic | undefined {
  if (typeof value !== 'string' || !path.includes('source')) return undefined;
  const at = locator.span(path);
  if (ENUMERATED.test(value)) {
    return diag(
      'unstableDeviceName',
      `${quote(value)} follows enumeration order and can name another disk after a reboot`,
      at,
      { hint: 'map it by byId (/dev/disk/by-id/…), byPath (one per path), dmp, or a pool volume' },
    );
  }
  if (GUEST_WRITABLE_LINK.test(value)) {
    return diag(
      'labelSource',
      `${quote(value)} is a label or file-system UUID, which the guest can change`,
      at,
      { hint: 'map it by byId (/dev/disk/by-id/…) or byPath instead' },
    );
  }
  return undefined;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

const WANTED: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

function typeHint(wanted: string, data: unknown): string | undefined {
  if (wanted === 'boolean' && typeof data === 'string') {
    return 'YAML 1.2 booleans are written true or false (yes/no/on/off are strings)';
  }
  if ((wanted === 'integer' || wanted === 'number') && typeof data === 'string') {
    return 'write the number without quotes';
  }
  if (wanted === 'integer' && typeof data === 'number') return 'use a whole number';
  if (wanted === 'array' && typeof data === 'string') return `write a list: [${data}]`;
  if (wanted === 'string' && typeof data === 'number') return 'quote it to make it a string';
  return undefined;
}

function knownFields(parentSchema: unknown): string[] {
  const props = (parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props === undefined ? [] : Object.keys(props);
}

function str(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  return typeof value === 'string' ? value : (json ?? '');
}

/** Map one ajv error (at `path` inside the document) to a diagnostic. */
export function schemaErrorToDiagnostic(
  error: ErrorObject,
  path: DocPath,
  locator: Locator,
): Diagnostic {
  const where = fieldPath(path);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = str(params.additionalProperty);
      const fieldAt = [...path, field];
      const keyAt = locator.span(fieldAt, 'key');
      const value = (error.data as Record<string, unknown> | undefined)?.[field];
      const forbidden = forbiddenSource(value, fieldAt, locator);
      if (forbidden !== undefined) return forbidden;
      if (PASSWORD_FIELD.test(field)) {
        const known = knownFields(error.parentSchema);
        return diag(
          'plaintextPassword',
          `plain-text password field ${quote(field)} in ${where}: secrets must not be written in manifests`,
          keyAt,
          {
            hint: known.includes('passwordFrom')
              ? 'use passwordFrom: { env: VARIABLE } or passwordFrom: { file: /etc/virtwarden/NAME.pass }'
              : 'keep the secret in a file or environment variable the command reads itself',
            secretAt: locator.span(fieldAt, 'value'),
          },
        );
      }
      const known = knownFields(error.parentSchema);
      const guess = didYouMean(field, known);
      return diag('unknownField', `unknown field ${quote(field)} in ${where}`, keyAt, {
        hint: guess ?? (known.length > 0 ? `known fields: ${known.join(', ')}` : undefined),
      });
    }
    case 'required': {
      const field = str(params.missingProperty);
      return diag(
        'missingField',
        `missing required field ${quote(field)} in ${where}`,
        locator.span(path, 'key'),
      );
    }
    case 'type': {
      const forbidden = forbiddenSource(error.data, path, locator);
      if (forbidden !== undefined) return forbidden;
      const wanted = str(params.type);
      return diag(
        'wrongType',
        `${where} must be ${WANTED[wanted] ?? wanted}, not ${typeName(error.data)}`,
        locator.span(path),
        { hint: typeHint(wanted, error.data) },
      );
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(str);
      const guess = typeof error.data === 'string' ? didYouMean(error.data, allowed) : undefined;
      return diag(
        'notAllowedValue',
        `${quote(error.data)} is not allowed for ${where}: use ${listing(allowed, 'or')}`,
        locator.span(path),
        { hint: guess },
      );
    }
    case 'const':
      return diag(
        'notAllowedValue',
        `${where} must be ${quote(params.allowedValue)}, not ${quote(error.data)}`,
        locator.span(path),
      );
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const limit = String(params.limit);
      const words: Readonly<Record<string, string>> = {
        minimum: `at least ${limit}`,
        maximum: `at most ${limit}`,
        exclusiveMinimum: `more than ${limit}`,
        exclusiveMaximum: `less than ${limit}`,
      };
      return diag(
        'outOfRange',
        `${where} must be ${words[error.keyword] ?? limit}, got ${str(error.data)}`,
        locator.span(path),
      );
    }
    case 'pattern':
      return (
        forbiddenSource(error.data, path, locator) ??
        diag(
          'badFormat',
          `${quote(error.data)} is not valid for ${where}: it must be ${patternMeaning(str(params.pattern))}`,
          locator.span(path),
        )
      );
    case 'minLength':
      return diag('badFormat', `${where} must not be empty`, locator.span(path));
    case 'propertyNames':
      return diag(
        'badFormat',
        `${quote(params.propertyName)} in ${where} is not a valid name: it must be ${patternMeaning(
          '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$',
        )}`,
        locator.span([...path, str(params.propertyName)], 'key'),
      );
    case 'minProperties':
    case 'maxProperties': {
      const choices = knownFields(error.parentSchema);
      if (choices.length > 0) {
        return diag(
          'exactlyOne',
          `${where} must have exactly one of ${listing(choices, 'or')}`,
          locator.span(path, 'key'),
        );
      }
      return diag('listShape', `${where} must have at least one entry`, locator.span(path, 'key'));
    }
    case 'minItems':
    case 'maxItems': {
      const schema = error.parentSchema as { minItems?: number; maxItems?: number };
      const limit = Number(params.limit);
      const entries = (n: number): string => (n === 1 ? '1 entry' : `${n} entries`);
      const rule =
        schema.minItems !== undefined && schema.minItems === schema.maxItems
          ? `exactly ${entries(limit)}`
          : error.keyword === 'minItems'
            ? `at least ${entries(limit)}`
            : `at most ${entries(limit)}`;
      return diag('listShape', `${where} must have ${rule}`, locator.span(path, 'key'));
    }
    case 'uniqueItems': {
      const [i, j] = [Number(params.i), Number(params.j)];
      const later = Math.max(i, j);
      const earlier = Math.min(i, j);
      const item = Array.isArray(error.data) ? (error.data as unknown[])[later] : undefined;
      return diag(
        'listShape',
        `${quote(item)} is listed twice in ${where}`,
        locator.span([...path, later]),
        { related: [{ message: 'first listed here', at: locator.span([...path, earlier]) }] },
      );
    }
    default:
      return diag('badFormat', `${where} ${error.message ?? 'is not valid'}`, locator.span(path));
  }
}
