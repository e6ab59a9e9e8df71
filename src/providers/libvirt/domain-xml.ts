/**
 * The domain XML virtwarden defines: the manifest's file with the guest's hypervisor name, its
 * UUID (the same on every host, so a guest can migrate and be redefined) and virtwarden's
 * ownership record in `<metadata>`. Everything else in the file is kept as written.
 */
import XMLBuilder from 'fast-xml-builder';
import { XMLParser } from 'fast-xml-parser';
import type { Ownership } from '../../model/observed.js';
import { escapeXml } from '../../common/xml-text.js';

/** XML namespace of virtwarden's ownership element in `<metadata>`. */
export const OWNER_NS = 'https://virtwarden.dev/xmlns/guest/1';
export const OWNER_PREFIX = 'vw';

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

const escapeAttr = escapeXml;

/**
 * The `<vw:guest …/>` element, as given to virDomainSetMetadata or put inside `<metadata>`;
 * `baseline` is the encoded definition libvirt stored (see definition-baseline.ts).
 */
export function ownershipElement(owner: Ownership, baseline?: string): string {
  const hash =
    (owner.definitionHash === undefined
      ? ''
      : ` definition="${escapeAttr(owner.definitionHash)}"`) +
    (owner.baseHash === undefined ? '' : ` base="${escapeAttr(owner.baseHash)}"`) +
    (owner.mappedDisks === undefined ? '' : ` disks="${owner.mappedDisks}"`) +
    (owner.defineId === undefined ? '' : ` define="${escapeAttr(owner.defineId)}"`) +
    (baseline === undefined ? '' : ` baseline="${escapeAttr(baseline)}"`);
  return `<${OWNER_PREFIX}:guest xmlns:${OWNER_PREFIX}="${OWNER_NS}" name="${escapeAttr(owner.guest)}"${hash}/>`;
}

/**
 * The same element without prefix and namespace, as virDomainSetMetadata takes it (libvirt puts
 * it in the namespace given with the call, and refuses an element that declares one itself).
 */
export function ownershipMetadata(owner: Ownership, baseline?: string): string {
  return ownershipElement(owner, baseline).replace(
    `<${OWNER_PREFIX}:guest xmlns:${OWNER_PREFIX}="${OWNER_NS}" `,
    '<guest ',
  );
}

function tagOf(node: Node): string | undefined {
  return Object.keys(node).find((k) => k !== ':@');
}

function children(node: Node, tag: string): Node[] {
  const c = node[tag];
  return Array.isArray(c) ? (c as Node[]) : [];
}

function setText(parent: Node[], tag: string, text: string): void {
  const existing = parent.find((n) => tagOf(n) === tag);
  if (existing) existing[tag] = [{ '#text': text }];
  else parent.unshift({ [tag]: [{ '#text': text }] });
}

/** Returns the XML to define, or throws if it is not a `<domain>` document. */
export function prepareDefinition(
  xml: string,
  identity: { readonly name: string; readonly uuid: string; readonly owner: Ownership },
): string {
  const doc = new XMLParser(OPTIONS).parse(xml) as Node[];
  const domain = doc.find((n) => tagOf(n) === 'domain');
  if (!domain) throw new Error('not a libvirt domain definition: the root element is not <domain>');
  const body = children(domain, 'domain');
  domain.domain = body;
  setText(body, 'uuid', identity.uuid);
  setText(body, 'name', identity.name);

  const ownerNode = (new XMLParser(OPTIONS).parse(ownershipElement(identity.owner)) as Node[])[0];
  let metadata = body.find((n) => tagOf(n) === 'metadata');
  if (!metadata) {
    metadata = { metadata: [] };
    body.push(metadata);
  }
  const entries = children(metadata, 'metadata').filter((n) => {
    const tag = tagOf(n);
    return tag === undefined || !tag.endsWith(':guest') || !isOurs(n);
  });
  if (ownerNode) entries.push(ownerNode);
  metadata.metadata = entries;
  return new XMLBuilder({ ...OPTIONS, suppressEmptyNode: true }).build(doc);
}

function declaresNamespace(node: Node): boolean {
  const attrs = (node[':@'] ?? {}) as Record<string, unknown>;
  return Object.keys(attrs).some((k) => k.startsWith('@_xmlns'));
}

function isOurs(node: Node): boolean {
  const attrs = (node[':@'] ?? {}) as Record<string, unknown>;
  return Object.entries(attrs).some(([k, v]) => k.startsWith('@_xmlns') && v === OWNER_NS);
}

/**
 * Ownership from the element libvirt returns for our namespace (virDomainGetMetadata), e.g.
 * `<vw:guest xmlns:vw="…" name="db1" definition="sha256:…"/>`. Undefined if absent or foreign.
 */
export function parseOwnership(element: string | undefined): Ownership | undefined {
  if (element === undefined || element.trim() === '') return undefined;
  const doc = new XMLParser(OPTIONS).parse(element) as Node[];
  const node = doc.find((n) => tagOf(n)?.endsWith('guest') === true);
  // libvirt returns the element it stored under our namespace URI without its xmlns; an
  // element that declares a namespace must declare ours.
  if (!node || (declaresNamespace(node) && !isOurs(node))) return undefined;
  const attrs = (node[':@'] ?? {}) as Record<string, string>;
  const guest = attrs['@_name'];
  if (guest === undefined) return undefined;
  const hash = attrs['@_definition'];
  const base = attrs['@_base'];
  const disks = attrs['@_disks'];
  const defineId = attrs['@_define'];
  return {
    guest,
    ...(defineId !== undefined ? { defineId } : {}),
    ...(disks !== undefined && /^\d+$/.test(disks) ? { mappedDisks: Number(disks) } : {}),
    ...(hash !== undefined ? { definitionHash: hash } : {}),
    ...(base !== undefined ? { baseHash: base } : {}),
  };
}
