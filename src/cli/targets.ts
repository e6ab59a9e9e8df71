/** `--target KIND/NAME` resolved to the set of guests it concerns. */
import type { Desired } from '../model/desired.js';
import { UsageError } from './errors.js';

export function resolveTargets(
  desired: Desired,
  targets: readonly { kind: string; name: string }[] | undefined,
): ReadonlySet<string> | undefined {
  if (targets === undefined) return undefined;
  const guests = new Set<string>();
  for (const { kind, name } of targets) {
    switch (kind.toLowerCase()) {
      case 'guest':
        if (!desired.guests.has(name))
          throw new UsageError(`--target Guest/${name}: no such guest in the manifests`);
        guests.add(name);
        break;
      case 'storagemapping': {
        const m = desired.storage.get(name);
        if (!m)
          throw new UsageError(`--target StorageMapping/${name}: no such mapping in the manifests`);
        guests.add(m.guest);
        break;
      }
      case 'service': {
        const s = desired.services.get(name);
        if (!s) throw new UsageError(`--target Service/${name}: no such service in the manifests`);
        for (const g of s.tiers.flat()) guests.add(g);
        break;
      }
      default:
        throw new UsageError(
          `--target ${kind}/${name}: KIND must be Guest, StorageMapping or Service`,
        );
    }
  }
  return guests;
}
