/**
 * The libvirt provider's `define`: the manifest's definition, with virtwarden's identity and
 * ownership record, defined on one host; autostart off (virtwarden decides where it starts).
 *
 * Mapped disks are given as the host's libvirt needs them (volume formats, LUN passthrough: see
 * host-disks.ts). Then the definition is read back as libvirt stored it — with its defaults, generated
 * addresses and MAC addresses — and kept as the baseline in the ownership record, so that a
 * later read tells a hand edit (`virsh edit`) from libvirt's own additions (see
 * definition-baseline.ts and definition-normal.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Desired, Guest } from '../../model/desired.js';
import type { Action } from '../../model/plan.js';
import { guestDefinition } from '../../common/guest-definition.js';
import { desiredDisks } from '../../common/mapped-disks.js';
import { guestUuid } from '../../common/guest-identity.js';
import { TerminalError, TransientError } from '../../common/errors.js';
import type { ActionOutcome } from '../provider.js';
import type { HostLookup } from './actions.js';
import { encodeBaseline } from './definition-baseline.js';
import { changedSinceBaseline, readOwnership } from './definition-record.js';
import { definitionXml } from './definition-xml.js';
import { forHost } from './host-disks.js';
import { OWNER_NS, OWNER_PREFIX, ownershipMetadata, prepareDefinition } from './domain-xml.js';

export async function define(
  links: HostLookup,
  a: Action,
  guest: Guest,
  desired: Desired,
): Promise<ActionOutcome> {
  const def = guestDefinition(desired, guest);
  if (!def || !guest.definition) {
    throw new TerminalError('no-definition', `guest '${guest.name}' has no definition file`);
  }
  const owner = {
    guest: guest.name,
    definitionHash: def.hash,
    baseHash: def.baseHash,
    mappedDisks: desiredDisks(desired, guest).length,
    defineId: randomUUID(),
  };
  const xml = prepareDefinition(definitionXml(desired, guest) ?? guest.definition.xml, {
    name: guest.domainName,
    uuid: guestUuid(guest),
    owner,
  });
  const link = links.link(a.host);
  // What is there now: a repair of a hand edit checks its read-back against it (below).
  const previous = await link
    .call('current definition', (api) => api.domainXml(guest.domainName, true))
    .catch(() => undefined);
  const hostXml = await forHost(link, xml);
  await link.call('define', (api) => api.defineXml(hostXml));
  // This domain's row alone: a list of the whole host per define made `apply` O(N²).
  const row = await link.call('look up domain', (api) => api.domainRow(guest.domainName));
  if (!row?.persistent)
    throw new TransientError('not-defined', `define on ${link.host.name} did not take effect`);
  if (row.autostart)
    await link.call('autostart off', (api) => api.setAutostart(guest.domainName, false));
  const stored = await link.call('read back', (api) => api.domainXml(guest.domainName, true));
  // Someone defined it too between our define and this read (an operator's `virsh edit` racing
  // a repair): what libvirt holds is theirs, not ours. Taking it as the baseline would hide
  // their edit for good; define again instead (the executor re-checks and retries).
  const raced =
    readOwnership(stored)?.defineId !== owner.defineId
      ? ['the ownership record']
      : previous !== undefined && readOwnership(previous)?.definitionHash === def.hash
        ? changedSinceBaseline(previous, stored)
        : [];
  if (raced.length > 0) {
    throw new TransientError(
      'define-overwritten',
      `'${guest.domainName}' on ${link.host.name} was redefined by someone else while virtwarden defined it (${raced.join(', ')})`,
    );
  }
  await link.call('record baseline', (api) =>
    api.setConfigMetadata(guest.domainName, {
      xml: ownershipMetadata(owner, encodeBaseline(stored)),
      prefix: OWNER_PREFIX,
      namespace: OWNER_NS,
    }),
  );
  return { message: `defined from ${guest.definition.path}` };
}
