/**
 * Diagnostics as a compiler prints them, for every command that reports manifest problems:
 *
 *     manifests/guests.yaml:12:19: error[VW202]: host 'kvm9' is not defined in any site
 *        |
 *     12 |     hosts: [kvm1, kvm9]
 *        |                   ^~~~
 *        = hint: did you mean 'kvm3'?
 *
 * Paths are relative to the current directory; colour only on a terminal without NO_COLOR;
 * secrets (`secretAt`) are masked in every quoted line. `diagnosticsJson` is the same data for
 * `-o json`.
 */
import path from 'node:path';
import type { Diagnostic, SourceSpan } from '../../model/diagnostic.js';
import type { CliIo, OutStream } from '../io.js';
import { styleFor, type Style } from '../style.js';
import {
  quoteLine,
  readSourceFromDisk,
  SourceLines,
  type ReadSource,
} from './diagnostic-source.js';

export interface RenderDiagnosticsOptions {
  /** Paths are shown relative to this directory. */
  readonly cwd: string;
  /** The stream the text goes to (decides colour). */
  readonly stream: OutStream;
  readonly env: CliIo['env'];
  /** Reads a file to quote its lines; default: the file system. */
  readonly readSource?: ReadSource;
  /**
   * When given, the only files whose lines may be quoted (`LoadResult.excerptFiles`: the
   * manifests and definitions read inside the manifest root).
   */
  readonly excerptFiles?: readonly string[];
}

/** A path as shown to the user: relative to `cwd` when that is shorter to read. */
export function displayPath(file: string, cwd: string): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(cwd, file);
  return relative === '' ? '.' : relative.startsWith('../../../') ? file : relative;
}

function location(at: SourceSpan, cwd: string): string {
  return `${displayPath(at.file, cwd)}:${at.line}:${at.col}`;
}

function renderOne(
  d: Diagnostic,
  options: RenderDiagnosticsOptions,
  style: Style,
  sources: SourceLines,
  secrets: readonly SourceSpan[],
): string {
  const colour = d.severity === 'error' ? style.red : style.yellow;
  const head = `${colour(style.bold(`${d.severity}[${d.code}]`))}: ${style.bold(d.message)}`;
  const lines = [d.at === undefined ? head : `${style.bold(location(d.at, options.cwd))}: ${head}`];
  let gutter = '   ';
  const raw = d.at === undefined ? undefined : sources.line(d.at.file, d.at.line);
  if (d.at !== undefined && raw !== undefined) {
    const number = String(d.at.line);
    gutter = ' '.repeat(number.length + 1);
    const quoted = quoteLine(raw, d.at, secrets);
    const bar = style.cyan('|');
    lines.push(
      `${gutter}${bar}`,
      `${style.cyan(number)} ${bar} ${quoted.text}`,
      `${gutter}${bar} ${' '.repeat(quoted.from)}${colour('^' + '~'.repeat(quoted.width - 1))}`,
    );
  }
  if (d.hint !== undefined) lines.push(`${gutter}${style.cyan('=')} hint: ${d.hint}`);
  for (const r of d.related ?? []) {
    lines.push(`${gutter}${style.cyan('=')} note: ${r.message}: ${location(r.at, options.cwd)}`);
  }
  return lines.join('\n') + '\n';
}

/** The diagnostics as text, each followed by a blank line. */
export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  options: RenderDiagnosticsOptions,
): string {
  const style = styleFor(options.stream, options);
  const read = options.readSource ?? readSourceFromDisk;
  const allowed = options.excerptFiles === undefined ? undefined : new Set(options.excerptFiles);
  const sources = new SourceLines((file) =>
    allowed === undefined || allowed.has(file) ? read(file) : undefined,
  );
  const secrets = diagnostics.flatMap((d) => (d.secretAt === undefined ? [] : [d.secretAt]));
  return diagnostics.map((d) => renderOne(d, options, style, sources, secrets) + '\n').join('');
}

/** `N errors, M warnings` (or `ok`). */
export function countSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (errors === 0 && warnings === 0) return 'ok';
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    ...(errors > 0 ? [plural(errors, 'error')] : []),
    ...(warnings > 0 ? [plural(warnings, 'warning')] : []),
  ].join(', ');
}

/** One diagnostic as plain JSON data (paths relative to `cwd`, as the text shows them). */
export function diagnosticJson(d: Diagnostic, cwd: string): Record<string, unknown> {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.hint === undefined ? {} : { hint: d.hint }),
    ...(d.at === undefined
      ? {}
      : {
          file: displayPath(d.at.file, cwd),
          line: d.at.line,
          col: d.at.col,
          ...(d.at.endLine === undefined ? {} : { endLine: d.at.endLine }),
          ...(d.at.endCol === undefined ? {} : { endCol: d.at.endCol }),
        }),
    ...(d.related === undefined
      ? {}
      : {
          related: d.related.map((r) => ({
            message: r.message,
            file: displayPath(r.at.file, cwd),
            line: r.at.line,
            col: r.at.col,
          })),
        }),
  };
}
