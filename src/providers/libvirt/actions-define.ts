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
import type { Desired, Guest } from '../../model/desired.js';
import type { Action } from '../../model/plan.js';
import { guestDefinition } from '../../common/guest-definition.js';
import { desiredDisks } from '../../common/mapped-disks.js';
import { guestUuid } from '../../common/guest-identity.js';
import { TerminalError, TransientError } from '../../common/errors.js';
import type { ActionOutcome } from '../provider.js';
import type { HostLookup } from './actions.js';
import { encodeBaseline } from './definition-baseline.js';
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
  };
  const xml = prepareDefinition(definitionXml(desired, guest) ?? guest.definition.xml, {
    name: guest.domainName,
    uuid: guestUuid(guest),
    owner,
  });
  const link = links.link(a.host);
  const hostXml = await forHost(link, xml);
  await link.call('define', (api) => api.defineXml(hostXml));
  const rows = await link.call('list domains', (api) => api.listDomains());
  const row = rows.find((r) => r.name === guest.domainName);
  if (!row?.persistent)
    throw new TransientError('not-defined', `define on ${link.host.name} did not take effect`);
  if (row.autostart)
    await link.call('autostart off', (api) => api.setAutostart(guest.domainName, false));
  const stored = await link.call('read back', (api) => api.domainXml(guest.domainName, true));
  await link.call('record baseline', (api) =>
    api.setConfigMetadata(guest.domainName, {
      xml: ownershipMetadata(owner, encodeBaseline(stored)),
      prefix: OWNER_PREFIX,
      namespace: OWNER_NS,
    }),
  );
  return { message: `defined from ${guest.definition.path}` };
}
