/**
 * One hash of everything the manifests say about a guest (placement, timing, failure policy,
 * its definition file's text…): a status that carries it says which version of the manifests
 * it reflects, as Flux's `observedGeneration` does. Pure; memoized per guest object (desired
 * state is immutable and rebuilt on every load).
 */
import { createHash } from 'node:crypto';
import type { Guest } from '../model/desired.js';

const memo = new WeakMap<Guest, string>();

export function guestSpecHash(guest: Guest): string {
  let h = memo.get(guest);
  if (h === undefined) {
    h = 'sha256:' + createHash('sha256').update(JSON.stringify(guest)).digest('hex').slice(0, 16);
    memo.set(guest, h);
  }
  return h;
}
