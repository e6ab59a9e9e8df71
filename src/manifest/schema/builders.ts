/**
 * Small builders for the JSON Schemas, so every field gets a description and every object
 * refuses unknown fields by construction. The schemas are data: the loader compiles them with
 * ajv, and `schemas/*.json` are these same objects written out (a test keeps them equal).
 */

/** A JSON Schema (draft 2020-12) node. */
export type Schema = Readonly<Record<string, unknown>>;

interface Common {
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
}

export function str(
  description: string,
  extra: Common & {
    readonly pattern?: string;
    readonly enum?: readonly string[];
    readonly const?: string;
    readonly minLength?: number;
    readonly maxLength?: number;
  } = {},
): Schema {
  return { type: 'string', description, minLength: 1, ...extra };
}

export function int(
  description: string,
  extra: Common & { readonly minimum?: number; readonly maximum?: number } = {},
): Schema {
  return { type: 'integer', description, ...extra };
}

export function num(
  description: string,
  extra: Common & { readonly exclusiveMinimum?: number; readonly maximum?: number } = {},
): Schema {
  return { type: 'number', description, ...extra };
}

export function bool(description: string, defaultValue?: boolean): Schema {
  return {
    type: 'boolean',
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  };
}

export function list(
  description: string,
  items: Schema,
  extra: Common & {
    readonly minItems?: number;
    readonly maxItems?: number;
    readonly uniqueItems?: boolean;
  } = {},
): Schema {
  return { type: 'array', description, items, ...extra };
}

/** An object with fixed fields; anything else is an error. */
export function obj(
  description: string,
  properties: Readonly<Record<string, Schema>>,
  extra: Common & {
    readonly required?: readonly string[];
    readonly minProperties?: number;
    readonly maxProperties?: number;
  } = {},
): Schema {
  return { type: 'object', description, properties, additionalProperties: false, ...extra };
}

/** An object keyed by names (site names, …); the keys are checked by the cross-object rules. */
export function map(description: string, keyPattern: string, values: Schema): Schema {
  return {
    type: 'object',
    description,
    propertyNames: { pattern: keyPattern },
    additionalProperties: values,
    minProperties: 1,
  };
}

/** A reference to a shared definition in `$defs`. */
export function ref(name: string, description: string, extra: Common = {}): Schema {
  return { $ref: `#/$defs/${name}`, description, ...extra };
}
