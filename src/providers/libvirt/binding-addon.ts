/**
 * Loading the native addon (once, on first use) and turning its rejections into LibvirtErrors.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TerminalError } from '../../common/errors.js';
import type { NativeModule } from './binding-native.js';
import { toLibvirtError } from './libvirt-error.js';

// src/providers/libvirt (jest) and dist/providers/libvirt (built) are both three levels below
// the package root, where `npm ci` builds native/build/Release.
const ADDON_PATH = fileURLToPath(
  new URL('../../../native/build/Release/virtwarden_libvirt.node', import.meta.url),
);

let loaded: NativeModule | undefined;

/** The addon; throws a TerminalError (`libvirt-addon-missing`) saying how to build it. */
export function addon(): NativeModule {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)(ADDON_PATH) as NativeModule;
  } catch (err) {
    throw new TerminalError(
      'libvirt-addon-missing',
      `cannot load the native libvirt binding ${ADDON_PATH}: ${(err as Error).message}. ` +
        'Build it with `npm run install` (node-gyp rebuild --directory=native; needs libvirt-dev).',
      { cause: err },
    );
  }
  return loaded;
}

/**
 * Runs one native call: argument errors (thrown synchronously by the addon) become rejected
 * TypeErrors of this realm, and libvirt's rejections become LibvirtErrors.
 */
export async function call<T>(invoke: () => Promise<T>): Promise<T> {
  try {
    return await invoke();
  } catch (err) {
    // The addon's errors come from Node's main realm, not from jest's or a vm context's.
    const foreignTypeError =
      !(err instanceof Error) && (err as { name?: unknown } | null)?.name === 'TypeError';
    if (foreignTypeError) throw new TypeError((err as Error).message, { cause: err });
    throw toLibvirtError(err);
  }
}
