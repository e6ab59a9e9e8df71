/**
 * What changed between two normalized definitions, element by element (pure): the readable
 * difference a plan shows for a hand edit (`virsh edit`).
 *
 * Paths are XPath-like: `/domain/memory`, `/domain/devices/disk[target/@dev='vdb']/driver/@cache`,
 * `/domain/devices/serial[2]`. Devices people tell apart by a name are matched by it (a disk by
 * its target, an interface by its MAC, a controller by type and index), so removing the first
 * disk reports that disk, not every disk after it; other repeated elements are matched by
 * position. An element whose text changed is reported whole (its attributes give the text its
 * meaning, e.g. `unit`); otherwise each changed attribute is reported on its own.
 */
import type { DefinitionChange } from '../../model/observed.js';
import { serializeNode, type XmlNode } from './definition-normal.js';

/** How siblings of a tag are told apart when there are several. */
const KEYS: Readonly<Record<string, (n: XmlNode) => string | undefined>> = {
  disk: (n) => keyed('target/@dev', n.children.find((c) => c.tag === 'target')?.attrs.dev),
  interface: (n) => keyed('mac/@address', n.children.find((c) => c.tag === 'mac')?.attrs.address),
  controller: (n) =>
    n.attrs.type === undefined || n.attrs.index === undefined
      ? undefined
      : `[@type='${n.attrs.type}'][@index='${n.attrs.index}']`,
  filesystem: (n) => keyed('target/@dir', n.children.find((c) => c.tag === 'target')?.attrs.dir),
};

function keyed(expr: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : `[${expr}='${value}']`;
}

interface Slot {
  readonly step: string;
  readonly a?: XmlNode;
  readonly b?: XmlNode;
}

/** Pair up the children of two matched elements, each pair with its path step. */
function pair(a: readonly XmlNode[], b: readonly XmlNode[]): Slot[] {
  const tags = [...new Set([...a, ...b].map((n) => n.tag))];
  const slots: Slot[] = [];
  for (const tag of tags) {
    const as = a.filter((n) => n.tag === tag);
    const bs = b.filter((n) => n.tag === tag);
    if (as.length <= 1 && bs.length <= 1) {
      slots.push({ step: tag, ...(as[0] ? { a: as[0] } : {}), ...(bs[0] ? { b: bs[0] } : {}) });
      continue;
    }
    const key = KEYS[tag];
    const ka = key ? as.map(key) : [];
    const kb = key ? bs.map(key) : [];
    const unique = (ks: (string | undefined)[]): boolean =>
      ks.every((k) => k !== undefined) && new Set(ks).size === ks.length;
    if (key && unique(ka) && unique(kb)) {
      for (const k of [...new Set([...ka, ...kb])]) {
        const x = as[ka.indexOf(k)];
        const y = bs[kb.indexOf(k)];
        slots.push({ step: `${tag}${k ?? ''}`, ...(x ? { a: x } : {}), ...(y ? { b: y } : {}) });
      }
      continue;
    }
    for (let i = 0; i < Math.max(as.length, bs.length); i++) {
      const x = as[i];
      const y = bs[i];
      slots.push({ step: `${tag}[${i + 1}]`, ...(x ? { a: x } : {}), ...(y ? { b: y } : {}) });
    }
  }
  return slots;
}

function compare(path: string, a: XmlNode, b: XmlNode, out: DefinitionChange[]): void {
  const whole = serializeNode(a);
  if (whole === serializeNode(b)) return;
  if (a.text !== b.text) {
    if (a.children.length === 0 && b.children.length === 0) {
      out.push({ path, applied: whole, now: serializeNode(b) });
      return;
    }
    out.push({ path: `${path}/text()`, applied: a.text, now: b.text });
  }
  for (const name of [...new Set([...Object.keys(a.attrs), ...Object.keys(b.attrs)])].sort()) {
    const x = a.attrs[name];
    const y = b.attrs[name];
    if (x === y) continue;
    out.push({
      path: `${path}/@${name}`,
      ...(x !== undefined ? { applied: x } : {}),
      ...(y !== undefined ? { now: y } : {}),
    });
  }
  for (const s of pair(a.children, b.children)) {
    const p = `${path}/${s.step}`;
    if (s.a && s.b) compare(p, s.a, s.b, out);
    else if (s.a) out.push({ path: p, applied: serializeNode(s.a) });
    else if (s.b) out.push({ path: p, now: serializeNode(s.b) });
  }
}

/** Every change from `applied` (what virtwarden defined) to `now`; [] when they are the same. */
export function diffDefinitions(applied: XmlNode, now: XmlNode): DefinitionChange[] {
  const out: DefinitionChange[] = [];
  if (applied.tag !== now.tag) {
    return [{ path: '/', applied: serializeNode(applied), now: serializeNode(now) }];
  }
  compare(`/${applied.tag}`, applied, now, out);
  return out;
}
