/**
 * What one persistent definition says about itself (pure): virtwarden's ownership record, read
 * from the definition's own `<metadata>`, and — when that record carries a baseline — what was
 * changed by hand since virtwarden defined it.
 */
import type { DefinitionChange, Ownership } from '../../model/observed.js';
import { decodeBaseline } from './definition-baseline.js';
import { diffDefinitions } from './definition-diff.js';
import {
  isOwnerElement,
  normalizeDefinition,
  parseDomainTree,
  serializeNode,
  type XmlNode,
} from './definition-normal.js';
import { parseOwnership } from './domain-xml.js';

export interface DefinitionReading {
  /** Absent: not owned by virtwarden. */
  readonly owner?: Ownership;
  /** The encoded baseline as stored (absent for definitions written before baselines). */
  readonly baseline?: string;
  /** Hand edits since virtwarden defined it; absent when none, or when there is no baseline. */
  readonly drift?: readonly DefinitionChange[];
  /**
   * Owned, but without a baseline this version can compare with (a define interrupted between
   * libvirt's define and the baseline's write — a killed `watch`, a libvirtd restart — or a
   * definition from before baselines): whether it was edited by hand cannot be told.
   */
  readonly unverifiable?: true;
}

function ownerElement(xml: string): XmlNode | undefined {
  try {
    const metadata = parseDomainTree(xml).children.find((c) => c.tag === 'metadata');
    return metadata?.children.find(isOwnerElement);
  } catch {
    return undefined;
  }
}

/** Only the ownership record of a domain XML (a running instance's, say): no diff. */
export function readOwnership(xml: string): Ownership | undefined {
  const element = ownerElement(xml);
  return element ? parseOwnership(serializeNode(element)) : undefined;
}

/** Reads a persistent definition; a document that is not a domain reads as "not owned". */
export function readDefinition(xml: string): DefinitionReading {
  const element = ownerElement(xml);
  const owner = element ? parseOwnership(serializeNode(element)) : undefined;
  if (!element || !owner) return {};
  const baseline = element.attrs.baseline;
  const applied = decodeBaseline(baseline);
  if (baseline === undefined || applied === undefined) {
    return { owner, ...(baseline !== undefined ? { baseline } : {}), unverifiable: true };
  }
  let drift: DefinitionChange[];
  try {
    drift = diffDefinitions(normalizeDefinition(applied), normalizeDefinition(xml));
  } catch {
    // A baseline that no longer parses says nothing about hand edits.
    return { owner, baseline, unverifiable: true };
  }
  return { owner, baseline, ...(drift.length > 0 ? { drift } : {}) };
}

/**
 * A define that repairs a hand edit (same manifest as before) must read back what the previous
 * define stored — libvirt's form of the same file. What differs from the previous baseline was
 * changed by someone else in the moment between the define and its read-back (an operator's
 * `virsh edit` racing the repair); generated MAC addresses (a definition without one gets a new
 * one at each define) do not count. Resolves with the changed paths (empty: clean).
 */
export function changedSinceBaseline(previous: string, stored: string): string[] {
  const applied = decodeBaseline(readDefinition(previous).baseline);
  if (applied === undefined) return [];
  try {
    return diffDefinitions(normalizeDefinition(applied), normalizeDefinition(stored))
      .map((c) => c.path)
      .filter((p) => !p.endsWith('mac/@address'));
  } catch {
    return [];
  }
}
