/** Definitions shared by several kinds, and the envelope every document has. */
import { list, obj, ref, str, type Schema } from './builders.js';
import { PATTERNS } from './patterns.js';

export const API_VERSION = 'virtwarden/v1';

export const KINDS = ['Site', 'Guest', 'StorageMapping', 'DisasterRecovery', 'Service'] as const;
export type Kind = (typeof KINDS)[number];

export const COMMON_DEFS: Readonly<Record<string, Schema>> = {
  name: str(
    "A manifest name: 1–63 letters, digits, '.', '_' or '-', starting with a letter or digit.",
    { pattern: PATTERNS.name.pattern },
  ),
  metadata: obj(
    'Identifies the object. Names are unique per kind.',
    { name: ref('name', 'The name other manifests use to refer to this object.') },
    { required: ['name'] },
  ),
  argv: list(
    'A command run on the management host, as an argument vector (no shell): the first entry ' +
      'is the program, searched in PATH unless it contains a slash.',
    str('One argument, passed as it is written.'),
    { minItems: 1 },
  ),
  passEnv: list(
    'Names of environment variables passed on to a hook command.',
    str('An environment variable name.', { pattern: PATTERNS.envName.pattern }),
    { uniqueItems: true, maxItems: 64 },
  ),
  secretRef: obj(
    'Where a secret is read from when it is needed. Exactly one of `env` or `file`; the ' +
      'secret itself never appears in a manifest.',
    {
      env: str('Name of an environment variable of the virtwarden process that holds it.', {
        pattern: PATTERNS.envName.pattern,
      }),
      file: str(
        'Absolute path of a file whose content (trailing newline removed) is the secret. ' +
          'Keep it outside the manifest repository, readable only by virtwarden.',
        { pattern: PATTERNS.absolutePath.pattern },
      ),
    },
    { minProperties: 1, maxProperties: 1 },
  ),
};

/** The schema of one whole document of `kind`, with its `spec`. */
export function documentSchema(kind: Kind, description: string, spec: Schema): Schema {
  return obj(
    description,
    {
      apiVersion: str('Version of the manifest language. Always `virtwarden/v1`.', {
        const: API_VERSION,
      }),
      kind: str(`What this document describes: \`${kind}\`.`, { const: kind }),
      metadata: ref('metadata', 'Identifies the object; `metadata.name` is its name.'),
      spec,
    },
    { required: ['apiVersion', 'kind', 'metadata', 'spec'] },
  );
}
