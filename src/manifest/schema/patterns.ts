/**
 * The string forms the schemas require, each with the words a diagnostic uses to explain it
 * (a schema error only knows the regular expression).
 */

interface Pattern {
  readonly pattern: string;
  /** Completes "must be …". */
  readonly means: string;
}

const p = (pattern: string, means: string): Pattern => ({ pattern, means });

export const PATTERNS = {
  name: p(
    '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$',
    "a name: 1–63 letters, digits, '.', '_' or '-', starting with a letter or digit",
  ),
  hypervisorName: p(
    '^[A-Za-z0-9_][A-Za-z0-9._:+-]{0,199}$',
    "a hypervisor name: letters, digits, '.', '_', ':', '+' or '-' (no '/' or spaces)",
  ),
  diskTarget: p('^(sd|vd|hd|xvd)[a-z]{1,3}$', "a guest device name such as 'vdb' or 'sdc'"),
  byId: p(
    '^(/dev/disk/by-id/)?[^/\\s]+$',
    "a link name in /dev/disk/by-id (e.g. 'scsi-3600…'), or its full path",
  ),
  byPath: p(
    '^(/dev/disk/by-path/)?[^/\\s]+$',
    "a link name in /dev/disk/by-path (e.g. 'pci-0000:0b:00.0-fc-0x…:0x0000…'), or its full path",
  ),
  dmp: p('^(/dev/vx/dmp/)?[^/\\s]+$', "a DMP device name in /dev/vx/dmp (e.g. 'xiv0_8614')"),
  envName: p('^[A-Za-z_][A-Za-z0-9_]*$', 'an environment variable name'),
  absolutePath: p('^/', 'an absolute path (starting with /)'),
  nicName: p('^[A-Za-z0-9._-]{1,15}$', "a network interface name such as 'eth0'"),
  domain: p(
    '^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?$',
    "a DNS domain such as 'example.com'",
  ),
  noWhitespace: p('^\\S+$', 'a value without spaces'),
} as const satisfies Record<string, Pattern>;

const BY_PATTERN = new Map<string, string>(
  Object.values(PATTERNS).map((entry) => [entry.pattern, entry.means]),
);

/** The human meaning of a schema pattern, for diagnostics. */
export function patternMeaning(pattern: string): string {
  return BY_PATTERN.get(pattern) ?? `of the form /${pattern}/`;
}
