/**
 * The engine's search language, the part clients use (ovirt-api.md §2 "Search"):
 * `criteria [sortby field [asc|desc]] [page N]`, criteria being `field op value` terms joined
 * by `and` (or plain juxtaposition) and `or`, with `*` wildcards and parentheses.
 * Errors carry the engine's SyntaxError names.
 */

export type Operator = '=' | '!=' | '<' | '>' | '<=' | '>=';

export type Condition =
  | { readonly kind: 'term'; readonly field: string; readonly op: Operator; readonly value: string }
  | { readonly kind: 'and' | 'or'; readonly parts: readonly Condition[] };

export interface SearchQuery {
  readonly condition: Condition | undefined;
  readonly sortBy: { readonly field: string; readonly descending: boolean } | undefined;
  readonly page: number | undefined;
}

/** A query the engine's SyntaxChecker would reject; `code` is its SyntaxError name. */
export class SearchSyntaxError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'SearchSyntaxError';
    this.code = code;
  }
}

interface Token {
  kind: 'word' | 'op' | 'lparen' | 'rparen';
  text: string;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s*(?:(\()|(\))|(!=|<=|>=|=|<|>)|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s()=!<>"']+))/gy;
  let match: RegExpExecArray | null;
  while (re.lastIndex < text.length && (match = re.exec(text)) !== null) {
    if (match[1] !== undefined) tokens.push({ kind: 'lparen', text: '(' });
    else if (match[2] !== undefined) tokens.push({ kind: 'rparen', text: ')' });
    else if (match[3] !== undefined) tokens.push({ kind: 'op', text: match[3] });
    else tokens.push({ kind: 'word', text: match[4] ?? match[5] ?? match[6] ?? '' });
    if (match[0] === '') break;
  }
  if (text.slice(re.lastIndex).trim() !== '') {
    throw new SearchSyntaxError(
      'INVALID_CONDITION_TERM',
      `cannot parse search near '${text.slice(re.lastIndex)}'`,
    );
  }
  return tokens;
}

const KEYWORDS = new Set(['and', 'or', 'sortby', 'page']);

/** Parses a `search=` value; an optional `Vms:`-style prefix is accepted and ignored. */
export function parseSearch(input: string): SearchQuery {
  const text = input.replace(/^\s*[A-Za-z]+\s*:\s*/, '');
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (t: Token | undefined, word: string): boolean =>
    t?.kind === 'word' && t.text.toLowerCase() === word;

  const parseTerm = (): Condition => {
    const t = peek();
    if (t?.kind === 'lparen') {
      pos += 1;
      const inner = parseOr();
      if (peek()?.kind !== 'rparen')
        throw new SearchSyntaxError('INVALID_POST_BRACKET', 'missing )');
      pos += 1;
      return inner;
    }
    if (t?.kind !== 'word' || KEYWORDS.has(t.text.toLowerCase())) {
      throw new SearchSyntaxError(
        'INVALID_CONDITION_TERM',
        `expected a condition, got '${t?.text ?? 'end'}'`,
      );
    }
    pos += 1;
    const op = peek();
    // Free text (`web*`) matches names, as the engine's default search column does.
    if (op?.kind !== 'op') return { kind: 'term', field: 'name', op: '=', value: t.text };
    pos += 1;
    const value = peek();
    if (value?.kind !== 'word')
      throw new SearchSyntaxError(
        'INVALID_CONDITION_VALUE',
        `expected a value after '${t.text}${op.text}'`,
      );
    pos += 1;
    return {
      kind: 'term',
      field: t.text.toLowerCase(),
      op: op.text as Operator,
      value: value.text,
    };
  };

  const startsTerm = (t: Token | undefined): boolean =>
    t !== undefined &&
    (t.kind === 'lparen' || (t.kind === 'word' && !KEYWORDS.has(t.text.toLowerCase())));

  const parseAnd = (): Condition => {
    const parts = [parseTerm()];
    for (;;) {
      if (isWord(peek(), 'and')) {
        pos += 1;
        parts.push(parseTerm());
      } else if (startsTerm(peek())) {
        parts.push(parseTerm());
      } else {
        break;
      }
    }
    return parts.length === 1 && parts[0] !== undefined ? parts[0] : { kind: 'and', parts };
  };

  const parseOr = (): Condition => {
    const parts = [parseAnd()];
    while (isWord(peek(), 'or')) {
      pos += 1;
      parts.push(parseAnd());
    }
    return parts.length === 1 && parts[0] !== undefined ? parts[0] : { kind: 'or', parts };
  };

  const condition = startsTerm(peek()) ? parseOr() : undefined;
  let sortBy: SearchQuery['sortBy'];
  let page: number | undefined;
  while (pos < tokens.length) {
    const t = peek();
    if (isWord(t, 'sortby')) {
      pos += 1;
      const f = peek();
      if (f?.kind !== 'word')
        throw new SearchSyntaxError('INVALID_SORT_FIELD', 'sortby needs a field');
      pos += 1;
      let descending = false;
      if (isWord(peek(), 'asc') || isWord(peek(), 'desc')) {
        descending = isWord(peek(), 'desc');
        pos += 1;
      }
      sortBy = { field: f.text.toLowerCase(), descending };
    } else if (isWord(t, 'page')) {
      pos += 1;
      const n = Number(peek()?.text);
      if (!Number.isInteger(n) || n < 1)
        throw new SearchSyntaxError('INVALID_PAGE_FEILD', 'page needs a number ≥ 1');
      pos += 1;
      page = n;
    } else {
      throw new SearchSyntaxError('INVALID_CONDITION_TERM', `unexpected '${t?.text ?? ''}'`);
    }
  }
  return { condition, sortBy, page };
}
