/** Options shared by the commands that look at the infrastructure (plan, apply, status, …). */
import path from 'node:path';
import type { RootOptions } from '../manifest/index.js';
import type { OptionSpec } from './args.js';
import type { CliIo } from './io.js';
import { UsageError } from './errors.js';

/** Where the files manifests name may be: every command that reads manifests takes these. */
export const ROOT_OPTIONS = {
  root: { type: 'string' },
  'allow-outside-root': { type: 'boolean' },
} as const satisfies OptionSpec;

export const ROOT_USAGE = `      --root DIR           files the manifests name (definitions, caFile, test-driver
                           files) must be inside DIR (default: the manifest directory,
                           or a manifest file's directory), after following symlinks
      --allow-outside-root let the manifests name files anywhere (trusted manifests only)`;

/** The containment options as the loader takes them. */
export function rootOptions(
  io: CliIo,
  values: {
    readonly root?: string | undefined;
    readonly 'allow-outside-root'?: boolean | undefined;
  },
): RootOptions {
  return {
    ...(values.root === undefined ? {} : { root: path.resolve(io.cwd, values.root) }),
    ...(values['allow-outside-root'] === true ? { allowOutsideRoot: true } : {}),
  };
}

export const COMMON_OPTIONS = {
  ...ROOT_OPTIONS,
  output: { type: 'string', short: 'o' },
  'state-dir': { type: 'string' },
  target: { type: 'string', multiple: true },
  'allow-restart': { type: 'boolean' },
  'allow-data-loss': { type: 'boolean' },
} as const satisfies OptionSpec;

export const COMMON_USAGE = `  -o, --output text|json   output format (default text)
      --target KIND/NAME   limit to one guest (Guest/NAME), a mapping's guest
                           (StorageMapping/NAME) or a service's guests (Service/NAME);
                           repeatable
      --allow-restart      plan changes that need a guest restart
      --allow-data-loss    allow deleting volumes virtwarden owns whose mapping is gone
      --state-dir DIR      lock, journal and fencing records (default:
                           $VIRTWARDEN_STATE_DIR, /var/lib/virtwarden as root,
                           else ~/.local/state/virtwarden)
${ROOT_USAGE}`;

export function manifestDir(io: CliIo, positional: string | undefined): string {
  return path.resolve(io.cwd, positional ?? 'manifests');
}

/** `--target` values parsed into KIND/NAME pairs (validated against the manifests later). */
export function parseTargets(
  values: readonly string[] | undefined,
): { kind: string; name: string }[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return values.map((v) => {
    const [kind, name, ...rest] = v.split('/');
    if (kind === undefined || name === undefined || name === '' || rest.length > 0) {
      throw new UsageError(`--target '${v}' must look like KIND/NAME, e.g. Guest/db1`);
    }
    return { kind, name };
  });
}
