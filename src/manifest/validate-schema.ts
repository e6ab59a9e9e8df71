/**
 * Schema validation of one document against its kind's published schema (ajv, draft 2020-12,
 * all errors), with each ajv error turned into a diagnostic that points at the offending node.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Kind } from './schema/common.js';
import { kindSchemaDocument } from './schema/publish.js';
import type { Locator, DocPath } from './locate.js';
import { PASSWORD_FIELD, schemaErrorToDiagnostic } from './schema-errors.js';

let ajv: Ajv2020 | undefined;
const validators = new Map<Kind, ValidateFunction>();

function validatorFor(kind: Kind): ValidateFunction {
  let validate = validators.get(kind);
  if (validate === undefined) {
    ajv ??= new Ajv2020({ allErrors: true, strict: true, verbose: true });
    validate = ajv.compile(kindSchemaDocument(kind));
    validators.set(kind, validate);
  }
  return validate;
}

/** ajv's `/spec/hosts/0` as a path, numbers where the data is a list. */
export function pointerToPath(pointer: string, root: unknown): DocPath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(seg);
      path.push(index);
      node = node[index] as unknown;
    } else {
      path.push(seg);
      node =
        typeof node === 'object' && node !== null
          ? (node as Record<string, unknown>)[seg]
          : undefined;
    }
  }
  return path;
}

/** Validate one document of `kind`; empty when it conforms. */
export function validateDocument(kind: Kind, value: unknown, locator: Locator): Diagnostic[] {
  const validate = validatorFor(kind);
  if (validate(value)) return [];
  const errors: readonly ErrorObject[] = validate.errors ?? [];
  const unknownAt = new Set(
    errors.filter((e) => e.keyword === 'additionalProperties').map((e) => e.instancePath),
  );
  const passwordAt = new Set(
    errors
      .filter(
        (e) =>
          e.keyword === 'additionalProperties' &&
          PASSWORD_FIELD.test(
            String((e.params as { additionalProperty?: unknown }).additionalProperty),
          ),
      )
      .map((e) => e.instancePath),
  );
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // An object with a misspelt field also breaks "exactly one of": the typo says it all.
    if (
      (error.keyword === 'maxProperties' || error.keyword === 'minProperties') &&
      unknownAt.has(error.instancePath)
    ) {
      continue;
    }
    // `password: x` instead of passwordFrom: the plain-text password says it all.
    if (
      error.keyword === 'required' &&
      passwordAt.has(error.instancePath) &&
      (error.params as { missingProperty?: unknown }).missingProperty === 'passwordFrom'
    ) {
      continue;
    }
    // propertyNames reports each bad key twice (the inner pattern and the outer keyword).
    if (error.propertyName !== undefined) continue;
    const d = schemaErrorToDiagnostic(error, pointerToPath(error.instancePath, value), locator);
    const key = `${d.code}|${d.at?.line ?? 0}|${d.at?.col ?? 0}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}
