/**
 * The manifest root: every file a manifest makes virtwarden read — manifest files found under
 * the directory, definition files, `caFile`, `test:///…` driver files — must resolve inside it
 * after following symlinks, unless the operator opts out on the command line
 * (`--allow-outside-root`). Manifests may come from a pull request and `validate` and `plan`
 * print what goes wrong with what they read, so a path that leaves the repository
 * (`../../etc/shadow`, an absolute path, a symlink to `/proc/self/environ`, a symlinked
 * directory) would otherwise be a way to read the CI machine's files through the output. The
 * opt-out lives on the command line, not in a manifest, because whoever writes the manifest is
 * the one the root protects against.
 *
 * A path is judged by its real path: the deepest part of it that exists is resolved (so a
 * missing file under a symlinked directory is judged where the directory really is, and
 * "outside" and "missing" cannot be told apart for paths outside the root).
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';

/** Where a path a manifest names really is, relative to the root. */
export type PathVerdict = 'inside' | 'outside';

/** Judges absolute paths against `root`; no policy means no containment (in-memory sources). */
export interface PathPolicy {
  /** The real path of the root, for messages. */
  readonly root: string;
  verdict(absPath: string): PathVerdict;
}

export interface RootOptions {
  /** The declared root (`--root DIR`); default: the directory given, or a file's directory. */
  readonly root?: string;
  /** `--allow-outside-root`: read paths wherever they lead. */
  readonly allowOutsideRoot?: boolean;
}

/** Is `p` the directory `root` or below it (both real, absolute paths)? */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** The real path of `p`, or of its deepest existing ancestor with the rest appended. */
export function realPathOf(p: string): string {
  const rest: string[] = [];
  let current = path.resolve(p);
  for (;;) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.resolve(p);
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

/** The policy for manifests loaded from `given` (a directory or a file). */
export function rootPolicy(
  given: string,
  isDirectory: boolean,
  options: RootOptions,
): PathPolicy | undefined {
  if (options.allowOutsideRoot === true) return undefined;
  const declared = options.root ?? (isDirectory ? given : path.dirname(given));
  const root = realPathOf(path.resolve(declared));
  return {
    root,
    verdict: (absPath) => (isInside(root, realPathOf(absPath)) ? 'inside' : 'outside'),
  };
}

/**
 * The files a libvirt test-driver URI may read (`test:///srv/m/hosts.xml`): its path as written
 * and percent-decoded (both are judged); none for `test:///default`, which is built into
 * libvirt and reads nothing.
 */
export function testDriverFiles(uri: string): string[] {
  if (!uri.startsWith('test:///')) return [];
  const rest = uri.slice('test://'.length);
  const cut = rest.search(/[?#]/);
  const file = cut < 0 ? rest : rest.slice(0, cut);
  if (file === '/default') return [];
  let decoded = file;
  try {
    decoded = decodeURIComponent(file);
  } catch {
    // not valid percent-encoding: libvirt reads it as written
  }
  return decoded === file ? [file] : [file, decoded];
}
