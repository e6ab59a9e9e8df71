/**
 * The baseline of a definition: the domain XML as libvirt stored it right after virtwarden
 * defined it, kept inside virtwarden's own `<metadata>` element so that it lives and travels
 * with the definition (a live migration with a persistent destination carries it along, and
 * every host compares its copy with its own baseline).
 *
 * Why the whole XML and not only a hash: a hash says *that* a definition changed, the plan must
 * say *what* changed (`/domain/memory: 32768 → 65536 KiB`), which needs the old values. Stored
 * gzip-compressed and base64-encoded (a small guest's XML of ~2.5 KB becomes ~1 KB) as libvirt
 * returned it, not normalized: normalization is applied when comparing, so a later refinement of
 * what counts as libvirt's own addition applies to baselines already written.
 *
 * Never a secret in it: it is read without VIR_DOMAIN_XML_SECURE, so libvirt leaves out
 * passwords (graphics `passwd`, …) — and so does every later read it is compared with.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

const PREFIX = 'gz1:';

export function encodeBaseline(xml: string): string {
  return PREFIX + gzipSync(Buffer.from(xml, 'utf8'), { level: 9 }).toString('base64');
}

/** The XML of a baseline; undefined when it is not one this version can read (never throws). */
export function decodeBaseline(value: string | undefined): string | undefined {
  if (value?.startsWith(PREFIX) !== true) return undefined;
  try {
    return gunzipSync(Buffer.from(value.slice(PREFIX.length), 'base64')).toString('utf8');
  } catch {
    return undefined;
  }
}
