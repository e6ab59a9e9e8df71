import { describe, expect, it } from '@jest/globals';
import {
  OWNER_NS,
  ownershipElement,
  parseOwnership,
  prepareDefinition,
} from '../../../src/providers/libvirt/domain-xml.js';

const XML = `<domain type='kvm'>
  <name>old-name</name>
  <memory unit='MiB'>512</memory>
  <metadata><app:info xmlns:app="https://example.com/app">keep me</app:info></metadata>
  <devices><disk type='file'><source file='/a&amp;b.img'/></disk></devices>
</domain>`;

describe('domain XML preparation', () => {
  const owner = { guest: 'db1', definitionHash: 'sha256:abc' };

  it('sets the hypervisor name and UUID and adds the ownership record, keeping the rest', () => {
    const out = prepareDefinition(XML, {
      name: 'db1-prod',
      uuid: '4e803500-2213-44dc-b916-22fdac46e3ed',
      owner,
    });
    expect(out).toContain('<name>db1-prod</name>');
    expect(out).toContain('<uuid>4e803500-2213-44dc-b916-22fdac46e3ed</uuid>');
    expect(out).toContain('keep me');
    expect(out).toContain('/a&amp;b.img');
    expect(out).toContain(`xmlns:vw="${OWNER_NS}"`);
    expect(out).not.toContain('old-name');
  });

  it('replaces an earlier ownership record instead of adding a second', () => {
    const once = prepareDefinition(XML, {
      name: 'db1',
      uuid: 'u',
      owner: { guest: 'db1', definitionHash: 'sha256:old' },
    });
    const twice = prepareDefinition(once, { name: 'db1', uuid: 'u', owner });
    expect(twice.match(/vw:guest/g)).toHaveLength(1);
    expect(twice).toContain('sha256:abc');
  });

  it('reads back the ownership record, and ignores a foreign element of the same name', () => {
    expect(parseOwnership(ownershipElement(owner))).toEqual(owner);
    expect(parseOwnership('<x:guest xmlns:x="https://other.example" name="db1"/>')).toBeUndefined();
    expect(parseOwnership(undefined)).toBeUndefined();
    // As libvirt returns it for our namespace URI: without the xmlns declaration.
    expect(parseOwnership('<guest name="db1" definition="sha256:abc"/>')).toEqual(owner);
  });

  it('rejects a document that is not a domain', () => {
    expect(() => prepareDefinition('<network/>', { name: 'a', uuid: 'u', owner })).toThrow(
      '<domain>',
    );
  });
});
