import { createHash, randomUUID } from 'node:crypto';

/**
 * A stable UUID derived from a kind and a name, so the same dataset always gets the same ids
 * (the engine derives ids of API-only objects the same way: GuidUtils.generateGuidUsingMd5).
 */
export function nameUuid(kind: string, name: string): string {
  const hex = createHash('md5').update(`${kind}:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A fresh random UUID, for jobs, sessions and other runtime objects. */
export function newUuid(): string {
  return randomUUID();
}

/**
 * Whether `id` parses as a Java `UUID` (what `new Guid(String)` accepts): five dash-separated
 * hex groups. A malformed id gets the engine's 400 "Operation failed" fault.
 */
export function isGuid(id: string): boolean {
  return /^[0-9a-fA-F]{1,8}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,12}$/.test(
    id,
  );
}

/** Normalizes a GUID the way Java prints it (lowercase, zero-padded). */
export function canonicalGuid(id: string): string {
  const widths = [8, 4, 4, 4, 12];
  return id
    .split('-')
    .map((part, i) => part.toLowerCase().padStart(widths[i] ?? 0, '0'))
    .join('-');
}
