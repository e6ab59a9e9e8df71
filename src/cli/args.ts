/**
 * Flag parsing for the commands: node's parseArgs, strict, with errors turned into
 * `UsageError` (exit 64 with a one-line explanation) instead of exceptions with stacks.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<T extends OptionSpec>(
  argv: readonly string[],
  options: T,
  maxPositionals = 1,
): {
  values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true }>>['values'];
  positionals: string[];
} {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > maxPositionals) {
      throw new UsageError(`unexpected argument '${positionals[maxPositionals] ?? ''}'`);
    }
    return { values, positionals };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(
      err instanceof Error ? err.message.replace(/\. To specify .*$/s, '') : String(err),
    );
  }
}

export function outputFormat(value: string | undefined): 'text' | 'json' {
  if (value === undefined || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new UsageError(`unknown output format '${value}' (use text or json)`);
}

export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--${name} needs a whole number, got '${value}'`);
  return n;
}
