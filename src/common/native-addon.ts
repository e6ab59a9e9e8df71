/**
 * Loading one of virtwarden's native addons (native/build/Release/NAME.node, compiled when the
 * package is installed). An addon that is missing or cannot be loaded is a problem of this
 * machine, never of a host: it becomes one TerminalError whose message is a single line naming
 * what is missing and how to build it, so every command that needs the addon exits 1 with it
 * instead of reading the hosts as unreachable (which would plan fencing) or the fleet as empty.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TerminalError } from './errors.js';

// src/common (jest) and dist/common (built) are both two levels below the package root.
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

const PREREQUISITES = 'pkg-config, libvirt-dev >= 9.0, g++, make and python3';

/** Node's module errors carry a "Require stack:" list on further lines; keep the first. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').trim();
}

/** The addon's exports, untyped: each caller states the interface it relies on. */
export function loadNativeAddon(file: string, what: string, code: string): unknown {
  const addonPath = path.join(PACKAGE_ROOT, 'native', 'build', 'Release', file);
  try {
    return createRequire(import.meta.url)(addonPath) as unknown;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const notBuilt = e.code === 'MODULE_NOT_FOUND' || e.code === 'ENOENT';
    const build = `run \`npm run install\` in ${PACKAGE_ROOT}`;
    const message = notBuilt
      ? `the ${what} is not built (${addonPath} is missing): install ${PREREQUISITES}, then ${build}`
      : `the ${what} cannot be loaded (${addonPath}): ${firstLine(e instanceof Error ? e.message : String(err))}; ` +
        `install what it names (Debian: libvirt0 for libvirt.so.0) or rebuild: ${build}`;
    throw new TerminalError(code, message, { cause: err });
  }
}
