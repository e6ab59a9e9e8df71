/**
 * The limits that keep hostile YAML in bounded time and memory, and the checks behind them
 * that run outside the parser: flow nesting found by the lexer before the parser runs, block
 * nesting found on the parsed tree without recursion, and the first alias of a document (to
 * point at when the alias cap trips).
 */
import { isAlias, isCollection, isPair, Lexer } from 'yaml';
import type { Range } from 'yaml';

export const MAX_DEPTH = 64;
export const MAX_DOCUMENTS = 10_000;
export const MAX_ALIAS_COUNT = 100;

/** A YAML node, as far as positions go. */
export interface Ranged {
  readonly range?: Range | null | undefined;
}

const CONTROL_TOKENS = new Set(['\x02', '\x18', '\x1f']);

/** Offset of the first flow collection opened deeper than MAX_DEPTH, or -1. */
export function deepFlowOffset(text: string): number {
  if (!text.includes('[') && !text.includes('{')) return -1;
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      if (++depth > MAX_DEPTH) return offset;
    } else if (token === ']' || token === '}') {
      depth = Math.max(0, depth - 1);
    }
    if (!CONTROL_TOKENS.has(token)) offset += token.length;
  }
  return -1;
}

/** A collection nested deeper than MAX_DEPTH below `root`, found without recursion. */
export function tooDeepNode(root: unknown): Ranged | undefined {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() ?? [undefined, 0];
    if (!isCollection(node)) continue;
    if (depth > MAX_DEPTH) return node;
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push([item.key, depth + 1], [item.value, depth + 1]);
      } else {
        stack.push([item, depth + 1]);
      }
    }
  }
  return undefined;
}

/** The first alias (in document order) below `root`, to point at when expansion is refused. */
export function firstAlias(root: unknown): Ranged | undefined {
  const stack: unknown[] = [root];
  let first: Ranged | undefined;
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      if (first?.range == null || (node.range != null && node.range[0] < first.range[0])) {
        first = node;
      }
      continue;
    }
    if (!isCollection(node)) continue;
    for (const item of node.items) {
      if (isPair(item)) stack.push(item.value, item.key);
      else stack.push(item);
    }
  }
  return first;
}
