/**
 * The whole pipeline over sources already in memory — pure apart from `readFile` (for the
 * domain XMLs guests refer to): decode → YAML → envelope and schema → normalize → cross-object
 * checks. Never throws on any input; every problem is a diagnostic.
 */
import type { Desired } from '../model/desired.js';
import { hasErrors, type Diagnostic } from '../model/diagnostic.js';
import { mayHoldCommandPassword } from './checks/commands.js';
import { runChecks } from './checks/index.js';
import { collect, type ParsedFileInput } from './collect.js';
import type { Collected } from './collected.js';
import { decodeSource } from './decode.js';
import type { ReadReferencedFile } from './normalize/context.js';
import { parseYamlFast } from './parse-fast.js';
import { parseYamlFile } from './parse-yaml.js';
import type { PathPolicy } from './root.js';

export interface LoadResult {
  /** The desired state; present if and only if there are no errors. */
  readonly desired?: Desired;
  /** Errors and warnings, sorted by file (in load order) and position. */
  readonly diagnostics: readonly Diagnostic[];
  /** The manifest files read, in load order. */
  readonly files: readonly string[];
  /** How many manifest objects (documents with a known kind) were read. */
  readonly objects: number;
  /** Definition files (domain XMLs) the guests refer to. */
  readonly definitionFiles: readonly string[];
  /**
   * The files a diagnostic may quote a line of: the manifest files and definition files that
   * were read (inside the manifest root). Renderers quote nothing else.
   */
  readonly excerptFiles: readonly string[];
}

export interface ManifestSource {
  readonly path: string;
  readonly content: string | Uint8Array;
}

function toDesired(c: Collected): Desired {
  return {
    sites: new Map(c.sites.map((e) => [e.value.name, e.value])),
    guests: new Map(c.guests.map((e) => [e.value.name, e.value])),
    storage: new Map(c.storage.map((e) => [e.value.name, e.value])),
    disasterRecovery: new Map(c.disasterRecovery.map((e) => [e.value.name, e.value])),
    services: new Map(c.services.map((e) => [e.value.name, e.value])),
  };
}

/** Sort by file (load order, other files after), then line and column; drop exact repeats. */
export function orderDiagnostics(
  diagnostics: readonly Diagnostic[],
  files: readonly string[],
): Diagnostic[] {
  const rank = new Map(files.map((f, i) => [f, i]));
  const fileRank = (d: Diagnostic): number =>
    d.at === undefined ? -1 : (rank.get(d.at.file) ?? files.length);
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const key = `${d.code}|${d.at?.file ?? ''}|${d.at?.line ?? 0}|${d.at?.col ?? 0}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        fileRank(a.d) - fileRank(b.d) ||
        (a.d.at?.file ?? '').localeCompare(b.d.at?.file ?? '') ||
        (a.d.at?.line ?? 0) - (b.d.at?.line ?? 0) ||
        (a.d.at?.col ?? 0) - (b.d.at?.col ?? 0) ||
        a.i - b.i,
    )
    .map(({ d }) => d);
}

/** Load manifests from in-memory sources (paths should be absolute). */
export function parseManifestSources(
  sources: readonly ManifestSource[],
  readFile: ReadReferencedFile,
): LoadResult {
  return parseSources(sources, readFile, { files: sources.map((s) => s.path), failures: [] });
}

/**
 * The pipeline, for the directory loader: `files` lists every manifest file found (some may
 * have failed to read: `failures`), so unknown references are not reported against objects
 * that an unreadable file may hold.
 */
export function parseSources(
  sources: readonly ManifestSource[],
  readFile: ReadReferencedFile,
  found: { readonly files: readonly string[]; readonly failures: readonly Diagnostic[] },
  pathPolicy?: PathPolicy,
): LoadResult {
  const diagnostics: Diagnostic[] = [...found.failures];
  const parsed: ParsedFileInput[] = [];
  if (found.failures.length > 0) parsed.push({ file: '', documents: [], complete: false });
  for (const source of sources) {
    const decoded = decodeSource(source.path, source.content);
    if (!decoded.ok) {
      diagnostics.push(decoded.diagnostic);
      parsed.push({ file: source.path, documents: [], complete: false });
      continue;
    }
    const yaml =
      parseYamlFast(source.path, decoded.text) ?? parseYamlFile(source.path, decoded.text);
    diagnostics.push(...yaml.diagnostics);
    parsed.push({
      file: source.path,
      documents: yaml.documents,
      complete: yaml.complete,
      mayHoldPasswords: mayHoldCommandPassword(decoded.text),
    });
  }
  const { collected, objects, diagnostics: problems } = collect(parsed, readFile, pathPolicy);
  diagnostics.push(...problems, ...runChecks(collected));
  const files = found.files;
  const ordered = orderDiagnostics(diagnostics, files);
  const definitionFiles = [
    ...new Set(
      collected.guests.flatMap((g) => (g.definition === undefined ? [] : [g.definition.path])),
    ),
  ];
  const readDefinitions = collected.guests.flatMap((g) =>
    g.definition?.ok === true ? [g.definition.path] : [],
  );
  return {
    ...(hasErrors(ordered) ? {} : { desired: toDesired(collected) }),
    diagnostics: ordered,
    files,
    objects,
    definitionFiles,
    excerptFiles: [...new Set([...sources.map((s) => s.path), ...readDefinitions])],
  };
}
