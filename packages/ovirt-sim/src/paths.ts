/** The API root every engine serves under. */
export const API_PREFIX = '/ovirt-engine/api';

/**
 * A path pattern as tests and the admin endpoint write them: a glob where `*` is one path
 * segment and `**` any run of segments, or a RegExp. Globs without a leading slash are taken
 * under `/ovirt-engine/api/`, so `vms/STAR/start` (STAR being `*`) means every VM's start.
 */
export type PathPattern = string | RegExp;

function globRegex(glob: string): RegExp {
  const absolute = glob.startsWith('/') ? glob : `${API_PREFIX}/${glob}`;
  const source = absolute
    .split(/(\*\*|\*)/)
    .map((part) => {
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}/?$`);
}

/** Whether `path` (no query string, version prefix removed) matches `pattern`. */
export function matchPath(pattern: PathPattern, path: string): boolean {
  return (typeof pattern === 'string' ? globRegex(pattern) : pattern).test(path);
}

/** Removes a `/v4` (or other version) segment after the API prefix, for matching and routing. */
export function stripVersion(path: string): { path: string; version: string | undefined } {
  const match = /^\/ovirt-engine\/api\/v(\d+)(\/.*)?$/.exec(path);
  if (match === null) return { path, version: undefined };
  return { path: `${API_PREFIX}${match[2] ?? ''}`, version: match[1] };
}
