/**
 * Guest definitions: the file exists and is a libvirt `<domain type='…'>`, its `<name>` (if
 * any) is the guest's hypervisor name, its `<uuid>` (if any) is a UUID, and a guest in a
 * DisasterRecovery plan has no CD-ROM and does not boot from CD-ROM first (the DR payload is a
 * CD-ROM). Problems inside the XML point into the XML file.
 */
import type { Diagnostic, SourceSpan } from '../../model/diagnostic.js';
import type { Collected, GuestEntry, Names } from '../collected.js';
import type { XmlPosition } from '../domain-xml.js';
import { diag, quote } from '../diagnostics.js';
import { drPlans } from './membership.js';
import { OUTSIDE_ROOT_HINT } from './paths.js';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function xmlSpan(file: string, at: XmlPosition): SourceSpan {
  return { file, line: at.line, col: at.col };
}

function checkOne(entry: GuestEntry, inDrPlan: string | undefined): Diagnostic[] {
  const read = entry.definition;
  if (read === undefined) return [];
  const { value: guest, written, locator } = entry;
  const fileAt = (): SourceSpan => locator.span(['spec', 'definition', 'file']);
  const writtenPath = written.definition?.file ?? read.path;
  if (!read.ok && read.outsideRoot !== undefined) {
    return [
      diag(
        'outsideRoot',
        `spec.definition.file ${quote(writtenPath)} of guest ${quote(guest.name)} resolves outside the manifest root ${quote(read.outsideRoot)}`,
        fileAt(),
        { hint: OUTSIDE_ROOT_HINT },
      ),
    ];
  }
  if (!read.ok) {
    return [
      diag(
        'definitionMissing',
        `definition file ${quote(writtenPath)} of guest ${quote(guest.name)} cannot be read: ${read.reason}`,
        fileAt(),
        { hint: `paths are relative to the manifest's directory; looked for ${read.path}` },
      ),
    ];
  }
  const usedBy = (): Diagnostic['related'] => [
    { message: `the definition of guest ${quote(guest.name)}`, at: fileAt() },
  ];
  const info = read.inspection;
  if (!info.ok && info.problem === 'too-large') {
    // Pointed at the manifest's field (the file is not quoted: it is huge), the XML's offending
    // line as the related place.
    return [
      diag(
        'definitionTooLarge',
        `definition file ${quote(writtenPath)} of guest ${quote(guest.name)} is too large: ${info.message}`,
        fileAt(),
        {
          hint: 'spec.definition.file must name a libvirt domain XML as `virsh dumpxml` prints it (a few KB); keep bulk data out of <metadata> and <description>',
          related: [{ message: 'the limit is passed here', at: xmlSpan(read.path, info.at) }],
        },
      ),
    ];
  }
  if (!info.ok) {
    return [
      diag(
        info.problem === 'not-xml' ? 'definitionNotXml' : 'notADomain',
        info.message,
        xmlSpan(read.path, info.at),
        {
          hint:
            info.problem === 'not-xml'
              ? 'the file must be a libvirt domain XML, as `virsh dumpxml` prints it'
              : "the root element must be <domain type='kvm'> (or qemu, xen, lxc, test)",
          related: usedBy(),
        },
      ),
    ];
  }
  const out: Diagnostic[] = [];
  if (info.name !== undefined && info.name !== guest.domainName) {
    out.push(
      diag(
        'domainNameMismatch',
        `<name> ${quote(info.name)} differs from the hypervisor name ${quote(guest.domainName)} of guest ${quote(guest.name)}`,
        xmlSpan(read.path, info.nameAt ?? { line: 1, col: 1 }),
        {
          hint: `remove <name> (virtwarden sets it), or set spec.name: ${info.name}`,
          related: usedBy(),
        },
      ),
    );
  }
  if (info.uuid !== undefined && !UUID.test(info.uuid)) {
    out.push(
      diag(
        'badUuid',
        `<uuid> ${quote(info.uuid)} is not a UUID`,
        xmlSpan(read.path, info.uuidAt ?? { line: 1, col: 1 }),
        {
          hint: 'remove <uuid> (virtwarden derives a stable one from the name) or fix it',
          related: usedBy(),
        },
      ),
    );
  }
  if (inDrPlan !== undefined && info.cdromAt !== undefined) {
    out.push(
      diag(
        'drGuestHasCdrom',
        `guest ${quote(guest.name)} is in DisasterRecovery plan ${quote(inDrPlan)} but has a CD-ROM of its own`,
        xmlSpan(read.path, info.cdromAt),
        {
          hint: 'remove the CD-ROM: the DR payload (network personality) is attached as the CD-ROM',
          related: usedBy(),
        },
      ),
    );
  }
  if (inDrPlan !== undefined && info.cdromBootAt !== undefined) {
    out.push(
      diag(
        'drGuestBootsFromCdrom',
        `guest ${quote(guest.name)} is in DisasterRecovery plan ${quote(inDrPlan)} but boots from CD-ROM first`,
        xmlSpan(read.path, info.cdromBootAt),
        {
          hint: "put <boot dev='hd'/> first: the DR payload CD-ROM would otherwise be booted",
          related: usedBy(),
        },
      ),
    );
  }
  return out;
}

export function checkDefinitions(collected: Collected, names: Names): Diagnostic[] {
  const plans = drPlans(collected);
  return (
    collected.guests
      // An oVirt guest's definition is refused as a whole (VW305); its content is beside the point.
      .filter((entry) => names.sites.get(entry.value.site)?.value.provider.kind !== 'ovirt')
      .flatMap((entry) => checkOne(entry, plans.get(entry.value.name)?.value.name))
  );
}
