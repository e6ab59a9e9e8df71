/**
 * A guest's identity at the hypervisor, derived the same way by the planner and the providers:
 * the UUID (from the domain XML, or a deterministic one so every host gets the same UUID).
 * The definition and its hash are in `guest-definition.ts`.
 */
import { createHash } from 'node:crypto';
import type { Guest } from '../model/desired.js';

/** RFC 4122 name-based (v5) UUID namespace of virtwarden guests. */
const GUEST_NAMESPACE = '6f1c2a8e-5b7d-4c39-9a0e-3d4f5b6a7c8d';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** UUID v5 of `name` in `namespace` (RFC 4122 §4.3). */
export function uuidV5(name: string, namespace: string = GUEST_NAMESPACE): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x50;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The UUID the guest has on every host: the one in its XML, else derived from its name. */
export function guestUuid(guest: Guest): string {
  return (guest.definition?.uuid ?? uuidV5(guest.domainName)).toLowerCase();
}
