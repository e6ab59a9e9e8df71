/**
 * A guest's definition file is bounded (1 MiB, 5,000 elements): over either, `validate` gives
 * VW309 at the manifest's `spec.definition.file`, naming the XML file, its size or element
 * count, and the XML line where the limit is passed, and never quotes the XML itself. At the
 * limits the file is accepted.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { runCli } from '../../../src/cli/main.js';
import { captureIo } from '../../helpers/cli-io.js';
import { manifestDir, type ManifestDir } from '../../helpers/manifest-dir.js';

const SITE = `apiVersion: virtwarden/v1
kind: Site
metadata: { name: lab }
spec:
  libvirt:
    hosts:
      - { name: kvm1, uri: "test:///default" }
`;
const GUEST = `apiVersion: virtwarden/v1
kind: Guest
metadata: { name: g1 }
spec:
  site: lab
  placement: { hosts: [kvm1] }
  definition: { file: guests/g1.xml }
`;
const HEAD = "<domain type='test'>\n  <name>g1</name>\n  <metadata><x:big xmlns:x='urn:x'>\n";
const TAIL = '  </x:big></metadata>\n</domain>\n';

/** A domain XML with `elements` elements in all, padded with text to `bytes`. */
function domainXml(elements: number, bytes = 0): string {
  const own = 4; // domain, name, metadata, x:big
  const body = "    <x:e a='1'/>\n".repeat(elements - own);
  const pad = Math.max(0, bytes - HEAD.length - body.length - TAIL.length - '<!--  -->\n'.length);
  return `${HEAD}${body}${pad > 0 ? `<!-- ${'p'.repeat(pad)} -->\n` : ''}${TAIL}`;
}

let md: ManifestDir | undefined;
afterEach(async () => {
  await md?.remove();
});

async function validate(xml: string): Promise<{ code: number; out: string }> {
  md = await manifestDir({ 'site.yaml': SITE, 'guest.yaml': GUEST, 'guests/g1.xml': xml });
  const io = captureIo();
  const code = await runCli(['validate', md.dir], io);
  return { code, out: io.out() + io.err() };
}

describe('definition file limits', () => {
  it('refuses a file over 1 MiB, at spec.definition.file, without quoting it', async () => {
    const r = await validate(domainXml(10, 1024 * 1024 + 4096));
    expect(r.code).toBe(1);
    expect(r.out).toContain('guest.yaml:7:');
    expect(r.out).toContain('error[VW309]');
    expect(r.out).toContain(
      "definition file 'guests/g1.xml' of guest 'g1' is too large: 1.0 MiB; definition files are limited to 1 MiB",
    );
    expect(r.out).toContain('definition: { file: guests/g1.xml }');
    // 3 lines of head, 6 elements, then the padding line that passes 1 MiB.
    expect(r.out).toMatch(/the limit is passed here: .*guests\/g1\.xml:10:1/);
    expect(r.out).not.toContain('pppppppp');
  });

  it('refuses more than 5,000 elements, naming the line of the 5,001st', async () => {
    const r = await validate(domainXml(5_001));
    expect(r.code).toBe(1);
    expect(r.out).toContain('error[VW309]');
    expect(r.out).toContain(
      'is too large: more than 5,000 elements (a domain definition has a few hundred)',
    );
    // Lines 1–3 hold 4 elements, one element a line after that: the 5,001st is on line 5,000.
    expect(r.out).toMatch(/the limit is passed here: .*guests\/g1\.xml:5000:5/);
    expect(r.out).not.toContain("<x:e a='1'/>");
  });

  it('accepts a file at both limits', async () => {
    const xml = domainXml(5_000, 1024 * 1024);
    expect(Buffer.byteLength(xml)).toBe(1024 * 1024);
    const r = await validate(xml);
    expect(r.out).not.toContain('VW309');
    expect(r.code).toBe(0);
  });
});
