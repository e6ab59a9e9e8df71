/**
 * The only part of the loader that touches the file system: find the manifest files under a
 * directory (or take the single file given), read them, and hand them to
 * `parseManifestSources` with a reader for the domain XMLs they refer to.
 *
 * Directories are walked recursively in sorted order; entries whose name starts with a dot
 * (`.git`, `.github`) are skipped; symlinks are followed, each real directory visited once (so
 * a symlink loop ends); only regular files are read, and none larger than the size cap. A
 * manifest file that resolves outside the manifest root (`root.ts`: a symlink, or a symlinked
 * directory, leading out of the repository) is reported (VW016) and not read.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import { decodeSource, MAX_FILE_BYTES, tooLargeDiagnostic } from './decode.js';
import { OUTSIDE_ROOT_HINT } from './checks/paths.js';
import { diag, quote } from './diagnostics.js';
import type { ReadReferencedFile } from './normalize/context.js';
import { parseSources, type LoadResult, type ManifestSource } from './parse-sources.js';
import { rootPolicy, type RootOptions } from './root.js';

const MANIFEST_FILE = /\.ya?ml$/i;
const READ_CONCURRENCY = 16;

function reason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

interface Walk {
  readonly files: string[];
  readonly diagnostics: Diagnostic[];
}

async function walk(dir: string, visited: Set<string>, out: Walk): Promise<void> {
  let real: string;
  try {
    real = await realpath(dir);
  } catch (err) {
    out.diagnostics.push(
      diag('pathUnreadable', `cannot read directory ${quote(dir)}: ${reason(err)}`, undefined),
    );
    return;
  }
  if (visited.has(real)) return;
  visited.add(real);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    out.diagnostics.push(
      diag('pathUnreadable', `cannot read directory ${quote(dir)}: ${reason(err)}`, undefined),
    );
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(full);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch (err) {
        if (MANIFEST_FILE.test(entry.name)) {
          out.diagnostics.push(
            diag('pathUnreadable', `cannot read ${quote(full)}: ${reason(err)}`, {
              file: full,
              line: 1,
              col: 1,
            }),
          );
        }
        continue;
      }
    }
    if (isDir) await walk(full, visited, out);
    else if (isFile && MANIFEST_FILE.test(entry.name)) out.files.push(full);
  }
}

async function readSource(file: string): Promise<ManifestSource | Diagnostic> {
  try {
    const info = await stat(file);
    if (!info.isFile()) {
      return diag('pathUnreadable', `${quote(file)} is not a regular file`, {
        file,
        line: 1,
        col: 1,
      });
    }
    if (info.size > MAX_FILE_BYTES) return tooLargeDiagnostic(file, info.size);
    return { path: file, content: await readFile(file) };
  } catch (err) {
    return diag('pathUnreadable', `cannot read ${quote(file)}: ${reason(err)}`, {
      file,
      line: 1,
      col: 1,
    });
  }
}

/** Reads at most the size cap from an open descriptor of a regular file. */
function readBounded(fd: number): Buffer | { error: string } {
  const info = fstatSync(fd);
  if (!info.isFile()) return { error: 'it is not a regular file' };
  if (info.size > MAX_FILE_BYTES) {
    return { error: `it is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB` };
  }
  const bytes = Buffer.allocUnsafe(info.size);
  let filled = 0;
  while (filled < bytes.length) {
    const n = readSync(fd, bytes, filled, bytes.length - filled, null);
    if (n === 0) break;
    filled += n;
  }
  return bytes.subarray(0, filled);
}

/**
 * Reads a domain XML for the loader: size-capped, regular files only, UTF-8 text. Opened
 * non-blocking (a FIFO must not hang the loader) and checked on the open descriptor, which
 * is also one system call less than stat-then-read, for each of thousands of guests.
 */
export const readReferencedFile: ReadReferencedFile = (absPath) => {
  try {
    const fd = openSync(absPath, constants.O_RDONLY | constants.O_NONBLOCK);
    let bytes: Buffer | { error: string };
    try {
      bytes = readBounded(fd);
    } finally {
      closeSync(fd);
    }
    if (!Buffer.isBuffer(bytes)) return bytes;
    const decoded = decodeSource(absPath, bytes);
    return decoded.ok
      ? decoded.text
      : { error: decoded.diagnostic.message.replace(/^file /, 'it ') };
  } catch (err) {
    return { error: reason(err) };
  }
};

/**
 * Load every manifest under `dir` (or the single file `dir`). Files they name must be inside
 * the manifest root: `dir` (a file's directory) or `options.root`, unless
 * `options.allowOutsideRoot`.
 */
export async function loadManifests(dir: string, options: RootOptions = {}): Promise<LoadResult> {
  const root = path.resolve(dir);
  const empty = (diagnostics: Diagnostic[]): LoadResult => ({
    diagnostics,
    files: [],
    objects: 0,
    definitionFiles: [],
    excerptFiles: [],
  });
  let info;
  try {
    info = await stat(root);
  } catch (err) {
    const missing = (err as { code?: unknown }).code === 'ENOENT';
    return empty([
      missing
        ? diag('pathNotFound', `manifest directory ${quote(root)} does not exist`, undefined, {
            hint: 'give the directory holding the *.yaml manifests, e.g. virtwarden validate ./manifests',
          })
        : diag('pathUnreadable', `cannot read ${quote(root)}: ${reason(err)}`, undefined),
    ]);
  }
  const walked: Walk = { files: [], diagnostics: [] };
  if (info.isDirectory()) await walk(root, new Set(), walked);
  else walked.files.push(root);
  if (walked.files.length === 0) {
    return empty([
      ...walked.diagnostics,
      diag('noManifests', `no manifests found in ${quote(root)}`, undefined, {
        hint: 'manifests are *.yaml or *.yml files, found recursively (dot-directories are skipped)',
      }),
    ]);
  }
  const policy = rootPolicy(root, info.isDirectory(), options);
  const sources: ManifestSource[] = [];
  const failures: Diagnostic[] = [...walked.diagnostics];
  const readable = walked.files.filter((file) => {
    if (policy === undefined || policy.verdict(file) === 'inside') return true;
    failures.push(
      diag(
        'outsideRoot',
        `manifest file ${quote(file)} resolves outside the manifest root ${quote(policy.root)}`,
        { file, line: 1, col: 1 },
        { hint: OUTSIDE_ROOT_HINT },
      ),
    );
    return false;
  });
  for (let i = 0; i < readable.length; i += READ_CONCURRENCY) {
    const batch = await Promise.all(readable.slice(i, i + READ_CONCURRENCY).map(readSource));
    for (const item of batch) {
      if ('content' in item) sources.push(item);
      else failures.push(item);
    }
  }
  return parseSources(sources, readReferencedFile, { files: walked.files, failures }, policy);
}
