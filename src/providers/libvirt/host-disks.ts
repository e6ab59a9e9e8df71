/**
 * virtwarden's mapped disks as one host's libvirt must be given them. The planner's disk XML
 * (`src/common/mapped-disks.ts`) says what is mapped; two things depend on the host and are
 * settled here, right before a define or a hot-plug:
 *
 * - **Volume format.** A pool volume is presented in the format the host's pool reports for it
 *   (`<driver type='qcow2'>` for a qcow2 volume), read once per mapped volume. Presenting a
 *   qcow2 image as raw would show the guest the qcow2 header and let its writes corrupt the
 *   image. Only a volume that does not exist yet keeps the planner's format: the one virtwarden
 *   creates it with (a qcow2 overlay of a golden image, else raw).
 * - **LUN passthrough.** `device='lun'` passes the guest's SCSI commands to the LUN; what lets
 *   the commands through unfiltered (persistent reservations of cluster software) depends on
 *   libvirt. Up to 8.x: `sgio='unfiltered'` (the per-device unpriv_sgio switch of RHEL kernels).
 *   libvirt 9.0 rejects it ("unfiltered sgio is no longer supported",
 *   `virDomainDiskDefValidate` in src/conf/domain_validate.c): there, `rawio='yes'` gives QEMU
 *   CAP_SYS_RAWIO, with which the kernel passes every command. The capability belongs to the
 *   QEMU process: a LUN hot-plugged into a guest started without one is attached at once, but
 *   its commands are filtered until the guest's next start.
 *
 * Only disks carrying virtwarden's alias (`ua-vw-…`) are touched; the guest's own disks are as
 * its definition file says.
 */
import XMLBuilder from 'fast-xml-builder';
import { XMLParser } from 'fast-xml-parser';
import { TransientError, errorMessage } from '../../common/errors.js';
import { VW_ALIAS_PREFIX } from '../../common/mapped-disks.js';
import { parseVolume } from './disk-xml.js';
import type { HostLink } from './host-link.js';
import { LibvirtError } from './libvirt-error.js';

const MISSING = new Set(['VIR_ERR_NO_STORAGE_VOL', 'VIR_ERR_NO_STORAGE_POOL']);

/** First libvirt release known to reject `sgio='unfiltered'` (verified on 9.0.0, Debian 12). */
export const SGIO_UNFILTERED_REJECTED_FROM = 9_000_000;

export interface HostDiskFacts {
  /** The host's libvirt (major * 1,000,000 + minor * 1,000 + release). */
  readonly libVersion: number;
  /** Format of each mapped volume that exists there, by `pool/name`. */
  readonly volumeFormats: ReadonlyMap<string, string>;
}

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
type Attrs = Record<string, string>;

const tagOf = (n: Node): string | undefined => Object.keys(n).find((k) => k !== ':@');
const kids = (n: Node, tag: string): Node[] => (Array.isArray(n[tag]) ? (n[tag] as Node[]) : []);
const attrs = (n: Node): Attrs => {
  n[':@'] ??= {};
  return n[':@'] as Attrs;
};

/** Every `<disk>` of a document that is a `<domain>` or a single `<disk>`. */
function disksOf(doc: Node[]): Node[] {
  const out: Node[] = [];
  for (const n of doc) {
    const tag = tagOf(n);
    if (tag === 'disk') out.push(n);
    if (tag !== 'domain') continue;
    for (const d of kids(n, 'domain').filter((c) => tagOf(c) === 'devices'))
      out.push(...kids(d, 'devices').filter((c) => tagOf(c) === 'disk'));
  }
  return out;
}

function isMapped(disk: Node): boolean {
  const alias = kids(disk, 'disk').find((c) => tagOf(c) === 'alias');
  return alias !== undefined && attrs(alias)['@_name']?.startsWith(VW_ALIAS_PREFIX) === true;
}

function volumeKey(disk: Node): string | undefined {
  if (attrs(disk)['@_type'] !== 'volume') return undefined;
  const src = kids(disk, 'disk').find((c) => tagOf(c) === 'source');
  const a = src ? attrs(src) : {};
  const pool = a['@_pool'];
  const volume = a['@_volume'];
  return pool === undefined || volume === undefined ? undefined : `${pool}/${volume}`;
}

/** `pool/name` of every mapped volume disk in a domain or disk XML. */
export function mappedVolumes(xml: string): string[] {
  const doc = new XMLParser(OPTIONS).parse(xml) as Node[];
  const keys = disksOf(doc)
    .filter(isMapped)
    .map(volumeKey)
    .filter((k): k is string => k !== undefined);
  return [...new Set(keys)];
}

/** The XML with virtwarden's disks as this host's libvirt takes them (pure). */
export function adaptDisks(xml: string, facts: HostDiskFacts): string {
  const doc = new XMLParser(OPTIONS).parse(xml) as Node[];
  for (const disk of disksOf(doc).filter(isMapped)) {
    const a = attrs(disk);
    const key = volumeKey(disk);
    const format = key === undefined ? undefined : facts.volumeFormats.get(key);
    if (format !== undefined) {
      const body = kids(disk, 'disk');
      let driver = body.find((c) => tagOf(c) === 'driver');
      if (!driver) {
        driver = { driver: [], ':@': { '@_name': 'qemu' } };
        body.unshift(driver);
        disk.disk = body;
      }
      attrs(driver)['@_type'] = format;
    }
    if (a['@_device'] === 'lun') {
      delete a['@_sgio'];
      delete a['@_rawio'];
      if (facts.libVersion >= SGIO_UNFILTERED_REJECTED_FROM) a['@_rawio'] = 'yes';
      else a['@_sgio'] = 'unfiltered';
    }
  }
  return new XMLBuilder({ ...OPTIONS, suppressEmptyNode: true }).build(doc);
}

/** What the host says about the XML's mapped disks: one volume read per mapped volume. */
export async function hostDiskFacts(link: HostLink, xml: string): Promise<HostDiskFacts> {
  const libVersion = await link.call('libvirt version', (api) => api.libVersion());
  const volumeFormats = new Map<string, string>();
  for (const key of mappedVolumes(xml)) {
    const [pool = '', ...rest] = key.split('/');
    const name = rest.join('/');
    let volume: string;
    try {
      volume = await link.call('volume XML', (api) => api.volumeXml(pool, name));
    } catch (err) {
      // Not there (yet): virtwarden creates it, in the planner's format.
      if (err instanceof LibvirtError && MISSING.has(err.codeName)) continue;
      // libvirt itself would present it as raw: refuse rather than guess.
      throw new TransientError(
        'volume-format-unknown',
        `volume ${key} on ${link.host.name}: its format cannot be read (${errorMessage(err)})`,
        { cause: err },
      );
    }
    const { format } = parseVolume(volume);
    if (format !== undefined) volumeFormats.set(key, format);
  }
  return { libVersion, volumeFormats };
}

/** `adaptDisks` with the facts read from the host. */
export async function forHost(link: HostLink, xml: string): Promise<string> {
  return adaptDisks(xml, await hostDiskFacts(link, xml));
}
