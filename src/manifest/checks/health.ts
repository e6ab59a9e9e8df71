/**
 * A guest's `health:` against the rest: libvirt sites only (its rungs — reboot, reset — and the
 * watchdog event go through libvirt).
 */
import type { Diagnostic } from '../../model/diagnostic.js';
import type { GuestEntry, Names } from '../collected.js';
import { diag, quote } from '../diagnostics.js';

export function checkHealth(entry: GuestEntry, names: Names): Diagnostic[] {
  const { value: guest, written, locator } = entry;
  if (written.health === undefined) return [];
  if (names.sites.get(guest.site)?.value.provider.kind !== 'ovirt') return [];
  return [
    diag(
      'healthOnOvirt',
      `guest ${quote(guest.name)} is at oVirt site ${quote(guest.site)}: health is for libvirt sites only`,
      locator.span(['spec', 'health'], 'key'),
      { hint: 'remove health (the engine watches its VMs itself)' },
    ),
  ];
}
