/**
 * Loading the native addon (once, on first use) and turning its rejections into LibvirtErrors.
 */
import { loadNativeAddon } from '../../common/native-addon.js';
import type { NativeModule } from './binding-native.js';
import { toLibvirtError } from './libvirt-error.js';

let loaded: NativeModule | undefined;

/**
 * The addon; throws a TerminalError (`libvirt-addon-missing`) whose single-line message names
 * what is missing and how to build it.
 */
export function addon(): NativeModule {
  loaded ??= loadNativeAddon(
    'virtwarden_libvirt.node',
    'native libvirt binding',
    'libvirt-addon-missing',
  ) as NativeModule;
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
