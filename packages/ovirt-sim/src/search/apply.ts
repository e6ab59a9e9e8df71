import { type Condition, parseSearch, SearchSyntaxError, type SearchQuery } from './parse.js';

/** How a search field reads an entity: a string (names, statuses) or a number. */
export type FieldReader<T> = (entity: T) => string | number | undefined;

/** The searchable fields of one collection, and its default sort. */
export interface SearchSpec<T> {
  readonly fields: Readonly<Record<string, FieldReader<T>>>;
  /** Fields whose values are enum names: always compared case-insensitively. */
  readonly enumFields?: readonly string[];
  readonly defaultSort: { readonly field: string; readonly descending: boolean };
}

/** Collection-list parameters (VmsService#List and friends). */
export interface ListParams {
  readonly search: string | undefined;
  readonly max: number | undefined;
  /** Default false: the engine's ParametersHelper default when `case_sensitive` is absent. */
  readonly caseSensitive: boolean;
}

/** Page size when `page N` is used without `max` (the engine's SearchResultsLimit). */
const DEFAULT_PAGE_SIZE = 100;

function wildcardRegex(value: string, caseSensitive: boolean): RegExp {
  const escaped = value.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, caseSensitive ? '' : 'i');
}

function matches<T>(
  spec: SearchSpec<T>,
  entity: T,
  cond: Condition,
  caseSensitive: boolean,
): boolean {
  if (cond.kind !== 'term') {
    const test = (p: Condition) => matches(spec, entity, p, caseSensitive);
    return cond.kind === 'and' ? cond.parts.every(test) : cond.parts.some(test);
  }
  const reader = spec.fields[cond.field];
  if (reader === undefined) {
    throw new SearchSyntaxError('INVALID_CONDITION_TERM', `unknown search field '${cond.field}'`);
  }
  const actual = reader(entity);
  if (actual === undefined) return cond.op === '!=';
  if (typeof actual === 'number' || ['<', '>', '<=', '>='].includes(cond.op)) {
    const a = Number(actual);
    const b = Number(cond.value);
    if (Number.isNaN(b))
      throw new SearchSyntaxError('INVALID_CONDITION_VALUE', `'${cond.value}' is not a number`);
    switch (cond.op) {
      case '=':
        return a === b;
      case '!=':
        return a !== b;
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '<=':
        return a <= b;
      case '>=':
        return a >= b;
    }
  }
  const sensitive = caseSensitive && !(spec.enumFields ?? []).includes(cond.field);
  const hit = wildcardRegex(cond.value, sensitive).test(actual);
  return cond.op === '!=' ? !hit : hit;
}

function compare(a: string | number | undefined, b: string | number | undefined): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

/**
 * Filters, sorts and pages a collection like the engine's SearchQuery. Throws
 * {@link SearchSyntaxError} for queries the engine would reject.
 */
export function applySearch<T>(spec: SearchSpec<T>, all: readonly T[], params: ListParams): T[] {
  const query: SearchQuery =
    params.search === undefined || params.search.trim() === ''
      ? { condition: undefined, sortBy: undefined, page: undefined }
      : parseSearch(params.search);
  const condition = query.condition;
  let result =
    condition === undefined
      ? [...all]
      : all.filter((e) => matches(spec, e, condition, params.caseSensitive));
  const sort = query.sortBy ?? spec.defaultSort;
  const reader = spec.fields[sort.field];
  if (reader === undefined)
    throw new SearchSyntaxError('INVALID_SORT_FIELD', `cannot sort by '${sort.field}'`);
  result.sort((a, b) => compare(reader(a), reader(b)) * (sort.descending ? -1 : 1));
  if (query.page !== undefined) {
    const size = params.max ?? DEFAULT_PAGE_SIZE;
    result = result.slice((query.page - 1) * size, query.page * size);
  }
  if (params.max !== undefined && params.max >= 0) result = result.slice(0, params.max);
  return result;
}
