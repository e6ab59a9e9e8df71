/** The disks of a domain's XML as observed disks (pure). */
import { XMLParser } from 'fast-xml-parser';
import type { ObservedDisk } from '../../model/observed.js';

type Attrs = Record<string, string | undefined>;
interface DiskNode {
  '@_device'?: string;
  '@_type'?: string;
  source?: Attrs;
  target?: Attrs;
  alias?: Attrs;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name) => name === 'disk',
});

export function parseDisks(xml: string): ObservedDisk[] {
  const doc = parser.parse(xml) as { domain?: { devices?: { disk?: DiskNode[] } } };
  const disks = doc.domain?.devices?.disk ?? [];
  return disks.flatMap((d): ObservedDisk[] => {
    const target = d.target?.['@_dev'];
    if (target === undefined) return [];
    const src = d.source ?? {};
    const source =
      src['@_pool'] !== undefined
        ? `${src['@_pool']}/${src['@_volume'] ?? ''}`
        : (src['@_dev'] ?? src['@_file'] ?? src['@_name'] ?? '');
    const alias = d.alias?.['@_name'];
    return [
      {
        target,
        bus: d.target?.['@_bus'] ?? '',
        device: d['@_device'] ?? 'disk',
        source,
        ...(alias !== undefined ? { alias } : {}),
      },
    ];
  });
}

/** `<format type='qcow2'/>` and the backing path of a volume's XML. */
export function parseVolume(xml: string): { format?: string; backingPath?: string } {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(xml) as {
    volume?: { target?: { format?: Attrs }; backingStore?: { path?: string } };
  };
  const format = doc.volume?.target?.format?.['@_type'];
  const backingPath = doc.volume?.backingStore?.path;
  return {
    ...(format !== undefined ? { format } : {}),
    ...(backingPath !== undefined ? { backingPath } : {}),
  };
}
