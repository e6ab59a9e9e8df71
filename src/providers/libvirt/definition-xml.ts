/**
 * The definition virtwarden defines for a libvirt guest: the manifest's domain XML with the
 * disks of its storage mappings merged into `<devices>` (a mapped target replaces a disk of the
 * same target in the file; a virtio-scsi controller is added when a mapped disk needs one and
 * the file has none). Pure.
 */
import XMLBuilder from 'fast-xml-builder';
import { XMLParser } from 'fast-xml-parser';
import { desiredDisks } from '../../common/mapped-disks.js';
import type { Desired, Guest } from '../../model/desired.js';
import type { DiskSpec } from '../../model/plan.js';
import { diskXml } from './disk-render.js';

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

export function mergeDisks(xml: string, disks: readonly DiskSpec[]): string {
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
  for (const d of disks) list.push(...(parser.parse(diskXml(d)) as Node[]));
  devices.devices = list;
  domain.domain = body;
  return new XMLBuilder({ ...OPTIONS, suppressEmptyNode: true }).build(doc);
}

/** undefined for guests without a definition file. */
export function definitionXml(desired: Desired, guest: Guest): string | undefined {
  if (guest.definition === undefined) return undefined;
  return mergeDisks(
    guest.definition.xml,
    desiredDisks(desired, guest).map((d) => d.spec),
  );
}
