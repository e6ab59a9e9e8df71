/**
 * The definition virtwarden defines for a libvirt guest: the manifest's domain XML with the
 * disks of its storage mappings merged into `<devices>` (a mapped target replaces a disk of
 * the same target in the file; a virtio-scsi controller is added when a mapped disk needs one
 * and the file has none). Its hash — recorded in the guest's metadata — changes exactly when
 * the file, the hypervisor name or a mapping changes.
 */
import { createHash } from 'node:crypto';
import XMLBuilder from 'fast-xml-builder';
import { XMLParser } from 'fast-xml-parser';
import type { Desired, Guest } from '../model/desired.js';
import { desiredDisks } from './mapped-disks.js';

const OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  commentPropName: '#comment',
  cdataPropName: '#cdata',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
} as const;

type Node = Record<string, unknown>;
const tagOf = (n: Node): string | undefined => Object.keys(n).find((k) => k !== ':@');
const kids = (n: Node, tag: string): Node[] => {
  const c = n[tag];
  return Array.isArray(c) ? (c as Node[]) : [];
};
const attr = (n: Node, name: string): string | undefined => {
  const a = n[':@'] as Record<string, string> | undefined;
  return a?.[`@_${name}`];
};

export interface GuestDefinitionXml {
  readonly xml: string;
  /** Of the whole definition, mapped disks included: redefine when it changes. */
  readonly hash: string;
  /** Of the definition without mapped disks: a running guest needs a restart when it changes. */
  readonly baseHash: string;
}

function digest(name: string, xml: string): string {
  return (
    'sha256:' +
    createHash('sha256').update(name).update('\0').update(xml).digest('hex').slice(0, 32)
  );
}

function mergeDisks(
  xml: string,
  disks: readonly { target: string; bus: string; xml: string }[],
): string {
  if (disks.length === 0) return xml;
  const parser = new XMLParser(OPTIONS);
  const doc = parser.parse(xml) as Node[];
  const domain = doc.find((n) => tagOf(n) === 'domain');
  if (!domain) return xml;
  const body = kids(domain, 'domain');
  let devices = body.find((n) => tagOf(n) === 'devices');
  if (!devices) {
    devices = { devices: [] };
    body.push(devices);
  }
  const targets = new Set(disks.map((d) => d.target));
  const list = kids(devices, 'devices').filter((n) => {
    if (tagOf(n) !== 'disk') return true;
    const target = kids(n, 'disk').find((c) => tagOf(c) === 'target');
    return !targets.has(target ? (attr(target, 'dev') ?? '') : '');
  });
  const hasScsi = list.some((n) => tagOf(n) === 'controller' && attr(n, 'type') === 'scsi');
  if (!hasScsi && disks.some((d) => d.bus === 'scsi')) {
    list.push(...(parser.parse("<controller type='scsi' model='virtio-scsi'/>") as Node[]));
  }
  for (const d of disks) list.push(...(parser.parse(d.xml) as Node[]));
  devices.devices = list;
  domain.domain = body;
  return new XMLBuilder({ ...OPTIONS, suppressEmptyNode: true }).build(doc);
}

// Desired state is immutable: compute each guest's definition once per load.
const memo = new WeakMap<Desired, WeakMap<Guest, GuestDefinitionXml | undefined>>();

/** undefined for guests without a definition file (oVirt guests). */
export function guestDefinition(desired: Desired, guest: Guest): GuestDefinitionXml | undefined {
  let perDesired = memo.get(desired);
  if (!perDesired) memo.set(desired, (perDesired = new WeakMap()));
  if (perDesired.has(guest)) return perDesired.get(guest);
  const def = computeDefinition(desired, guest);
  perDesired.set(guest, def);
  return def;
}

function computeDefinition(desired: Desired, guest: Guest): GuestDefinitionXml | undefined {
  if (guest.definition === undefined) return undefined;
  const disks = desiredDisks(desired, guest);
  const xml = mergeDisks(guest.definition.xml, disks);
  return {
    xml,
    hash: digest(guest.domainName, xml),
    baseHash: digest(guest.domainName, guest.definition.xml),
  };
}
