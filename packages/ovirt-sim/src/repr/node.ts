/**
 * A representation tree that serializes to both of the engine's formats (ovirt-api.md §1):
 * XML where `id`, `href` (and a link's `rel`) are the only attributes and everything else is a
 * child element, and JSON where attributes are ordinary keys, repeated elements are arrays
 * keyed by the singular name, numbers and booleans are strings and dates are epoch-ms numbers.
 */

/** A date: ISO 8601 with offset in XML, epoch milliseconds in JSON. */
export interface DateValue {
  readonly date: number;
}

export type Value = string | Elem | DateValue;

export interface Elem {
  readonly attrs: Readonly<Record<string, string>>;
  readonly fields: readonly Field[];
}

/** A single child element, or a repeated one (`items`, always an array in JSON). */
export type Field =
  | { readonly name: string; readonly value: Value }
  | { readonly name: string; readonly items: readonly Value[] };

type Input = Value | number | boolean | undefined;

function toValue(value: Exclude<Input, undefined>): Value {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

/** A child element; `undefined` values are omitted (the engine's NON_NULL inclusion). */
export function field(name: string, value: Input): Field | undefined {
  return value === undefined ? undefined : { name, value: toValue(value) };
}

/**
 * A text child omitted when empty: the engine stores unset descriptions and comments as NULL,
 * and libgovirt asserts on an empty `<description></description>`.
 */
export function nonEmpty(name: string, value: string | undefined): Field | undefined {
  return value === undefined || value === '' ? undefined : { name, value };
}

/** A repeated child element. */
export function items(name: string, values: readonly Input[]): Field {
  return { name, items: values.filter((v) => v !== undefined).map((v) => toValue(v)) };
}

/** An element from attributes and children; falsy children are skipped. */
export function elem(
  attrs: Record<string, string | undefined>,
  fields: readonly (Field | undefined | false)[],
): Elem {
  const cleanAttrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) cleanAttrs[k] = v;
  return {
    attrs: cleanAttrs,
    fields: fields.filter((f): f is Field => f !== undefined && f !== false),
  };
}

/** An element with children only. */
export function group(...fields: (Field | undefined | false)[]): Elem {
  return elem({}, fields);
}

export function date(ms: number): DateValue {
  return { date: ms };
}

function isDate(value: Value): value is DateValue {
  return typeof value === 'object' && 'date' in value;
}

/** Java's XMLGregorianCalendar form: `2016-10-06T13:38:18.548+00:00`. */
export function xmlDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

function escapeXml(text: string, attribute: boolean): string {
  const out = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return attribute ? out.replace(/"/g, '&quot;') : out;
}

function writeXml(name: string, value: Value, indent: string, out: string[]): void {
  if (typeof value === 'string') {
    out.push(`${indent}<${name}>${escapeXml(value, false)}</${name}>`);
    return;
  }
  if (isDate(value)) {
    out.push(`${indent}<${name}>${xmlDate(value.date)}</${name}>`);
    return;
  }
  const attrs = Object.entries(value.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v, true)}"`)
    .join('');
  if (value.fields.length === 0) {
    out.push(`${indent}<${name}${attrs}/>`);
    return;
  }
  out.push(`${indent}<${name}${attrs}>`);
  for (const f of value.fields) {
    if ('items' in f) for (const item of f.items) writeXml(f.name, item, `${indent}    `, out);
    else writeXml(f.name, f.value, `${indent}    `, out);
  }
  out.push(`${indent}</${name}>`);
}

/** The XML document for a root element, formatted like the engine's (4-space indent). */
export function toXml(rootName: string, root: Elem): string {
  const out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'];
  writeXml(rootName, root, '', out);
  return `${out.join('\n')}\n`;
}

export type JsonValue = string | number | JsonObject | JsonValue[];
export interface JsonObject {
  [key: string]: JsonValue;
}

function jsonOf(value: Value): JsonValue {
  if (typeof value === 'string') return value;
  if (isDate(value)) return value.date;
  const obj: JsonObject = {};
  for (const f of value.fields) {
    if ('items' in f) {
      if (f.items.length > 0) obj[f.name] = f.items.map(jsonOf);
    } else {
      obj[f.name] = jsonOf(f.value);
    }
  }
  for (const [k, v] of Object.entries(value.attrs)) obj[k] = v;
  return obj;
}

/** The JSON document for a root element (the root name itself does not appear). */
export function toJson(root: Elem): string {
  return `${JSON.stringify(jsonOf(root), null, 2)}\n`;
}
