/** Reading a guest's domain XML: well-formedness and the facts validation needs. */
import { describe, expect, it } from '@jest/globals';
import { inspectDomainXml } from '../../../src/manifest/domain-xml.js';

const good = `<?xml version="1.0"?>
<!-- <name>not-this</name> -->
<domain type='kvm' id="3">
  <name>db1&amp;co</name>
  <uuid>
    3f0a5c2e-6d1b-4e8a-9b7c-1d2e3f4a5b01
  </uuid>
  <description><![CDATA[<name>nor this</name> & that]]></description>
  <metadata><vw:guest xmlns:vw="https://virtwarden.dev/xmlns/guest/1" note="a>b"/></metadata>
  <os><type>hvm</type><boot dev='cdrom'/><boot dev='hd'/></os>
  <devices>
    <disk type='file' device="cdrom"><target dev='sda' bus='sata'/></disk>
  </devices>
</domain>
`;

describe('inspectDomainXml', () => {
  it('reads name, uuid, CD-ROM and boot order, skipping comments and CDATA', () => {
    expect(inspectDomainXml(good)).toEqual({
      ok: true,
      name: 'db1&co',
      nameAt: { line: 4, col: 3 },
      uuid: '3f0a5c2e-6d1b-4e8a-9b7c-1d2e3f4a5b01',
      uuidAt: { line: 5, col: 3 },
      cdromAt: { line: 12, col: 5 },
      cdromBootAt: { line: 10, col: 23 },
    });
  });

  it('accepts a minimal domain without name or uuid', () => {
    expect(inspectDomainXml("<domain type='test'/>")).toEqual({ ok: true });
  });

  it.each([
    ["<domain type='kvm'><name>a</domain>", '</domain> where </name> was expected', 1, 27],
    ["<domain type='kvm'><name>a</name>", '<domain> is never closed', 1, 34],
    ["<domain type='kvm'><disk device=cdrom/></domain>", 'a malformed tag', 1, 20],
    ["<domain type='kvm'>a < b</domain>", 'a malformed tag', 1, 22],
    ["<domain type='kvm'>R&D</domain>", "an '&' that starts no entity", 1, 21],
    ["<domain type='kvm'/>\ntrailing", 'text outside the root element', 1, 21],
    ['garbage', 'text outside the root element', 1, 1],
    ['', 'the root element is missing or repeated', 1, 1],
  ])('refuses %j: %s', (xml, message, line, col) => {
    const result = inspectDomainXml(xml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain(message);
    expect(result.at).toEqual({ line, col });
  });

  it('refuses a DOCTYPE (entity expansion) before parsing anything', () => {
    const bomb = `<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<domain type='kvm'>&b;</domain>`;
    expect(inspectDomainXml(bomb)).toMatchObject({
      ok: false,
      problem: 'not-xml',
      at: { line: 1, col: 1 },
    });
  });

  it('tells a non-domain root and a missing type apart from bad XML', () => {
    expect(inspectDomainXml('<network><name>n</name></network>')).toMatchObject({
      ok: false,
      problem: 'not-domain',
      message: 'the root element is <network>, not <domain>',
    });
    expect(inspectDomainXml('<domain><name>n</name></domain>')).toMatchObject({
      ok: false,
      problem: 'not-domain',
    });
    expect(inspectDomainXml('<a/><b/>')).toMatchObject({ ok: false });
  });
});
