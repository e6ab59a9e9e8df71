/**
 * A domain definition as virtwarden compares it (pure): libvirt's XML as a plain tree, with what
 * libvirt adds or changes on its own left out, so that only what a person changed remains.
 *
 * Left out, and why:
 * - `<domain id>`: the run id, present while the domain runs.
 * - virtwarden's own `<metadata>` element: it records the baseline itself, and its hashes change
 *   with every define (a now empty `<metadata>` goes with it).
 * - `<address>` directly under a device (`/domain/devices/X/address`): PCI slots and drive
 *   addresses libvirt assigns. Addresses deeper down (`hostdev/source/address`, the host
 *   device passed through) are what a person chose and stay.
 * - `<alias>` other than user aliases (`ua-…`): names libvirt gives devices of a running guest.
 * - comments and whitespace between elements: libvirt reformats the XML it stores.
 *
 * Attributes are compared as a set (libvirt writes them in its own order).
 */
import { XMLParser } from 'fast-xml-parser';
import { OWNER_NS } from './domain-xml.js';
import { escapeXml } from '../../common/xml-text.js';

export interface XmlNode {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** The element's own text, trimmed ('' when none). */
  readonly text: string;
  readonly children: readonly XmlNode[];
}

type Raw = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  commentPropName: '#comment',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
});

const tagOf = (n: Raw): string | undefined => Object.keys(n).find((k) => k !== ':@');

function attrsOf(n: Raw): Record<string, string> {
  const raw = (n[':@'] ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k of Object.keys(raw).sort()) out[k.slice(2)] = String(raw[k]);
  return out;
}

function toTree(n: Raw, tag: string): XmlNode {
  const kids = Array.isArray(n[tag]) ? (n[tag] as Raw[]) : [];
  const children: XmlNode[] = [];
  let text = '';
  for (const k of kids) {
    const t = tagOf(k);
    if (t === '#text') text += String(k[t]);
    else if (t !== undefined && t !== '#comment') children.push(toTree(k, t));
  }
  return { tag, attrs: attrsOf(n), text: text.trim(), children };
}

/** The `<domain>` of a libvirt domain XML as a tree, untouched; throws if there is none. */
export function parseDomainTree(xml: string): XmlNode {
  const doc = parser.parse(xml) as Raw[];
  const root = doc.find((n) => tagOf(n) === 'domain');
  if (!root) throw new Error('not a libvirt domain definition: no <domain> element');
  return toTree(root, 'domain');
}

/** True for an element of virtwarden's namespace (`<vw:guest xmlns:vw="…"/>`). */
export function isOwnerElement(n: XmlNode): boolean {
  return Object.entries(n.attrs).some(
    ([k, v]) => (k === 'xmlns' || k.startsWith('xmlns:')) && v === OWNER_NS,
  );
}

function without(n: XmlNode, drop: (child: XmlNode) => boolean): XmlNode {
  return { ...n, children: n.children.filter((c) => !drop(c)) };
}

function clean(n: XmlNode, path: readonly string[]): XmlNode {
  const here = [...path, n.tag];
  const children = n.children
    .filter((c) => {
      if (c.tag === 'alias') return c.attrs.name?.startsWith('ua-') === true;
      // /domain/devices/<device>/address
      if (c.tag === 'address') return !(here.length === 3 && here[1] === 'devices');
      return true;
    })
    .map((c) => clean(c, here));
  return { ...n, children };
}

/** The definition as compared: libvirt's own additions left out (see the file comment). */
export function normalizeDefinition(xml: string): XmlNode {
  const domain = parseDomainTree(xml);
  const { id: _id, ...attrs } = domain.attrs;
  const children = domain.children.flatMap((c): XmlNode[] => {
    if (c.tag !== 'metadata') return [c];
    const rest = without(c, isOwnerElement);
    return rest.children.length === 0 && rest.text === '' ? [] : [rest];
  });
  return clean({ ...domain, attrs, children }, []);
}

const escText = escapeXml;
const escAttr = escapeXml;

/** Compact XML of a node (attributes in sorted order, single quotes as libvirt writes them). */
export function serializeNode(n: XmlNode): string {
  const attrs = Object.entries(n.attrs)
    .map(([k, v]) => ` ${k}='${escAttr(v)}'`)
    .join('');
  if (n.children.length === 0 && n.text === '') return `<${n.tag}${attrs}/>`;
  return `<${n.tag}${attrs}>${escText(n.text)}${n.children.map(serializeNode).join('')}</${n.tag}>`;
}
