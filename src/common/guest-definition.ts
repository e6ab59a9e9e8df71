/**
 * The identity of what virtwarden defines for a libvirt guest, as two hashes recorded in the
 * guest's metadata: `hash` changes exactly when the definition file, the hypervisor name or a
 * mapping changes (redefine); `baseHash` only when the file or the name does (a running guest
 * needs a restart). Pure; the libvirt provider builds the XML itself (definition-xml.ts).
 */
import { createHash } from 'node:crypto';
import type { Desired, Guest } from '../model/desired.js';
import { desiredDisks } from './mapped-disks.js';

export interface GuestDefinitionHashes {
  /** Of the whole definition, mapped disks included: redefine when it changes. */
  readonly hash: string;
  /** Of the definition without mapped disks: a running guest needs a restart when it changes. */
  readonly baseHash: string;
}

function digest(name: string, ...parts: readonly string[]): string {
  const h = createHash('sha256').update(name);
  for (const p of parts) h.update('\0').update(p);
  return 'sha256:' + h.digest('hex').slice(0, 32);
}

// Desired state is immutable: compute each guest's hashes once per load.
const memo = new WeakMap<Desired, WeakMap<Guest, GuestDefinitionHashes | undefined>>();

/** undefined for guests without a definition file (oVirt guests). */
export function guestDefinition(desired: Desired, guest: Guest): GuestDefinitionHashes | undefined {
  let perDesired = memo.get(desired);
  if (!perDesired) memo.set(desired, (perDesired = new WeakMap()));
  if (perDesired.has(guest)) return perDesired.get(guest);
  let def: GuestDefinitionHashes | undefined;
  if (guest.definition !== undefined) {
    // What the definition says of each disk: not the size a volume is created or grown to
    // (that is the volume's, not the domain's), nor which image an overlay copies.
    const disks = desiredDisks(desired, guest).map((d) => {
      const src = d.spec.source;
      const source =
        src.kind === 'volume' ? { kind: src.kind, pool: src.pool, name: src.name } : src;
      return { ...d.spec, source };
    });
    const base = digest(guest.domainName, guest.definition.xml);
    def = {
      baseHash: base,
      hash:
        disks.length === 0
          ? base
          : digest(guest.domainName, guest.definition.xml, JSON.stringify(disks)),
    };
  }
  perDesired.set(guest, def);
  return def;
}
