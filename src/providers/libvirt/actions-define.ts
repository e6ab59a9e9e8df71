/**
 * The libvirt provider's `define`: the manifest's definition, with virtwarden's identity and
 * ownership record, defined on one host; autostart off (virtwarden decides where it starts).
 */
import type { Desired, Guest } from '../../model/desired.js';
import type { Action } from '../../model/plan.js';
import { guestDefinition } from '../../common/guest-definition.js';
import { desiredDisks } from '../../common/mapped-disks.js';
import { guestUuid } from '../../common/guest-identity.js';
import { TerminalError, TransientError } from '../../common/errors.js';
import type { ActionOutcome } from '../provider.js';
import type { HostLookup } from './actions.js';
import { prepareDefinition } from './domain-xml.js';

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
  const xml = prepareDefinition(def.xml, {
    name: guest.domainName,
    uuid: guestUuid(guest),
    owner: {
      guest: guest.name,
      definitionHash: def.hash,
      baseHash: def.baseHash,
      mappedDisks: desiredDisks(desired, guest).length,
    },
  });
  const link = links.link(a.host);
  await link.call('define', (api) => api.defineXml(xml));
  const rows = await link.call('list domains', (api) => api.listDomains());
  const row = rows.find((r) => r.name === guest.domainName);
  if (!row?.persistent)
    throw new TransientError('not-defined', `define on ${link.host.name} did not take effect`);
  if (row.autostart)
    await link.call('autostart off', (api) => api.setAutostart(guest.domainName, false));
  return { message: `defined from ${guest.definition.path}` };
}
