/** Open the site providers for a command, and always close them again. */
import type { Desired } from '../model/desired.js';
import type { Provider } from '../providers/provider.js';
import { closeProviders, openProviders } from '../providers/registry.js';
import type { CliIo } from './io.js';

export async function withProviders<T>(
  desired: Desired,
  io: CliIo,
  manifestDir: string,
  fn: (providers: ReadonlyMap<string, Provider>) => Promise<T>,
): Promise<T> {
  const providers = await openProviders(desired, { env: io.env, manifestDir });
  try {
    return await fn(providers);
  } finally {
    await closeProviders(providers);
  }
}
